import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { benchCharts } from '../../src/bench/bench-charts.js';
import { benchMarkdown } from '../../src/bench/bench-files.js';
import { type BenchReport, type LoadSummary, type OutcomeProbe } from '../../src/bench/bench-report-schema.js';
import { orderHops } from '../../src/bench/order-hops.js';
import { orderOutcomes } from '../../src/bench/order-outcomes.js';
import { ApiClient } from '../../src/scenarios/api-client.js';
import { learnedByOf, probeOutcome, summarizeOutcomes } from '../../src/bench/outcome-probe.js';
import { vegaLiteToSvg } from '../../src/charts/vega-svg.js';
import type { Spread } from '../../src/core/stats.js';
import type { Hop } from '../../src/tracing/recorder.js';
import { benchReport } from '../support/bench-report.js';

/** A gateway stand-in: answers orders as `mode` says; a 202's order turns final on its second read, and its stream tells it. */
function fakeGateway() {
  const state = { mode: '201' as '201' | '202' | '503', reads: 0, posts: 0 };
  const app = express();
  const orders = new Map<string, number>();
  app.post('/api/v1/ordering/orders', (_req, res) => {
    const id = `o-${++state.posts}`;
    orders.set(id, 0);
    if (state.mode === '503') return void res.status(503).json({ code: 'SERVICE_UNAVAILABLE' });
    res.status(Number(state.mode)).json({ id, status: state.mode === '201' ? 'succeeded' : 'pending' });
  });
  app.get('/api/v1/ordering/orders/:id', (req, res) => {
    state.reads++;
    const read = (orders.get(req.params.id) ?? 0) + 1;
    orders.set(req.params.id, read);
    res.json({ id: req.params.id, status: read >= 2 ? 'succeeded' : 'pending' });
  });
  app.get('/api/v1/ordering/orders/:id/events', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(`event: status\ndata: ${JSON.stringify({ id: req.params.id, status: 'pending' })}\n\n`);
    setTimeout(() => res.end(`event: status\ndata: ${JSON.stringify({ id: req.params.id, status: 'failed' })}\n\n`), 5);
  });
  return { app, state };
}

describe('the outcome probe', () => {
  const gateway = fakeGateway();
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = await new Promise<Server>((resolve) => {
      const s = gateway.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('the styles\' traits say how their client learns the outcome', () => {
    expect(learnedByOf(['all-rest'])).toBe('answer');
    expect(learnedByOf([])).toBe('answer');
    expect(learnedByOf(['answers-orders-later'])).toBe('poll');
    expect(learnedByOf(['answers-orders-later', 'pushes-order-status'])).toBe('push');
  });

  test('where the answer carries the outcome (201), the outcome is known with the answer, and no read is made', async () => {
    Object.assign(gateway.state, { mode: '201', reads: 0, posts: 0 });
    const { probe, traceIds } = await probeOutcome(url, 'token', { seconds: 0.2, by: 'answer', pollEveryMs: 10 });
    expect(probe.orders).toBeGreaterThan(0);
    expect(probe.outcomeMs).toEqual(probe.answerMs);
    expect(probe).toMatchObject({ by: 'answer', unlearned: 0 });
    expect(probe).not.toHaveProperty('pollEveryMs');
    expect(gateway.state.reads).toBe(0);
    expect(traceIds).toHaveLength(gateway.state.posts);
  });

  test('after a 202 it polls until the order is final: the outcome comes after the answer', async () => {
    Object.assign(gateway.state, { mode: '202', reads: 0, posts: 0 });
    const { probe } = await probeOutcome(url, 'token', { seconds: 0.2, by: 'poll', pollEveryMs: 10 });
    expect(probe.orders).toBe(gateway.state.posts);
    expect(gateway.state.reads).toBe(2 * probe.orders);
    expect(probe.outcomeMs.p50).toBeGreaterThan(probe.answerMs.p50);
    expect(probe).toMatchObject({ by: 'poll', pollEveryMs: 10, unlearned: 0 });
  });

  test('after a 202 in a style that pushes, the stream tells it (a failed order is an outcome too)', async () => {
    Object.assign(gateway.state, { mode: '202', reads: 0, posts: 0 });
    const { probe } = await probeOutcome(url, 'token', { seconds: 0.2, by: 'push', pollEveryMs: 10 });
    expect(probe.orders).toBe(gateway.state.posts);
    expect(gateway.state.reads).toBe(0);
    expect(probe.outcomeMs.p50).toBeGreaterThan(probe.answerMs.p50);
  });

  test('an order answered otherwise is not learned, and the probe does not fail', async () => {
    Object.assign(gateway.state, { mode: '503', reads: 0, posts: 0 });
    const { probe, traceIds } = await probeOutcome(url, 'token', { seconds: 0.1, by: 'answer', pollEveryMs: 10 });
    expect(probe.orders).toBe(0);
    expect(probe.unlearned).toBe(gateway.state.posts);
    expect(traceIds).toHaveLength(gateway.state.posts);
  });
});

describe("the load's orders, read back from the services", () => {
  const at = (ms: number) => new Date(ms).toISOString();
  const record = (id: string, price: number, status: string, created: number, final: number) => ({ id, price, status, createdAt: at(created), updatedAt: at(final) });
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const app = express();
    // Two customers: the load's orders (1.00), a warm-up one, a probe's (0.01), one still pending; notifications for some.
    const orders: Record<string, unknown[]> = {
      'Bearer a': [record('load-1', 1, 'succeeded', 1_000, 1_100), record('warm-up', 1, 'succeeded', 900, 1_010), record('probe', 0.01, 'succeeded', 1_300, 1_900)],
      'Bearer b': [record('load-2', 1, 'failed', 1_200, 1_500), record('load-3', 1, 'pending', 1_400, 1_400)],
    };
    const notifications: Record<string, unknown[]> = { 'Bearer a': [{ orderId: 'load-1', createdAt: at(1_150) }], 'Bearer b': [{ orderId: 'load-2', createdAt: at(1_700) }] };
    app.get('/api/v1/ordering/orders', (req, res) => void res.json(orders[req.headers.authorization!]));
    app.get('/api/v1/notifications', (req, res) => void res.json(notifications[req.headers.authorization!]));
    server = app.listen(0);
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  test('completed counts every order of the load placed since it started and now final, not the warm-up\'s, the probe\'s or a pending one', async () => {
    const outcomes = await orderOutcomes(new ApiClient(url), ['a', 'b'], 1_000);
    expect(outcomes.completed).toBe(2);
    expect(outcomes.completedPerSecond).toBe(4);
    expect(outcomes.toFinalMs.max).toBe(300);
    expect(outcomes.toNotificationMs).toMatchObject({ p50: 150, max: 500 });
  });

  test('http requests and messages per order come from the orders the recording holds', () => {
    const hop = (traceId: string, kind: Hop['kind'], label: string, start: number): Hop => ({ spanId: `${traceId}-${label}`, traceId, kind, from: kind === 'http' ? 'Client' : 'order', to: 'gateway', label, outcome: 'ok', start, end: start });
    const order = (traceId: string, start: number): Hop[] => [hop(traceId, 'http', 'POST /api/v1/ordering/orders', start), hop(traceId, 'http', 'POST /payments', start + 1), hop(traceId, 'publish', 'OrderCompleted', start + 2)];
    const hops = [...order('warm-up', 900), ...order('load-1', 1_000), ...order('probe', 1_300)];
    expect(orderHops(hops, 1_000, new Set(['probe']))).toEqual({ httpPerOrder: 2, messagesPerOrder: 1 });
  });
});

const s = (median: number, min = median, max = median, n = 3): Spread => ({ n, median, min, max });
const summary = (accepted: number): LoadSummary => ({ sentPerSecond: s(accepted), answeredPerSecond: s(accepted), acceptedPerSecond: s(accepted, accepted - 10, accepted + 10), p50: s(5), p90: s(9), p99: s(12), max: s(20), samples: s(500), failures: 0, late: 0, notSent: 0 });
const probe = (answer: number, outcome: number, by: OutcomeProbe['by']): OutcomeProbe => ({ orders: 12, by, answerMs: { p50: answer, p90: answer, p99: answer * 2, max: answer * 2 }, outcomeMs: { p50: outcome, p90: outcome, p99: outcome * 2, max: outcome * 2 }, unlearned: 0 });

function reportWithOutcomes(): BenchReport {
  const run = (variant: string, traits: string[], outcome: ReturnType<typeof summarizeOutcomes>) => ({
    variant,
    broker: 'in-process',
    store: 'sqlite',
    traits,
    repeats: [],
    summary: { load: summary(300), tracingOff: summary(300), completedPerSecond: s(305, 295, 315), cpuSeconds: s(1), peakRssMb: s(200), outcome },
    ratios: { toExpressHello: s(0.1), toNodeHttpHello: s(0.01), tracingOnToOff: s(1) },
  });
  return benchReport({
    hello: summary(10_000),
    date: '2026-12-07T10:00:00.000Z',
    runs: [
      run('http', ['all-rest'], summarizeOutcomes([probe(40, 40, 'answer'), probe(50, 50, 'answer'), probe(45, 45, 'answer')])),
      run('hybrid', ['answers-orders-later', 'pushes-order-status'], summarizeOutcomes([probe(8, 30, 'push'), probe(9, 35, 'push'), { ...probe(10, 40, 'push'), orders: 9, unlearned: 1 }])),
    ],
  });
}

describe('time to the outcome in the report', () => {
  test('each repeat\'s p50 and p99 become a median with its spread; orders per repeat and not learned are kept', () => {
    const hybrid = reportWithOutcomes().runs[1].summary.outcome!;
    expect(hybrid).toMatchObject({ by: 'push', orders: { n: 3, min: 9, max: 12 }, answerP50: { median: 9, min: 8, max: 10 }, outcomeP50: { median: 35, min: 30, max: 40 }, outcomeP99: { median: 70 }, unlearned: 1 });
    expect(summarizeOutcomes([{ ...probe(1, 1, 'poll'), orders: 0 }])).toBeUndefined();
  });

  test('a chart of the first answer next to the outcome known, per style: from zero, labelled, with n and whiskers', async () => {
    const chart = benchCharts(reportWithOutcomes()).find((c) => c.name === 'time-to-outcome')!;
    expect(chart.table).toBe('When the client knows the outcome');
    const spec = chart.spec as unknown as { data: { values: { category: string; series: string }[] }; layer: { mark: { type: string }; encoding: { y: { title?: string; scale?: { zero?: boolean; domainMin?: number } } } }[] };
    const bar = spec.layer.find((l) => l.mark.type === 'bar')!;
    expect(bar.encoding.y.title).toBe('time from the POST (ms)');
    expect(bar.encoding.y.scale).toMatchObject({ zero: true, domainMin: 0 });
    expect(spec.layer.some((l) => l.mark.type === 'rule')).toBe(true);
    expect(new Set(spec.data.values.map((v) => v.series))).toEqual(new Set(['first answer p50', 'outcome known p50', 'first answer p99', 'outcome known p99']));
    expect(new Set(spec.data.values.map((v) => v.category))).toEqual(new Set(['http: answer (n=3)', 'hybrid: push (n=3)']));
    const svg = await vegaLiteToSvg(chart.spec);
    expect(svg).toContain('time from the POST (ms)');
    expect(svg).toContain('9–12 orders per repeat');
  });

  test('the report\'s section says how it was measured, under the chart, with a row per style', () => {
    const markdown = benchMarkdown(reportWithOutcomes());
    const section = markdown.split('## When the client knows the outcome')[1].split('\n## ')[0];
    expect(section).toContain('one more client placed orders of 0.01 one at a time');
    expect(section).toContain('![Time to the first answer and to the outcome](time-to-outcome.svg)');
    expect(section).toContain('| http | in the answer | 12 (n=3, 12–12) | 45.0 (n=3, 40.0–50.0) | 90.0 (n=3, 80.0–100.0) | 45.0 (n=3, 40.0–50.0) | 90.0 (n=3, 80.0–100.0) | 0 |');
    expect(section).toContain('| hybrid | by push after the 202 | 12 (n=3, 9–12) | 9.0 (n=3, 8.0–10.0) | 18.0 (n=3, 16.0–20.0) | 35.0 (n=3, 30.0–40.0) | 70.0 (n=3, 60.0–80.0) | 1 |');
  });
});
