import type { Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { closeServer, createServiceApp, finishServiceApp, listen } from '../../src/http/service-app.js';
import { STALL_MS } from '../../src/storage/postgres-db.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { findVariant } from '../../src/variants/index.js';

/** What came back on a raw connection: everything the server sent until it closed (or the deadline passed). */
interface RawAnswer {
  text: string;
  closed: boolean;
  status?: number;
  body?: any;
}

/** Opens a raw TCP connection to `url`, sends `sent` and nothing more, and collects the answer until the server closes or `deadlineMs` passes. */
function sendAndStall(url: string, sent: string, deadlineMs: number): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let text = '';
    const finish = (closed: boolean) => {
      clearTimeout(deadline);
      socket.destroy();
      const [head, ...rest] = text.split('\r\n\r\n');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      let body: unknown;
      try {
        body = JSON.parse(rest.join('\r\n\r\n'));
      } catch {
        body = undefined;
      }
      resolve({ text, closed, status: status ? Number(status) : undefined, body });
    };
    const deadline = setTimeout(() => finish(false), deadlineMs);
    socket.on('connect', () => socket.write(sent));
    socket.on('data', (d) => (text += d));
    socket.on('close', () => finish(true));
    socket.on('error', (error) => (text ? undefined : reject(error)));
  });
}

const halfABody = (path: string) =>
  `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email": "slow@example.test", `;

describe('a client that never finishes its request gets a JSON 408 and is cut off', () => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await bootSystem({ variant: findVariant('http') });
  });
  afterAll(() => system.close());

  test('the gateway: headers sent, half the body, then silence', async () => {
    const answer = await sendAndStall(system.gatewayUrl, halfABody('/api/v1/identity/register'), 40_000);
    expect(answer.status, answer.text).toBe(408);
    expect(answer.text).toMatch(/content-type: application\/json/i);
    expect(answer.body).toMatchObject({ code: 408, error: 'REQUEST_TIMEOUT' });
    expect(answer.body.message).toMatch(/did not arrive/);
    expect(answer.closed).toBe(true);
    // The gateway still serves everyone else.
    expect((await fetch(`${system.gatewayUrl}/api/v1/health`)).status).toBe(200);
  });
});

describe('past the server timeouts, Node refuses the request: still the JSON shape', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const app = createServiceApp('slow');
    // A body parser patient enough that the server's own request timeout comes first.
    app.set('bodyTimeoutMs', 60_000);
    app.post('/echo', (req, res) => void res.json(req.body));
    ({ server, url } = await listen(finishServiceApp(app), 0, { headersTimeoutMs: 500, requestTimeoutMs: 1_000 }));
  });
  afterAll(() => closeServer(server, 100));

  test('headers that never end', async () => {
    const answer = await sendAndStall(url, 'GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 20_000);
    expect(answer.status, answer.text).toBe(408);
    expect(answer.body).toMatchObject({ code: 408, error: 'REQUEST_TIMEOUT' });
    expect(answer.closed).toBe(true);
  });

  test('a body that never ends, past the request timeout', async () => {
    const answer = await sendAndStall(url, halfABody('/echo'), 20_000);
    expect(answer.status, answer.text).toBe(408);
    expect(answer.body).toMatchObject({ code: 408, error: 'REQUEST_TIMEOUT' });
    expect(answer.closed).toBe(true);
  });

  test('malformed HTTP is a JSON 400', async () => {
    const answer = await sendAndStall(url, 'NOT HTTP AT ALL\r\n\r\n', 20_000);
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body).toMatchObject({ code: 400, error: 'BAD_REQUEST' });
  });

  test('a request sent whole is answered as usual', async () => {
    const response = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await response.json()).toEqual({ a: 1 });
  });
});

describe('a client that leaves in the middle of its body', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const app = createServiceApp('leaving');
    app.set('bodyTimeoutMs', 300);
    app.post('/echo', (req, res) => void res.json(req.body));
    ({ server, url } = await listen(finishServiceApp(app)));
  });
  afterAll(() => closeServer(server, 100));

  test('is let go quietly: no answer to write, no crash, the next client is served', async () => {
    const left = await sendAndStall(url, halfABody('/echo'), 100);
    expect(left.closed).toBe(false);
    // Past the body timeout of the request that was left.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const response = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"b":2}' });
    expect(await response.json()).toEqual({ b: 2 });
  });
});

describe('a service held for as long as a stalled database may hold it (STALL_MS)', () => {
  test('a body that arrived while it was held is read when it resumes: not refused as late, its connection not cut', async () => {
    const app = createServiceApp('held');
    app.post('/echo', (req, res) => void res.json(req.body));
    finishServiceApp(app);
    const { server, url } = await listen(app);
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    try {
      let text = '';
      socket.on('data', (d) => (text += d));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.on('error', () => {});
      await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
      const body = '{"held":true}';
      socket.write(`POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
      // The headers are read (the body's clock starts), then the body comes while the thread is held, as by a call waiting for a frozen database.
      await new Promise((resolve) => setTimeout(resolve, 200));
      setImmediate(() => {
        socket.write(body);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, STALL_MS + 500);
      });
      await Promise.race([
        closed,
        new Promise<void>((resolve) => {
          const check = () => (text.includes('\r\n\r\n{') ? resolve() : setTimeout(check, 5));
          check();
        }),
      ]);
      expect(text).toMatch(/^HTTP\/1\.1 200/);
      expect(text).toContain('{"held":true}');
    } finally {
      socket.destroy();
      await closeServer(server);
    }
  });
});
