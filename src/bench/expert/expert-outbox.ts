import type { Db } from '../../storage/database.js';

/** How long sent rows wait for their batch's DELETE. */
const BATCH_EVERY_MS = 20;

/**
 * The reference's outbox: a row is inserted in the transaction that settles an order (by the caller), sent
 * at once by whoever committed it, and deleted with the other rows sent since, one DELETE per batch.
 */
export class ExpertOutbox {
  private readonly insert;
  private readonly remove;
  private sent: number[] = [];
  private timer?: NodeJS.Timeout;

  constructor(db: Db) {
    this.insert = db.prepare(`INSERT INTO outbox (message_id, event, kind, aggregate, payload, headers, created_at) VALUES (?, ?, 'event', ?, ?, '{}', ?) RETURNING seq`);
    this.remove = db.prepare('DELETE FROM outbox WHERE seq IN (SELECT value FROM json_each(?))');
  }

  /** Inside a write: records `payload` as `event` about `aggregate`; returns the row's seq. */
  add(messageId: string, event: string, aggregate: string, payload: unknown, at: string): number {
    return (this.insert.get(messageId, event, aggregate, JSON.stringify(payload), at) as { seq: number }).seq;
  }

  /** The row `seq` was delivered: it goes with the next batch. */
  sentRow(seq: number): void {
    this.sent.push(seq);
    this.timer ??= setTimeout(() => this.flush(), BATCH_EVERY_MS);
  }

  /** Deletes every row delivered so far, in one statement. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.sent.length) return;
    const batch = this.sent;
    this.sent = [];
    this.remove.run(JSON.stringify(batch));
  }
}
