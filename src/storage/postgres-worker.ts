import { workerData } from 'node:worker_threads';
import pg from 'pg';
import type { LinkReply, LinkRequest, LinkStart } from './postgres-link.js';

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

async function answer(request: LinkRequest): Promise<LinkReply> {
  switch (request.op) {
    case 'connect':
      // Connecting again: the connection it had is gone (or going).
      void client?.end().catch(() => {});
      client = new pg.Client({ ...request.config, types });
      // A connection that breaks between two calls: the next call fails, and says so.
      client.on('error', () => {});
      await client.connect();
      return { id: request.id, rows: [], changes: 0 };
    case 'query': {
      if (!client) throw new Error('not connected');
      if (request.before) await client.query(request.before);
      const result = await client.query({ text: request.text, values: request.values, ...(request.name ? { name: request.name } : {}) });
      // A string of statements (a schema) answers with one result per statement.
      const last = Array.isArray(result) ? result.at(-1) : result;
      return { id: request.id, rows: last?.rows ?? [], changes: last?.rowCount ?? 0 };
    }
    case 'end':
      await client?.end().catch(() => {});
      port.close();
      return { id: request.id, rows: [], changes: 0 };
  }
}

// One request at a time (the other side waits for each answer): answered on the port, then the waiting thread woken.
port.on('message', (request: LinkRequest) => {
  answer(request).then(
    (reply) => reply,
    (error: Error & { code?: string }): LinkReply => ({
      id: request.id,
      error: { message: error.message, ...(error instanceof pg.DatabaseError && error.code ? { code: error.code } : {}), lost: lostBy(error) },
    }),
  ).then((reply) => {
    if (request.op !== 'end') port.postMessage(reply);
    Atomics.store(signal, 0, request.id);
    Atomics.notify(signal, 0);
  });
});
