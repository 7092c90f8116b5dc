import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cli } from '../support/cli.js';

/** A stand-in OpenTelemetry collector: keeps every OTLP/HTTP JSON trace export it receives. */
let collector: Server;
const received: any[] = [];
beforeAll(async () => {
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.headers['content-type']?.includes('json')) received.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise((resolve) => collector.close(resolve)));

test('run --otlp-endpoint exports every hop as OpenTelemetry spans, one service per participant', async () => {
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  const { code, stdout } = await cli(['run', '--variant=hybrid', '--scenario', 'happy-path', '--no-report', '--otlp-endpoint', endpoint]);
  expect(code).toBe(0);
  const exported = Number(/Exported (\d+) spans/.exec(stdout)?.[1]);
  const resourceSpans = received.flatMap((r) => r.resourceSpans);
  const service = (rs: any) => rs.resource.attributes.find((a: any) => a.key === 'service.name').value.stringValue;
  const spans = resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => ({ ...s, service: service(rs) }))));
  expect(spans).toHaveLength(exported);
  expect(new Set(spans.map((s: any) => s.service))).toEqual(new Set(['orderctl.client', 'orderctl.gateway', 'orderctl.identity', 'orderctl.billing', 'orderctl.order', 'orderctl.notification']));
  const payment = spans.find((s: any) => s.name === 'consume CreatePayment');
  expect(payment.service).toBe('orderctl.billing');
  const sameTrace = spans.filter((s: any) => s.traceId === payment.traceId).map((s: any) => s.name);
  expect(sameTrace).toEqual(expect.arrayContaining(['POST /api/v1/ordering/orders', 'POST /orders', 'publish CreatePayment', 'publish OrderCreated', 'consume OrderCreated']));
  const byId = new Map(spans.map((s: any) => [s.spanId, s]));
  expect(byId.get(payment.parentSpanId)).toMatchObject({ name: 'publish CreatePayment', service: 'orderctl.order' });
});

test('an unreachable collector is said in one line before the run starts, and it exits 3', async () => {
  const { code, stdout, stderr } = await cli(['run', '--variant=http', '--scenario', 'happy-path', '--no-report', '--otlp-endpoint', 'http://127.0.0.1:1'], {}, 60_000);
  expect(code).toBe(3);
  expect(stdout).toBe('');
  expect(stderr).toMatch(/^orderctl: cannot reach the OTLP collector at http:\/\/127\.0\.0\.1:1\/v1\/traces \(ECONNREFUSED\): /);
  expect(stderr.trim().split('\n')).toHaveLength(1);
});
