import { randomUUID } from 'node:crypto';
import { HEADERS } from '../broker/transport.js';
import { AppError } from '../core/errors.js';
import { formatTraceparent, type TraceContext } from '../tracing/context.js';
import type { Db } from './database.js';
import type { SqlStatement } from './sql-db.js';

/** Thrown when a message this consumer already handled comes again: the bus acks it and does nothing. */
export class AlreadyProcessed extends Error {
  constructor(messageId: string) {
    super(`message ${messageId} was already processed`);
  }
}

/** Who takes the events a store raises: which it wants, and the rows each commit wrote (or a nudge when it takes none in memory). */
export interface OutboxReader {
  wants(event: string): boolean;
  /** A nudge: rows wait that nobody holds, a pass should look for them soon. */
  kick(): void;
  /** Hears of a raised event it does not want (nothing is stored for it). */
  unrouted?(event: string): void;
  /** Who the rows a write raises are claimed for in that same transaction (none: they wait unclaimed for a pass). */
  readonly claimant?: string;
  /** Takes the rows a write just committed, oldest first (instead of `kick`): those `held` are claimed for `claimant`, the others wait for a pass. */
  take?(rows: HandedRow[]): void;
  /** Rows it sent that are still in the outbox, their DELETE waiting to go with the next batch: sent, not waiting. */
  readonly removing?: number;
}

/** How long a sender holds a row it claimed (longer than any HTTP call or publish may take); a claim outlives a sender that died holding it this long. */
export const OUTBOX_LEASE_MS = 30_000;

/** What a row of the outbox is: a domain event (the relay's routes make it a message or a call), or a message of a fixed type (a reply). */
export type OutboxKind = 'event' | 'message';

/** Something waiting in the outbox. */
export interface OutboxRow {
  seq: number;
  messageId: string;
  /** The domain event (kind `event`) or the message type (kind `message`). */
  event: string;
  kind: OutboxKind;
  /** What it is about (an order id, a user id): rows of one aggregate leave one at a time, in seq order. */
  aggregate: string;
  payload: unknown;
  headers: Record<string, string>;
  /** Sends tried and failed so far. */
  attempts: number;
}

/** A row a commit just wrote, as the store hands it to its reader: `held` when it was claimed for the reader in that transaction. */
export interface HandedRow extends Omit<OutboxRow, 'seq'> {
  held: boolean;
}

/** Where a raised event or a sent message belongs, and whom it answers. */
export interface OutgoingOptions {
  /** Defaults to the payload's `id`, `orderId`, `paymentId` or `userId`, else the message's own id (no ordering). */
  aggregate?: string;
  /** The correlation id it carries (a reply to that request); defaults to the one of the work being done. */
  correlationId?: string;
}

const NOW = 'now_utc()';

/** How much one pass prunes of a table that only grows: batches of rows, each its own statement, and how many batches at most. */
export const PRUNE_LIMIT = { batch: 5_000, batches: 20 };

/** Runs `deleteBatch` (which deletes up to `batch` rows, oldest first, and says how many) until a batch comes back short or `limit.batches` ran; returns how many in all. */
export function inBatches(deleteBatch: (batch: number) => number, limit = PRUNE_LIMIT): number {
  let pruned = 0;
  for (let i = 0; i < limit.batches; i++) {
    const changes = deleteBatch(limit.batch);
    pruned += changes;
    if (changes < limit.batch) break;
  }
  return pruned;
}
/** Rows of the aggregate (the second `?`) that the claimant (`?`) does not hold now (`?`): while one is there, a new row may not be sent before it. */
const FOREIGN = 'SELECT 1 FROM outbox p WHERE p.aggregate = ? AND (p.claimed_by IS NULL OR p.claimed_by <> ? OR p.claimed_until <= ?)';
const NEW_ROW = 'CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), now_utc()';
const INSERTED = 'INSERT INTO outbox (message_id, event, kind, aggregate, payload, headers, created_at';
/** The largest batch one DELETE of sent rows takes. */
const DELETE_BATCH = 256;
const COLUMNS = 'seq, message_id, event, kind, aggregate, payload, headers, attempts';

type RawRow = { seq: number; message_id: string; event: string; kind: OutboxKind; aggregate: string; payload: string; headers: string; attempts: number };
const toRow = (r: RawRow): OutboxRow => ({
  seq: r.seq,
  messageId: r.message_id,
  event: r.event,
  kind: r.kind,
  aggregate: r.aggregate,
  payload: JSON.parse(r.payload),
  headers: JSON.parse(r.headers),
  attempts: r.attempts,
});

/** A row the current write wrote: what it is, and the count of rows the claiming INSERT wrote (1: held). */
type Fresh = { row: Omit<OutboxRow, 'seq'>; held?: { changes: number } };
const NO_ROWS: Fresh[] = [];

function aggregateOf(payload: unknown): string | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const p = payload as Record<string, unknown>;
  const id = p.id ?? p.orderId ?? p.paymentId ?? p.userId;
  return typeof id === 'string' ? id : undefined;
}

/**
 * A service's database with its outbox and inbox. A write is one IMMEDIATE transaction holding
 * the state change, what it sends (events, replies, calls) and, inside a delivery, the record
 * that the message was handled, so a crash can neither lose what it sends nor apply a message twice.
 */
export class Store {
  private reader?: OutboxReader;
  /** Rows the write under way wrote (handed to the reader once it committed); NO_ROWS outside a write of this store's own. */
  private fresh = NO_ROWS;
  /** The work of the write under way: what its outbox rows carry. */
  private writing: TraceContext | undefined;
  private readonly statements;
  private readonly prepared = new Map<string, SqlStatement>();
  private readonly deletes = new Map<number, SqlStatement>();
  private closed = false;
  /** Set while the service is crashed (a fault): what its writes throw, as a dead process writes nothing. */
  private refusal?: () => Error;

  constructor(readonly db: Db) {
    this.statements = {
      processed: db.prepare(`INSERT INTO inbox (consumer, message_id, processed_at) VALUES (?, ?, ${NOW}) ON CONFLICT DO NOTHING`),
      enqueue: db.prepare(`INSERT INTO outbox (message_id, event, kind, aggregate, payload, headers, created_at) VALUES (?, ?, ?, ?, ?, ?, ${NOW})`),
      // A new row claimed at once for the claimant when every other row of its aggregate is its own; else (the second) unclaimed.
      // Both go with the transaction (no answer is waited for): the count of the first says which one wrote the row.
      enqueueHeld: db.prepare(`${INSERTED}, claimed_by, claimed_until) SELECT ${NEW_ROW}, CAST(? AS TEXT), CAST(? AS BIGINT) WHERE NOT EXISTS (${FOREIGN})`),
      enqueueLoose: db.prepare(`${INSERTED}) SELECT ${NEW_ROW} WHERE EXISTS (${FOREIGN})`),
      next: db.prepare(`SELECT ${COLUMNS} FROM outbox ORDER BY seq LIMIT ?`),
      // The head of each aggregate, when nobody holds it and its retry is due: one row per aggregate in flight, in seq order.
      ready: db.prepare(`SELECT ${COLUMNS} FROM outbox o WHERE o.claimed_until <= ? AND o.next_attempt_at <= ?
                         AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.aggregate = o.aggregate AND p.seq < o.seq) ORDER BY o.seq LIMIT ?`),
      // PostgreSQL: the same rows, claimed in one statement; rows another sender is claiming are skipped, not waited for.
      claimReady:
        db.dialect === 'postgres'
          ? db.prepare(`UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE claimed_until <= ? AND seq IN (
                          SELECT o.seq FROM outbox o WHERE o.claimed_until <= ? AND o.next_attempt_at <= ?
                          AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.aggregate = o.aggregate AND p.seq < o.seq)
                          ORDER BY o.seq LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING ${COLUMNS}`)
          : undefined,
      ofAggregate: db.prepare(`SELECT ${COLUMNS}, claimed_until FROM outbox WHERE aggregate = ? ORDER BY seq`),
      claim: db.prepare('UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE seq = ? AND claimed_until <= ?'),
      failed: db.prepare('UPDATE outbox SET claimed_by = NULL, claimed_until = 0, attempts = attempts + 1, next_attempt_at = ? WHERE message_id = ?'),
      release: db.prepare('UPDATE outbox SET claimed_by = NULL, claimed_until = 0 WHERE message_id = ? AND claimed_by = ?'),
      renew: db.prepare('UPDATE outbox SET claimed_until = ? WHERE message_id = ? AND claimed_by = ?'),
      dropFresh: db.prepare('DELETE FROM outbox WHERE message_id = ?'),
      remove: db.prepare('DELETE FROM outbox WHERE seq = ?'),
      count: db.prepare('SELECT COUNT(*) AS n FROM outbox'),
      // A batch at a time, oldest first (by the processed_at index): a long backlog never holds the database in one statement.
      prune: db.prepare('DELETE FROM inbox WHERE (consumer, message_id) IN (SELECT consumer, message_id FROM inbox WHERE processed_at < ? ORDER BY processed_at LIMIT ?)'),
      discard: db.prepare('DELETE FROM outbox WHERE aggregate = ? AND claimed_until <= ?'),
    };
  }

  /** The prepared statement for `sql`, compiled once per store. */
  sql(sql: string): SqlStatement {
    this.writable();
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

  /**
   * Runs `fn` in one IMMEDIATE transaction (or inside the current one) as part of `trace`'s work: the
   * rows it puts in the outbox carry that trace. Inside a delivery, the first write records the message
   * in the inbox in the same transaction; the delivery counts as recorded only once that transaction
   * committed, so a write that rolled back leaves the record to the next.
   */
  write<T>(trace: TraceContext | undefined, fn: () => T): T {
    this.writable();
    if (this.db.inTransaction) return fn();
    const delivery = trace?.delivery;
    let recording = false;
    let fresh = NO_ROWS;
    let result: T;
    try {
      result = this.db.transaction(() => {
        // Anew on each try (PostgreSQL tries a transaction again after a conflict).
        this.fresh = fresh = [];
        this.writing = trace;
        if (delivery && !delivery.recorded) {
          if (this.statements.processed.run(delivery.consumer, delivery.messageId).changes === 0) throw new AlreadyProcessed(delivery.messageId);
          recording = true;
        }
        return fn();
      });
    } finally {
      this.fresh = NO_ROWS;
      this.writing = undefined;
    }
    if (recording && delivery) delivery.recorded = true;
    if (fresh.length) this.handOver(fresh);
    return result;
  }

  /** After a commit: its rows to the reader, in memory (those it holds are its to send, no query needed), or a nudge. */
  private handOver(fresh: Fresh[]): void {
    const reader = this.reader;
    if (!reader) return;
    if (!reader.take) return reader.kick();
    reader.take(fresh.map(({ row, held }) => ({ ...row, held: held?.changes === 1 })));
  }

  /** Runs `fn` inside the current write so that, when it throws, what it wrote is undone and the rest of the write stays. */
  savepoint<T>(fn: () => T): T {
    if (!this.db.inTransaction) throw new Error('savepoint() outside a write');
    const fresh = this.fresh;
    const before = fresh.length;
    try {
      return this.db.transaction(fn);
    } catch (error) {
      // What the savepoint wrote is undone: its rows are not handed over.
      if (fresh !== NO_ROWS) fresh.length = before;
      throw error;
    }
  }

  /** Whether raising `event` stores a row (someone takes it); when not, a write that raises it may end with its last statement. */
  stores(event: string): boolean {
    return this.reader?.wants(event) ?? false;
  }

  /** Records a domain event in the outbox, inside the current write; nobody wanting it, nothing is stored (and the reader hears of it). */
  raise(event: string, payload: unknown, options: OutgoingOptions = {}): void {
    if (!this.db.inTransaction) throw new Error(`raise(${event}) outside a write`);
    if (!this.reader?.wants(event)) return void this.reader?.unrouted?.(event);
    this.enqueue('event', event, payload, options);
  }

  /** Records a message of type `type` (a reply, already what the broker carries) in the outbox, inside the current write. */
  send(type: string, data: unknown, options: OutgoingOptions = {}): void {
    if (!this.db.inTransaction) throw new Error(`send(${type}) outside a write`);
    this.enqueue('message', type, data, options);
  }

  private enqueue(kind: OutboxKind, event: string, payload: unknown, options: OutgoingOptions): void {
    const trace = this.writing;
    const headers: Record<string, string> = {};
    if (trace) headers[HEADERS.traceparent] = formatTraceparent(trace.traceId, trace.spanId);
    const correlationId = options.correlationId ?? trace?.correlationId;
    if (correlationId) headers[HEADERS.correlationId] = correlationId;
    const messageId = randomUUID();
    const aggregate = options.aggregate ?? aggregateOf(payload) ?? messageId;
    const json = JSON.stringify(payload);
    const headersJson = JSON.stringify(headers);
    const claimant = this.fresh === NO_ROWS ? undefined : this.reader?.claimant;
    if (!claimant) {
      this.statements.enqueue.run(messageId, event, kind, aggregate, json, headersJson);
      return;
    }
    const now = Date.now();
    const held = this.statements.enqueueHeld.run(messageId, event, kind, aggregate, json, headersJson, claimant, now + OUTBOX_LEASE_MS, aggregate, claimant, now);
    this.statements.enqueueLoose.run(messageId, event, kind, aggregate, json, headersJson, aggregate, claimant, now);
    // The payload as a pass would read it back (a copy: what the caller changes later is not sent).
    this.fresh.push({ row: { messageId, event, kind, aggregate, payload: JSON.parse(json), headers, attempts: 0 }, held });
  }

  /** Everything waiting in the outbox, oldest first. */
  outbox(limit: number): OutboxRow[] {
    this.open();
    return (this.statements.next.all(limit) as RawRow[]).map(toRow);
  }

  /** Rows a sender may take now: the oldest of each aggregate, unclaimed and due. */
  ready(limit: number, now = Date.now()): OutboxRow[] {
    if (this.closed) return [];
    return (this.statements.ready.all(now, now, limit) as RawRow[]).map(toRow);
  }

  /** Claims for `leaseMs` the rows a sender may take now (see `ready`), oldest first; none that another sender holds. */
  claimReady(limit: number, owner: string, leaseMs: number, now = Date.now()): OutboxRow[] {
    this.refuse();
    if (this.closed) return [];
    const { claimReady } = this.statements;
    // SQLite: a look first, so a pass that finds nothing opens no write transaction.
    if (!claimReady) return this.ready(limit, now).length === 0 ? [] : this.db.transaction(() => this.ready(limit, now).filter((row) => this.claim(row.seq, owner, leaseMs, now)));
    return (claimReady.all(owner, now + leaseMs, now, now, now, limit) as RawRow[]).map(toRow).sort((a, b) => a.seq - b.seq);
  }

  /** The rows of one aggregate, oldest first, with whether someone holds them now. */
  rowsOf(aggregate: string, now = Date.now()): (OutboxRow & { claimed: boolean })[] {
    this.open();
    return (this.statements.ofAggregate.all(aggregate) as (RawRow & { claimed_until: number })[]).map((r) => ({ ...toRow(r), claimed: r.claimed_until > now }));
  }

  /** Takes a row for `leaseMs` (nobody else sends it meanwhile); false when someone else holds it. */
  claim(seq: number, owner: string, leaseMs: number, now = Date.now()): boolean {
    this.refuse();
    if (this.closed) return false;
    return this.statements.claim.run(owner, now + leaseMs, seq, now).changes === 1;
  }

  /** Removes a row that was sent (the broker confirmed it, the callee answered 2xx). */
  published(seq: number): void {
    this.writable();
    this.statements.remove.run(seq);
  }

  /**
   * Removes rows that were sent (the broker confirmed each, or its callee answered 2xx), by message id, a batch per DELETE.
   * Sent and not yet removed when the process ends, a row is sent again: at least once. That is absorbed for every kind
   * of row: an event or a reply keeps its message id, which the consumer's inbox recognises (AlreadyProcessed), and a
   * REST call's callee is idempotent (PUT /accounts, notifications by order id, the saga's steps by order id).
   */
  sent(messageIds: readonly string[]): void {
    this.writable();
    for (let from = 0; from < messageIds.length; from += DELETE_BATCH) {
      const batch = messageIds.slice(from, from + DELETE_BATCH);
      // Sizes rounded up to a power of two (the last id repeated): a handful of statements, each prepared once.
      let size = 1;
      while (size < batch.length) size *= 2;
      let statement = this.deletes.get(size);
      if (!statement) {
        statement = this.db.prepare(`DELETE FROM outbox WHERE message_id IN (${Array(size).fill('?').join(', ')})`);
        this.deletes.set(size, statement);
      }
      while (batch.length < size) batch.push(batch[batch.length - 1]);
      statement.run(...batch);
    }
  }

  /** Gives a row back after a failed send, to be tried again from `retryAt` (epoch ms). */
  failed(messageId: string, retryAt: number): void {
    this.refuse();
    if (this.closed) return;
    this.statements.failed.run(retryAt, messageId);
  }

  /** Gives back a row `owner` holds and did not send (it waits for a pass, its retry time unchanged). */
  release(messageId: string, owner: string): void {
    this.refuse();
    if (this.closed) return;
    this.statements.release.run(messageId, owner);
  }

  /** Holds a row `owner` holds for `leaseMs` more; false when it no longer holds it (its lease ran out and another took it). */
  renew(messageId: string, owner: string, leaseMs: number, now = Date.now()): boolean {
    this.refuse();
    if (this.closed) return false;
    return this.statements.renew.run(now + leaseMs, messageId, owner).changes === 1;
  }

  /** While `refusal` is set (the service crashed), every write throws what it makes; unset, writes go through again. */
  refuseWrites(refusal: (() => Error) | undefined): void {
    this.refusal = refusal;
  }

  /** Inside a write that undoes a step: drops what the step left in the outbox for `aggregate` and nobody is sending now. */
  discard(aggregate: string, now = Date.now()): number {
    if (!this.db.inTransaction) throw new Error('discard() outside a write');
    // Rows this write itself claimed for the reader are nobody's yet: they go too, and are not handed over.
    let dropped = 0;
    const fresh = this.fresh;
    for (let i = fresh.length - 1; i >= 0; i--) {
      if (fresh[i].row.aggregate !== aggregate) continue;
      dropped += this.statements.dropFresh.run(fresh[i].row.messageId).changes;
      fresh.splice(i, 1);
    }
    return dropped + this.statements.discard.run(aggregate, now).changes;
  }

  /** Rows waiting in the outbox to be sent (those sent and not yet removed are not waiting). */
  waiting(): number {
    if (this.closed) return 0;
    return Math.max(0, (this.statements.count.get() as { n: number }).n - (this.reader?.removing ?? 0));
  }

  /**
   * Forgets inbox records older than `retentionMs`, at most `limit.batches` batches of `limit.batch` (what is left
   * waits for the next pass); returns how many. A message redelivered after that is no longer recognised.
   */
  pruneInbox(retentionMs: number, now = Date.now(), limit = PRUNE_LIMIT): number {
    return inBatches((batch) => (this.closed ? 0 : this.statements.prune.run(new Date(now - retentionMs).toISOString(), batch).changes), limit);
  }

  /** Hears when the database is lost and when it answers again (PostgreSQL; a SQLite file is never lost). */
  watch(listener: (change: { up: boolean; detail?: string }) => void): void {
    this.db.watch?.(listener);
  }

  /** Whether the database answers now: undefined when it does, else why not. */
  probe(): string | undefined {
    return this.closed ? 'the store is closed' : this.db.probe();
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

  /** Throws when the store takes no writes now: the service crashed (a fault), or the store closed. */
  private writable(): void {
    if (this.refusal) throw this.refusal();
    this.open();
  }

  private refuse(): void {
    if (this.refusal) throw this.refusal();
  }
}
