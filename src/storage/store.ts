import { randomUUID } from 'node:crypto';
import { HEADERS } from '../broker/transport.js';
import { AppError } from '../core/errors.js';
import { currentTrace, formatTraceparent } from '../tracing/context.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

/** Thrown when a message this consumer already handled comes again: the bus acks it and does nothing. */
export class AlreadyProcessed extends Error {
  constructor(messageId: string) {
    super(`message ${messageId} was already processed`);
  }
}

/** Who takes the events a store raises: which it wants, and a nudge after each commit that raised some. */
export interface OutboxReader {
  wants(event: string): boolean;
  kick(): void;
}

/** An event waiting in the outbox. */
export interface OutboxRow {
  seq: number;
  messageId: string;
  event: string;
  payload: unknown;
  headers: Record<string, string>;
}

const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ')`;

/**
 * A service's database with its outbox and inbox. A write is one IMMEDIATE transaction holding
 * the state change, the events it raises and, inside a delivery, the record that the message was
 * handled, so a crash can neither lose an event nor apply a message twice.
 */
export class Store {
  private reader?: OutboxReader;
  private raised = false;
  private readonly statements;
  private readonly prepared = new Map<string, Statement>();
  private closed = false;

  constructor(readonly db: Db) {
    this.statements = {
      processed: db.prepare(`INSERT OR IGNORE INTO inbox (consumer, message_id, processed_at) VALUES (?, ?, ${NOW})`),
      enqueue: db.prepare(`INSERT INTO outbox (message_id, event, payload, headers, created_at) VALUES (?, ?, ?, ?, ${NOW})`),
      next: db.prepare('SELECT seq, message_id, event, payload, headers FROM outbox ORDER BY seq LIMIT ?'),
      remove: db.prepare('DELETE FROM outbox WHERE seq = ?'),
      count: db.prepare('SELECT COUNT(*) AS n FROM outbox'),
    };
  }

  /** The prepared statement for `sql`, compiled once per store. */
  sql(sql: string): Statement {
    this.open();
    let statement = this.prepared.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }

  /** Connects the reader of this store's outbox (the relay). */
  attach(reader: OutboxReader): void {
    this.reader = reader;
  }

  write<T>(fn: () => T): T {
    this.open();
    if (this.db.inTransaction) return fn();
    const delivery = currentTrace()?.delivery;
    const result = this.db
      .transaction(() => {
        if (delivery && !delivery.recorded) {
          if (this.statements.processed.run(delivery.consumer, delivery.messageId).changes === 0) throw new AlreadyProcessed(delivery.messageId);
          delivery.recorded = true;
        }
        return fn();
      })
      .immediate();
    if (this.raised) {
      this.raised = false;
      this.reader?.kick();
    }
    return result;
  }

  /** Records a domain event in the outbox, inside the current write; nobody wanting it, nothing is stored. */
  raise(event: string, payload: unknown): void {
    if (!this.db.inTransaction) throw new Error(`raise(${event}) outside a write`);
    if (!this.reader?.wants(event)) return;
    const trace = currentTrace();
    const headers: Record<string, string> = {};
    if (trace) headers[HEADERS.traceparent] = formatTraceparent(trace.traceId, trace.spanId);
    if (trace?.correlationId) headers[HEADERS.correlationId] = trace.correlationId;
    this.statements.enqueue.run(randomUUID(), event, JSON.stringify(payload), JSON.stringify(headers));
    this.raised = true;
  }

  /** The oldest events waiting to be published. */
  outbox(limit: number): OutboxRow[] {
    this.open();
    return (this.statements.next.all(limit) as { seq: number; message_id: string; event: string; payload: string; headers: string }[]).map((r) => ({
      seq: r.seq,
      messageId: r.message_id,
      event: r.event,
      payload: JSON.parse(r.payload),
      headers: JSON.parse(r.headers),
    }));
  }

  /** Removes an event the broker has confirmed. */
  published(seq: number): void {
    this.open();
    this.statements.remove.run(seq);
  }

  waiting(): number {
    if (this.closed) return 0;
    return (this.statements.count.get() as { n: number }).n;
  }

  /** Closes the database; work that reaches it afterwards is told the service is shutting down (503), never a raw driver error. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private open(): void {
    if (this.closed) throw new AppError('SHUTTING_DOWN', 'the service is shutting down: try again once it is back');
  }
}
