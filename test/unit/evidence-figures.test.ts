import { barChartSpec } from '../../src/charts/bar-chart.js';
import { ordersWith } from '../../src/evidence/experiments/billing-replicas.js';
import { describe, expect, test } from 'vitest';
import { cancelCounts, undoDeclared } from '../../src/evidence/cancel-figures.js';
import { evidenceCharts, wrap } from '../../src/evidence/evidence-charts.js';
import type { EvidenceData } from '../../src/evidence/evidence-run.js';
import { declarationLines } from '../../src/evidence/experiments/declaration.js';
import { slope } from '../../src/evidence/experiments/per-hop-latency.js';
import { traceCounts } from '../../src/evidence/trace-figures.js';
import { planOf } from '../../src/system/links/index.js';
import type { Hop } from '../../src/tracing/recorder.js';
import { findVariant } from '../../src/variants/index.js';

let t = 0;
const hop = (kind: Hop['kind'], from: string, to: string, label: string, start: number, end: number, extra: Partial<Hop> = {}): Hop => ({
  spanId: `s${t++}`,
  traceId: 'trace',
  kind,
  from,
  to,
  label,
  outcome: 'ok',
  start,
  end,
  ...extra,
});

describe('what a recorded request caused', () => {
  test('an order of the event-notification kind: broker trips, a callback, a correlated reply, work after the answer', () => {
    const trace = [
      hop('http', 'Client', 'gateway', 'POST /api/v1/ordering/orders', 0, 20, { status: 201 }),
      hop('publish', 'gateway', 'Broker', 'CreateOrder', 1, 2),
      hop('consume', 'Broker', 'order', 'CreateOrder', 2, 4),
      hop('local', 'order', 'order', 'order pending', 3, 3),
      hop('publish', 'order', 'Broker', 'PaymentRequired', 4, 5),
      hop('consume', 'Broker', 'billing', 'PaymentRequired', 5, 10),
      hop('http', 'billing', 'order', 'GET /orders/{id}', 6, 8, { status: 200 }),
      hop('local', 'order', 'order', 'order pending → succeeded', 12, 12),
      hop('consume', 'Broker', 'gateway', 'OrderCreated', 18, 19, { resumes: 'x' }),
      hop('consume', 'Broker', 'notification', 'OrderCreated', 18, 25),
      hop('http', 'notification', 'identity', 'GET /users/{id}', 21, 24, { status: 200 }),
    ];
    expect(traceCounts(trace)).toMatchObject({
      http: 3,
      messages: 2,
      hops: 9,
      restBetweenServices: 2,
      reads: 2,
      participants: 5,
      correlationWaits: 1,
      gatewayMessages: 2,
      waitedHops: 3,
      deliveriesBeforeAnswer: 3,
      afterAnswer: 2,
      brokered: 3,
      called: 2,
      billingCalls: 1,
      copies: 0,
      restPairs: ['billing→order', 'notification→identity'],
      status: 201,
      answerMs: 20,
      toFinalMs: 12,
    });
  });
  test('a registration answered before its account was opened, with a copy kept', () => {
    const trace = [
      hop('http', 'Client', 'gateway', 'POST /api/v1/identity/register', 0, 10, { status: 201 }),
      hop('http', 'gateway', 'identity', 'POST /register', 1, 9, { status: 201 }),
      hop('local', 'billing', 'billing', 'account opened', 14, 14),
      hop('local', 'notification', 'notification', 'profile copied', 13, 13),
    ];
    expect(traceCounts(trace)).toMatchObject({ accountAfterAnswerMs: 4, copies: 1, restBetweenServices: 0, called: 1, afterAnswer: 0 });
  });
  test('a trace no client started counts nothing', () => {
    expect(traceCounts([hop('local', 'order', 'order', 'recovery', 0, 0)])).toBeUndefined();
  });
});

describe('what undoing a cancelled saga took', () => {
  test('a broadcast cancel: one message reaches every service, each undoes the step it did', () => {
    const cancelled = hop('publish', 'delivery', 'Broker', 'OrderCancelled', 5, 6);
    const reach = (to: string, note?: string) => {
      const consume = hop('consume', 'Broker', to, 'OrderCancelled', 6, 8, { parentSpanId: cancelled.spanId });
      return note ? [consume, hop('local', to, to, note, 7, 7, { parentSpanId: consume.spanId })] : [consume];
    };
    const trace = [
      hop('http', 'Client', 'gateway', 'POST /api/v1/ordering/orders', 0, 2, { status: 202 }),
      hop('local', 'billing', 'billing', 'payment taken', 3, 3),
      hop('local', 'stock', 'stock', 'stock reserved', 4, 4),
      hop('local', 'delivery', 'delivery', 'delivery refused: we do not deliver to Atlantis', 5, 5),
      cancelled,
      ...reach('billing', 'payment refunded'),
      ...reach('stock', 'stock released'),
      ...reach('delivery'),
    ];
    expect(cancelCounts(trace)).toEqual({ needed: ['refund', 'release'], undone: ['refund', 'release'], services: ['billing', 'delivery', 'stock'], messages: 1, restCalls: 0 });
  });
  test('calls that undo: each counted, and a step left undone is told apart', () => {
    const trace = [
      hop('local', 'billing', 'billing', 'payment taken', 1, 1),
      hop('local', 'stock', 'stock', 'stock reserved', 2, 2),
      hop('local', 'delivery', 'delivery', 'handed to a courier', 3, 3),
      hop('http', 'order', 'billing', 'POST /payments/{id}/refund', 10, 12, { status: 200 }),
      hop('local', 'billing', 'billing', 'payment refunded', 11, 11),
      hop('http', 'order', 'delivery', 'POST /deliveries/{id}/return', 13, 15, { status: 200 }),
      hop('local', 'delivery', 'delivery', 'brought back', 14, 14),
    ];
    expect(cancelCounts(trace)).toMatchObject({ needed: ['refund', 'release', 'return'], undone: ['refund', 'return'], services: ['billing', 'delivery', 'order'], messages: 0, restCalls: 2 });
  });
  test('where a style declares its undos: a call per step in http, one link in the choreography', () => {
    expect(undoDeclared(planOf(findVariant('http')))).toEqual({
      links: ['dispatch', 'payment', 'reservation'],
      hops: ['dispatch: POST /deliveries/{id}/return', 'dispatch: POST /reservations/{id}/restock', 'payment: POST /payments/{id}/refund', 'reservation: POST /reservations/{id}/release'],
    });
    expect(undoDeclared(planOf(findVariant('choreography')))).toEqual({ links: ['saga'], hops: ['saga: DeliveryReturned', 'saga: OrderCancelled'] });
  });
});

test('the slope of a line, and none without two distinct x', () => {
  expect(slope([{ x: 0, y: 10 }, { x: 20, y: 90 }, { x: 40, y: 170 }])).toBe(4);
  expect(slope([{ x: 5, y: 1 }, { x: 5, y: 3 }])).toBe(0);
});

test('a style file declares its lines before the flows, comments and blank lines left out', () => {
  expect(declarationLines('# a style\nname: x   # its name\n\nlinks:\n  payment: rest\nflows:\n  order:\n    - a\n')).toBe(3);
});

test('chart titles wrap at spaces', () => {
  expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
});

test('a chart never puts two units on one axis: one panel per unit, each from zero, titled by its figure; one unit stays one chart', () => {
  const measure = (id: string, unit: string) => ({ id, label: `${id} label`, unit, how: id });
  const figure = (n: number) => ({ n: 3, median: n, min: n, max: n + 1 });
  const result = (style: string) => ({ style, figures: { restBetweenPerOrder: figure(3), waitedHops: figure(4), restPeers: figure(2), definiteShare: figure(1), afterAnswerShare: figure(0) }, samples: { restBetweenPerOrder: 5, waitedHops: 5, restPeers: 10, definiteShare: 5, afterAnswerShare: 5 }, notes: {}, repeats: [] });
  const data = {
    styles: [{ name: 'http', traits: [] }, { name: 'hybrid', traits: [] }],
    settings: { repeat: 3, orders: 5, latencySteps: [0, 10] },
    experiments: [{ id: 'recorded-requests', title: 'r', how: 'r', measures: [measure('restBetweenPerOrder', 'calls'), measure('waitedHops', 'hops'), measure('restPeers', 'pairs'), measure('definiteShare', 'share'), measure('afterAnswerShare', 'share')], results: [result('http'), result('hybrid')] }],
  } as unknown as EvidenceData;
  const charts = evidenceCharts(data);
  const h4 = charts.get('H4')!.spec as any;
  expect(h4.hconcat.map((p: any) => [p.title.text.join(' '), p.layer[0].encoding.y.title, p.layer[0].encoding.y.scale.zero])).toEqual([
    ['restBetweenPerOrder label', 'calls', true],
    ['waitedHops label', 'hops', true],
    ['restPeers label', 'pairs', true],
  ]);
  expect(h4.resolve.scale.y).toBe('independent');
  expect(h4.title.subtitle[0]).toContain('one panel per unit (calls, hops, pairs)');
  expect(JSON.stringify(h4.hconcat[0].data.values.map((v: any) => v.category))).toBe('["http (n=3)","hybrid (n=3)"]');
  const h1 = charts.get('H1')!.spec as any;
  expect(h1.hconcat).toBeUndefined();
  expect(h1.layer[0].encoding.y.title).toBe('share of orders / of their hops (%)');
});

test('a claim drawn in percent scales only its shares: its orders/s panel keeps orders/s', () => {
  const figure = (n: number) => ({ n: 3, median: n, min: n, max: n });
  const data = {
    styles: [{ name: 'choreography', traits: [] }],
    settings: { repeat: 3, orders: 5, latencySteps: [0] },
    experiments: [
      { id: 'order-saga', title: 's', how: 's', measures: [{ id: 'sagaBrokeredShare', label: 'through the broker', unit: 'share', how: 's' }], results: [{ style: 'choreography', figures: { sagaBrokeredShare: figure(0.85) }, samples: { sagaBrokeredShare: 9 }, notes: {}, repeats: [] }] },
      { id: 'billing-replicas', title: 'b', how: 'b', measures: [{ id: ordersWith(1), label: 'completed orders/s, billing ×1', unit: 'orders/s', how: 'b' }], results: [{ style: 'choreography', figures: { [ordersWith(1)]: figure(19.8) }, samples: { [ordersWith(1)]: 180 }, notes: {}, repeats: [] }] },
    ],
  } as unknown as EvidenceData;
  const g1 = evidenceCharts(data).get('G1')!.spec as any;
  expect(g1.hconcat.map((p: any) => [p.layer[0].encoding.y.title, p.data.values.map((v: any) => v.value ?? v.median)])).toEqual([
    ['%', [85]],
    ['orders/s', [19.8]],
  ]);
});

test('a group of many bars stays within a page: narrower bars, the legend in rows of four', () => {
  const points = ['http', 'event-notification', 'event-collaboration', 'hybrid', 'sync-billing', 'choreography'].flatMap((x) => ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((series) => ({ x, series, median: 1, min: 1, max: 1, n: 3 })));
  const spec = barChartSpec({ title: 't', subtitle: [], xTitle: 'x', yTitle: 'y' }, points) as any;
  expect(spec.width).toBeLessThanOrEqual(1100);
  expect(spec.encoding.color.legend.columns).toBe(4);
});
