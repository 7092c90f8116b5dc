import { join } from 'node:path';
import { maskUrl } from '../broker/broker-url.js';
import { AppError } from '../core/errors.js';
import { PostgresDb, postgresSchema } from './postgres-db.js';
import type { SqlDb } from './sql-db.js';
import { SqliteDb } from './sqlite-db.js';

/** A service's own database. */
export type Db = SqlDb;

/** Where services keep their data: a SQLite file each in a directory, or a schema each in one PostgreSQL database. */
export type StorePlace = { kind: 'sqlite'; dir: string } | { kind: 'postgres'; url: string; prefix: string };

/**
 * Every service's messaging tables: what waits to leave (events, replies and calls, in the
 * transaction that made them; claimed by one sender at a time, in order per aggregate) and
 * the messages already handled (kept for the retention window).
 */
const messagingSchema = `
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL UNIQUE,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,
  headers TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS inbox (
  consumer TEXT NOT NULL,
  message_id TEXT NOT NULL,
  processed_at TEXT NOT NULL,
  PRIMARY KEY (consumer, message_id)
);
CREATE INDEX IF NOT EXISTS inbox_by_age ON inbox (processed_at);`;

/** Columns added to the outbox since its first version; an older database gets them on open. */
const outboxColumns: Record<string, string> = {
  kind: `TEXT NOT NULL DEFAULT 'event'`,
  aggregate: `TEXT NOT NULL DEFAULT ''`,
  claimed_by: 'TEXT',
  claimed_until: 'INTEGER NOT NULL DEFAULT 0',
  attempts: 'INTEGER NOT NULL DEFAULT 0',
  next_attempt_at: 'INTEGER NOT NULL DEFAULT 0',
};

/** How a database is opened. */
export interface OpenOptions {
  /**
   * Release the outbox claims still held (default true): right when one process alone opens these
   * databases, so a claim still held belonged to a process that ended mid-send. Replicas of a service
   * share its database: they leave the claims to run out (30 s) instead of taking over a live one.
   */
  releaseClaims?: boolean;
  /** The service's own migrations of a database made by an earlier version, run with the schema in the same exclusive transaction. */
  migrate?: (db: Db) => void;
  /**
   * SQLite: this connection is the only one to open the file while it is open (one process owns the data dir, runs
   * one instance of the service, and nobody inspects the file meanwhile): its locks are held, not taken per
   * transaction (see SqliteOptions.sole). Never with replicas sharing the file, nor where a test or a user reads it live.
   */
  sole?: boolean;
}

/** The PostgreSQL schema of `service` under `prefix` (a namespace: letters, digits and `_` only). */
export function schemaName(prefix: string, service: string): string {
  const clean = (text: string) => text.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return (prefix ? `${clean(prefix)}_${clean(service)}` : clean(service)).slice(0, 63);
}

function connect(place: StorePlace, service: string, sole = false): SqlDb {
  if (place.kind === 'sqlite') return new SqliteDb(join(place.dir, `${service}.sqlite`), { sole });
  try {
    return new PostgresDb(place.url, schemaName(place.prefix, service));
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('STORE_UNAVAILABLE', `cannot open ${service}'s database in PostgreSQL (${maskUrl(place.url)}): ${(error as Error).message.trim().replace(/\s+/g, ' ')}`);
  }
}

/**
 * Opens (or creates) a service's database — `<dir>/<service>.sqlite` in WAL mode, or its schema in
 * PostgreSQL — and applies the service's schema and the messaging tables.
 */
export function openDatabase(where: string | StorePlace, service: string, schema: string, options: OpenOptions = {}): Db {
  const place: StorePlace = typeof where === 'string' ? { kind: 'sqlite', dir: where } : where;
  const db = connect(place, service, options.sole);
  // Schema and migrations in one exclusive transaction, so two replicas never both add the same column.
  db.exclusive(() => {
    if (db instanceof SqliteDb) {
      db.exec(schema + messagingSchema);
      const present = db.columns('outbox');
      for (const [column, type] of Object.entries(outboxColumns)) if (!present.has(column)) db.exec(`ALTER TABLE outbox ADD COLUMN ${column} ${type}`);
    } else {
      db.exec(postgresSchema(schema + messagingSchema));
      for (const [column, type] of Object.entries(outboxColumns)) db.exec(postgresSchema(`ALTER TABLE outbox ADD COLUMN IF NOT EXISTS ${column} ${type}`));
      db.exec(`CREATE OR REPLACE FUNCTION now_utc() RETURNS text LANGUAGE sql VOLATILE
               AS $$ SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$`);
    }
    db.exec('CREATE INDEX IF NOT EXISTS outbox_by_aggregate ON outbox (aggregate, seq)');
    options.migrate?.(db);
    // Alone on a data dir, claims still held were held by a process that ended (crashed mid-send), so
    // nobody is sending those rows now. Released, they go out at once, not when the lease ends.
    if (options.releaseClaims ?? true) db.exec('UPDATE outbox SET claimed_by = NULL, claimed_until = 0 WHERE claimed_until > 0');
  });
  return db;
}

/** Drops the schemas of a throwaway namespace (a run's, a test's); what is not there is skipped. */
export function dropSchemas(url: string, prefix: string, services: readonly string[]): void {
  const db = new PostgresDb(url, 'public');
  try {
    for (const service of services) db.exec(`DROP SCHEMA IF EXISTS "${schemaName(prefix, service)}" CASCADE`);
  } finally {
    db.close();
  }
}
