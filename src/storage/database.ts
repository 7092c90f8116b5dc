import Database from 'better-sqlite3';
import { join } from 'node:path';

/** A service's own SQLite database. */
export type Db = Database.Database;

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
}

/**
 * Switches to WAL. On a fresh file that needs an exclusive lock, and SQLite answers "database is locked"
 * at once, without waiting, when another process opening the same file holds it: try again for up to 5 s.
 */
function walMode(db: Db): void {
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (let tried = 0; ; tried++) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || tried >= 500) throw error;
      Atomics.wait(wait, 0, 0, 10);
    }
  }
}

/** Opens (or creates) `<dir>/<service>.sqlite` in WAL mode and applies the service's schema and the messaging tables. */
export function openDatabase(dir: string, service: string, schema: string, options: OpenOptions = {}): Db {
  const db = new Database(join(dir, `${service}.sqlite`));
  // Replicas of a service open its file at the same moment: each waits for the other's lock rather than failing.
  db.pragma('busy_timeout = 5000');
  walMode(db);
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Schema and migrations in one IMMEDIATE transaction, so two replicas never both add the same column.
  db.transaction(() => {
    db.exec(schema + messagingSchema);
    const present = new Set((db.pragma('table_info(outbox)') as { name: string }[]).map((c) => c.name));
    for (const [column, type] of Object.entries(outboxColumns)) if (!present.has(column)) db.exec(`ALTER TABLE outbox ADD COLUMN ${column} ${type}`);
    db.exec('CREATE INDEX IF NOT EXISTS outbox_by_aggregate ON outbox (aggregate, seq)');
    // Alone on a data dir, claims still held were held by a process that ended (crashed mid-send), so
    // nobody is sending those rows now. Released, they go out at once, not when the lease ends.
    if (options.releaseClaims ?? true) db.exec('UPDATE outbox SET claimed_by = NULL, claimed_until = 0 WHERE claimed_until > 0');
  }).immediate();
  return db;
}
