import Database from 'better-sqlite3';
import { join } from 'node:path';

/** A service's own SQLite database. */
export type Db = Database.Database;

/** Opens (or creates) `<dir>/<service>.sqlite` in WAL mode and applies the service's schema. */
export function openDatabase(dir: string, service: string, schema: string): Db {
  const db = new Database(join(dir, `${service}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.exec(schema);
  return db;
}
