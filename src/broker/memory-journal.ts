import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import type { Message } from './transport.js';
import { makeFoldersSync } from '../core/make-folders.js';

/** A message as the journal keeps it: which group's queue it waits in, how many deliveries were started, and whether it is parked. */
export interface JournalRow {
  seq: number;
  group: string;
  message: Message;
  started: number;
  parked: boolean;
  reason: string | null;
  parkedAt: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queued (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  grp TEXT NOT NULL,
  message TEXT NOT NULL,
  started INTEGER NOT NULL DEFAULT 0,
  parked INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  parked_at TEXT
);
CREATE INDEX IF NOT EXISTS queued_by_group ON queued (grp, parked, seq);`;

/**
 * The embedded broker's queues on disk (`broker.sqlite` in the data dir): a message is written before
 * `publish` resolves and deleted when its consumer acks, so a process killed with messages queued, in
 * retry or in flight delivers them after a restart, counting the deliveries it had already started.
 */
export class MemoryJournal {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(file: string) {
    makeFoldersSync(dirname(file));
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.statements = {
      insert: this.db.prepare('INSERT INTO queued (grp, message) VALUES (?, ?)'),
      started: this.db.prepare('UPDATE queued SET started = ? WHERE seq = ?'),
      remove: this.db.prepare('DELETE FROM queued WHERE seq = ?'),
      park: this.db.prepare(`UPDATE queued SET parked = 1, started = ?, reason = ?, parked_at = ? WHERE seq = ?`),
      unpark: this.db.prepare('UPDATE queued SET parked = 0, started = 0, reason = NULL, parked_at = NULL WHERE seq = ?'),
      load: this.db.prepare('SELECT * FROM queued WHERE grp = ? ORDER BY seq'),
    };
  }

  /** Writes one copy of `message` per group, in one transaction; returns their sequence numbers in the groups' order. */
  readonly add = (groups: string[], message: Message): number[] =>
    this.db.transaction(() => groups.map((group) => Number(this.statements.insert.run(group, JSON.stringify(message)).lastInsertRowid)))();

  started(seq: number, count: number): void {
    this.statements.started.run(count, seq);
  }

  acked(seq: number): void {
    this.statements.remove.run(seq);
  }

  park(seq: number, attempts: number, reason: string, at: string): void {
    this.statements.park.run(attempts, reason, at, seq);
  }

  unpark(seq: number): void {
    this.statements.unpark.run(seq);
  }

  /** Everything a group's queue held when the process stopped, oldest first. */
  load(group: string): JournalRow[] {
    return (this.statements.load.all(group) as { seq: number; grp: string; message: string; started: number; parked: number; reason: string | null; parked_at: string | null }[]).map((r) => ({
      seq: r.seq,
      group: r.grp,
      message: JSON.parse(r.message),
      started: r.started,
      parked: r.parked === 1,
      reason: r.reason,
      parkedAt: r.parked_at,
    }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
