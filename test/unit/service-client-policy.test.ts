import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Agent } from 'undici';
import type { CallPolicy } from '../../src/http/call-policy.js';
import { ServiceClient } from '../../src/http/service-client.js';
import { Recorder } from '../../src/tracing/recorder.js';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

test("a link's resilience wraps that link's own calls only, not every call to the same service", async () => {
  const wrapped: string[] = [];
  const counting = (name: string): CallPolicy => ({
    execute: (call) => {
      wrapped.push(name);
      return call();
    },
  });
  const agent = new Agent();
  const client = new ServiceClient('order', new Map([['billing', base]]), new Recorder(), agent, 5_000, new Map([
    ['billing POST /payments', counting('payment')],
    ['billing POST /payments/{id}/refund', counting('payment')],
  ]));
  const id = '6f1c2b3a-1111-4222-8333-944455556666';
  await client.call(undefined, 'billing', 'POST', '/payments', {});
  await client.call(undefined, 'billing', 'POST', `/payments/${id}/refund`, {});
  await client.call(undefined, 'billing', 'GET', `/accounts/${id}`);
  await client.call(undefined, 'billing', 'POST', `/accounts/${id}/deposit`, {});
  expect(wrapped).toEqual(['payment', 'payment']);
  await agent.close();
});
