import Database from 'better-sqlite3';
import { join } from 'node:path';

/** A service's own SQLite database. */
export type Db = Database.Database;

/** Every service's messaging tables: events waiting to be published, and messages already handled. */
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
);`;

/** Opens (or creates) `<dir>/<service>.sqlite` in WAL mode and applies the service's schema and the messaging tables. */
export function openDatabase(dir: string, service: string, schema: string): Db {
  const db = new Database(join(dir, `${service}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.exec(schema + messagingSchema);
  return db;
}
