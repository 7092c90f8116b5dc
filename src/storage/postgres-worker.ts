import { workerData } from 'node:worker_threads';
import pg from 'pg';
import type { LinkAnswer, LinkReply, LinkRequest, LinkStart, LinkStatement } from './postgres-link.js';

const safeInteger = (text: string) => {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`${text} is beyond the integers a JavaScript number keeps exact`);
  return n;
};

/** Column types as JavaScript values: integers (and sums of them, numeric) as numbers, cents staying within 2^53; the rest as text. */
const types = {
  getTypeParser(oid: number): (text: string) => unknown {
    if (oid === 20 || oid === 21 || oid === 23 || oid === 1700) return safeInteger;
    if (oid === 700 || oid === 701) return Number;
    if (oid === 16) return (text: string) => text === 't';
    return (text: string) => text;
  },
};

/** Whether a failure lost the connection: anything not answered by the server, a connection exception (08…), or the server shutting down or starting (57P0…). */
const lostBy = (error: unknown) => !(error instanceof pg.DatabaseError) || /^(08|57P0[123])/.test(error.code ?? '');

const { port, done } = workerData as LinkStart;
const signal = new Int32Array(done);
let client: pg.Client | undefined;
/** Round trips to the server the request being answered took so far. */
let trips = 0;

async function answer(request: LinkRequest): Promise<LinkAnswer> {
  switch (request.op) {
    case 'connect':
      // Connecting again: the connection it had is gone (or going).
      void client?.end().catch(() => {});
      // Pipelined: the statements of a batch leave together, each answered in turn.
      client = new pg.Client({ ...request.config, types, pipeline: true });
      // A connection that breaks between two calls: the next call fails, and says so.
      client.on('error', () => {});
      await client.connect();
      return { id: request.id, rows: [], changes: [] };
    case 'query':
      return { id: request.id, ...(await batch(request.statements, request.answering ?? request.statements.length - 1)) };
    case 'end':
      await client?.end().catch(() => {});
      port.close();
      return { id: request.id, rows: [], changes: [] };
  }
}

/** Sends the statements at once (one write, one round trip) and waits for every answer; the first failure is the batch's. */
async function batch(statements: LinkStatement[], answering: number): Promise<{ rows: Record<string, unknown>[]; changes: number[] }> {
  const connected = client;
  if (!connected) throw new Error('not connected');
  trips++;
  const stream = (connected as unknown as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection?.stream;
  stream?.cork?.();
  const sent = statements.map((s) => connected.query({ text: s.text, values: s.values, ...(s.name ? { name: s.name } : {}) }));
  stream?.uncork?.();
  const settled = await Promise.allSettled(sent);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  // A string of statements (a schema) answers with one result per statement: the last one's counts.
  const results = (settled as PromiseFulfilledResult<pg.QueryResult | pg.QueryResult[]>[]).map((r) => (Array.isArray(r.value) ? r.value.at(-1) : r.value));
  return { rows: results[answering]?.rows ?? [], changes: results.map((r) => r?.rowCount ?? 0) };
}

// One request at a time (the other side waits for each answer): answered on the port, then the waiting thread woken.
port.on('message', (request: LinkRequest) => {
  trips = 0;
  answer(request).then(
    (reply) => reply,
    (error: Error & { code?: string }): LinkAnswer => ({
      id: request.id,
      error: { message: error.message, ...(error instanceof pg.DatabaseError && error.code ? { code: error.code } : {}), lost: lostBy(error) },
    }),
  ).then((answered) => {
    const reply: LinkReply = { ...answered, trips };
    if (request.op !== 'end') port.postMessage(reply);
    Atomics.store(signal, 0, request.id);
    Atomics.notify(signal, 0);
  });
});
