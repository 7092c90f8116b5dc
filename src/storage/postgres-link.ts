import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type pg from 'pg';

/** What the worker is started with: its end of the channel, and the shared word it sets to the id of each answer it sends. */
export interface LinkStart {
  port: MessagePort;
  done: SharedArrayBuffer;
}

/** One statement of a batch: named (prepared once on the connection) with its values, or, without values, a string of statements. */
export interface LinkStatement {
  text: string;
  values?: unknown[];
  name?: string;
}

/** A request to the worker: a batch of statements is sent at once and answered in one round trip (pipelined). */
export type LinkRequest =
  | { id: number; op: 'connect'; config: pg.ClientConfig }
  | { id: number; op: 'query'; statements: LinkStatement[]; answering?: number }
  | { id: number; op: 'end' };

type Asked = LinkRequest extends infer R ? (R extends { op: 'end' } ? never : Omit<R, 'id'>) : never;

/**
 * The worker's answer: the rows of the statement answering (the last, unless said) and how many rows each statement changed, or the first failure (with
 * PostgreSQL's SQLSTATE, and whether the connection is gone).
 */
export type LinkAnswer = { id: number; rows: Record<string, unknown>[]; changes: number[] } | { id: number; error: { message: string; code?: string; lost: boolean } };

/** An answer as the worker sends it, with the round trips to the server it took. */
export type LinkReply = LinkAnswer & { trips: number };

/** A failure of a call over a link: PostgreSQL's SQLSTATE as `code`, and whether the connection is gone (`lost`). */
export class LinkError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly lost: boolean,
    /** The server did not answer in time (rather than refusing or closing). */
    readonly stalled = false,
  ) {
    super(message);
  }
}

// The worker is the compiled file next to this one's compiled form (tests run this file from src/ with the build beside it).
const WORKER = new URL('../../dist/storage/postgres-worker.js', import.meta.url);

/**
 * A connection to PostgreSQL, held by node-postgres in a worker thread of its own and called synchronously
 * from the service's thread: each call waits for its answer at most `stallMs`. A server that does not answer
 * in time (frozen, or behind a partition) costs the waiting thread that long, never more; the link is then
 * dropped (its worker ends and its socket closes, so the server rolls back what was open) and the call fails
 * as lost. A connection lost otherwise (refused, reset, the server restarting) is connected again on the
 * same worker.
 */
export class PostgresLink {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  private last = 0;
  /** Given up on (stalled or ended): a new link is needed. */
  dropped = false;
  private terminated = false;

  /** `counted` hears the round trips to the server each call took. */
  constructor(
    private readonly stallMs: number,
    private readonly counted: (trips: number) => void = () => {},
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER, { workerData: { port: port2, done: this.done.buffer } satisfies LinkStart, transferList: [port2] });
    this.worker.unref();
    this.worker.on('error', () => {});
  }

  /** Connects (ending the connection it had), waiting here; throws a LinkError when it cannot. */
  connect(config: pg.ClientConfig): void {
    const waitMs = connectMs(config, this.stallMs);
    this.answer(this.ask({ op: 'connect', config }), waitMs, performance.now() + waitMs);
  }

  /** Connects (ending the connection it had) without holding the thread while it waits. */
  async connectLater(config: pg.ClientConfig): Promise<void> {
    const id = this.ask({ op: 'connect', config });
    const waitMs = connectMs(config, this.stallMs);
    const deadline = performance.now() + waitMs;
    for (let seen = Atomics.load(this.done, 0); seen !== id && !this.dropped; seen = Atomics.load(this.done, 0)) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      const wait = Atomics.waitAsync(this.done, 0, seen, left);
      if (wait.async) await wait.value;
    }
    this.answer(id, waitMs, deadline);
  }

  /** Runs one statement (named: prepared once on this connection) or, without values, a string of statements; the last one's rows. */
  query(text: string, values?: unknown[], name?: string): { rows: Record<string, unknown>[]; changes: number } {
    const { rows, changes } = this.batch([{ text, ...(values ? { values } : {}), ...(name ? { name } : {}) }]);
    return { rows, changes: changes[0] };
  }

  /**
   * Sends `statements` at once and waits for their answers (one round trip): the rows of the one at `answering` (the
   * last by default) and what each changed. The first that fails fails the call (in a transaction, those after it fail
   * too, and a COMMIT among them rolls back).
   */
  batch(statements: LinkStatement[], answering = statements.length - 1): { rows: Record<string, unknown>[]; changes: number[] } {
    return this.answer(this.ask({ op: 'query', statements, answering }), this.stallMs, performance.now() + this.stallMs);
  }

  /** Ends the connection (after the call in progress, if any) and the worker. */
  end(): void {
    if (this.dropped) return;
    this.dropped = true;
    this.port.postMessage({ id: ++this.last, op: 'end' } satisfies LinkRequest);
    this.port.close();
  }

  private ask(request: Asked): number {
    if (this.dropped) throw new LinkError('the connection was dropped', undefined, true);
    const id = ++this.last;
    this.port.postMessage({ ...request, id });
    return id;
  }

  /** Waits until `deadline` for the answer to request `id` and reads it; past it, drops the link (a stall of `waitMs`). */
  private answer(id: number, waitMs: number, deadline: number): { rows: Record<string, unknown>[]; changes: number[] } {
    for (let seen = Atomics.load(this.done, 0); seen !== id; seen = Atomics.load(this.done, 0)) {
      const left = deadline - performance.now();
      if (left <= 0 || this.dropped) {
        this.drop();
        throw new LinkError(`the server did not answer within ${waitMs / 1000} s`, undefined, true, true);
      }
      Atomics.wait(this.done, 0, seen, left);
    }
    const reply = receiveMessageOnPort(this.port)?.message as LinkReply | undefined;
    if (!reply || reply.id !== id) {
      this.drop();
      throw new LinkError('the connection answered out of turn', undefined, true);
    }
    this.counted(reply.trips);
    if ('error' in reply) throw new LinkError(reply.error.message, reply.error.code, reply.error.lost);
    return reply;
  }

  /** Gives up on the worker: it ends at once, closing its socket (the server rolls back what it had open). */
  private drop(): void {
    if (this.terminated) return;
    this.terminated = this.dropped = true;
    this.port.close();
    void this.worker.terminate();
  }
}

/** How long connecting may wait: the stall bound, or the connection timeout and a second for the worker when that is longer. */
const connectMs = (config: pg.ClientConfig, stallMs: number) => Math.max(stallMs, (config.connectionTimeoutMillis ?? 0) + 1_000);
