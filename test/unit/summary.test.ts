import { describe, expect, test } from 'vitest';
import { mixedPathsNote, rankingVerdict, standings } from '../../src/report/ranking.js';
import { failuresOf, repeatsText } from '../../src/report/failures.js';
import { formatComparison } from '../../src/cli/format.js';
import type { ClientAction } from '../../src/scenarios/api-client.js';
import type { ScenarioResult, StepResult } from '../../src/scenarios/runner.js';
import { percentile, summariseActions, type ActionStats } from '../../src/scenarios/summary.js';
import { scenarioOutcome, type VariantResult } from '../../src/system/run-variants.js';
import { Recorder } from '../../src/tracing/recorder.js';

/** Records one client action: its HTTP hops and messages, as the system would. */
function act(recorder: Recorder, kind: string, ms: number, status = 200, http = 2, messages = 0): ClientAction {
  const traceId = `t${Math.random().toString(16).slice(2)}`;
  for (let i = 0; i < http; i++) recorder.begin({ kind: 'http', from: 'Client', to: 'gateway', label: 'GET /x', traceId }).end({ status });
  for (let i = 0; i < messages; i++) recorder.begin({ kind: 'publish', from: 'order', to: 'Broker', label: 'OrderCreated', traceId }).end();
  return { kind, traceId, status, ms };
}

describe('summariseActions', () => {
  test('per kind: n samples, median and min–max of the client latency, http calls and messages per action', () => {
    const recorder = new Recorder();
    const actions = [
      act(recorder, 'order', 4, 201, 5, 0),
      act(recorder, 'order', 2, 201, 5, 0),
      act(recorder, 'order', 9, 201, 5, 0),
      act(recorder, 'order', 3, 201, 5, 0),
      act(recorder, 'order', 3.5, 422, 4, 2),
      act(recorder, 'register', 40, 201, 3, 1),
    ];
    const stats = summariseActions(actions, recorder);
    expect(stats.map((s) => s.kind)).toEqual(['order', 'register', 'order → 422']);
    const order = stats.find((s) => s.kind === 'order')!;
    expect(order).toEqual({ kind: 'order', n: 4, latencyMs: { n: 4, median: 3.5, min: 2, max: 9, p5: 2, p95: 9 }, http: 5, messages: 0 });
    expect(stats.find((s) => s.kind === 'order → 422')).toEqual({ kind: 'order → 422', n: 1, latencyMs: { n: 1, median: 3.5, min: 3.5, max: 3.5, p5: 3.5, p95: 3.5 }, http: 4, messages: 2 });
    expect(stats.find((s) => s.kind === 'register')!.latencyMs).toEqual({ n: 1, median: 40, min: 40, max: 40, p5: 40, p95: 40 });
  });

  test('from 20 samples on, the spread shown is p5–p95: one outlier does not widen it', () => {
    const recorder = new Recorder();
    const samples = [...Array.from({ length: 39 }, (_, i) => 2 + i / 10), 250];
    const [stats] = summariseActions(samples.map((ms) => act(recorder, 'order', ms)), recorder);
    expect(stats.latencyMs).toEqual({ n: 40, median: 4, min: 2, max: 250, p5: 2.1, p95: 5.7 });
  });

  test('the internal reads of an invariant check are not client actions: no check row', () => {
    const recorder = new Recorder();
    const actions = [act(recorder, 'balance', 1), ...Array.from({ length: 165 }, () => act(recorder, 'check', 100))];
    expect(summariseActions(actions, recorder).map((s) => s.kind)).toEqual(['balance']);
  });

  test('hop counts taken earlier are used for traces the recorder no longer holds', () => {
    const recorder = new Recorder();
    const dropped: ClientAction = { kind: 'order', traceId: 'gone', status: 201, ms: 3 };
    const [stats] = summariseActions([dropped, act(recorder, 'order', 5, 201, 5, 0)], recorder, new Map([['gone', { http: 5, messages: 0 }]]));
    expect(stats).toMatchObject({ n: 2, http: 5, messages: 0 });
  });

  test('the crowd comes last; percentile is still exported for its other users', () => {
    const recorder = new Recorder();
    const stats = summariseActions([act(recorder, 'crowd order', 10), act(recorder, 'order', 1), act(recorder, 'login', 5, 401)], recorder);
    expect(stats.map((s) => s.kind)).toEqual(['order', 'login → 401', 'crowd order']);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
  });
});

const step = (index: number, passed: boolean, ms = 1): StepResult => ({
  index,
  action: 'login',
  title: `step ${index}`,
  expected: 'answer 418',
  seen: passed ? 'answer 418' : 'answer 200',
  passed,
  problems: passed ? [] : ['answer: expected 418, got 200'],
  ms,
  attempts: 1,
  http: 2,
  messages: 0,
  traceIds: [`t${index}`],
});
const run = (ms: number, ...passed: boolean[]): ScenarioResult => ({ name: 's', title: 'S', passed: passed.every(Boolean), ms, steps: passed.map((p, i) => step(i + 1, p)) });

describe('repeats', () => {
  test('a scenario passes only if every repeat passed; it says which failed, and shows the steps of the last that failed', () => {
    const outcome = scenarioOutcome([run(10, true, true), run(30, true, false), run(20, true, true)]);
    expect(outcome.passed).toBe(false);
    expect(outcome.stepsFrom).toBe(2);
    expect(outcome.steps[1].passed).toBe(false);
    expect(outcome.msSpread).toMatchObject({ n: 3, median: 20, min: 10, max: 30 });
    expect(outcome.repeats.map((r) => [r.repeat, r.passed, r.failed.map((f) => f.index)])).toEqual([
      [1, true, []],
      [2, false, [2]],
      [3, true, []],
    ]);
    const result = { variant: 'http', passed: false, ms: 1, repeats: 3, scenarios: [outcome], actions: [] } satisfies VariantResult;
    const failures = failuresOf([result]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ variant: 'http', scenario: 's', index: 2, expected: 'answer 418', seen: 'answer 200', repeats: [2], of: 3 });
    expect(repeatsText(failures[0])).toBe('in repeat 2 of 3');
  });

  test('all passing: the steps shown are the last repeat’s', () => {
    const outcome = scenarioOutcome([run(10, true), run(12, true)]);
    expect(outcome).toMatchObject({ passed: true, stepsFrom: 2, ms: 11 });
  });
});

const variant = (name: string, kind: string, spread: { n: number; median: number; min: number; max: number }): VariantResult => ({
  variant: name,
  passed: true,
  ms: 1000,
  repeats: 1,
  scenarios: [],
  actions: [{ kind, n: spread.n, latencyMs: { ...spread, p5: spread.min, p95: spread.max }, http: 2, messages: 0 } satisfies ActionStats],
});

describe('side by side', () => {
  test('variants within each other’s spread are not ranked; disjoint spreads are', () => {
    const overlapping = [variant('http', 'order', { n: 5, median: 3, min: 2, max: 9 }), variant('hybrid', 'order', { n: 5, median: 2, min: 1.5, max: 4 })];
    const rows = standings(overlapping, 'order');
    expect(rows.map((r) => [r.variant, r.versus])).toEqual([
      ['hybrid', 'first'],
      ['http', 'overlaps'],
    ]);
    expect(rankingVerdict(rows)).toContain('no ranking');
    expect(formatComparison(overlapping)).toContain('hybrid 2.0 ≈ http 3.0');

    const apart = [variant('http', 'order', { n: 5, median: 10, min: 8, max: 12 }), variant('hybrid', 'order', { n: 5, median: 2, min: 1.5, max: 4 })];
    expect(standings(apart, 'order').map((r) => r.versus)).toEqual(['first', 'slower']);
    expect(formatComparison(apart)).toContain('hybrid 2.0 < http 10.0');
  });

  test('with fewer than 3 samples no order is claimed', () => {
    const few = [variant('http', 'order', { n: 1, median: 10, min: 10, max: 10 }), variant('hybrid', 'order', { n: 1, median: 2, min: 2, max: 2 })];
    expect(standings(few, 'order').map((r) => r.versus)).toEqual(['first', 'few']);
    expect(formatComparison(few)).toContain('too few samples');
    expect(formatComparison(few)).toContain('2.0 ms (n=1)');
  });

  test('a variant that answers refusals like successes is flagged: its row mixes both paths', () => {
    const http = variant('http', 'order', { n: 4, median: 3, min: 2, max: 9 });
    http.actions.push({ kind: 'order → 422', n: 1, latencyMs: { n: 1, median: 3, min: 3, max: 3, p5: 3, p95: 3 }, http: 5, messages: 0 });
    const hybrid = variant('hybrid', 'order', { n: 5, median: 2, min: 1, max: 4 });
    expect(mixedPathsNote([http, hybrid], 'order')).toBe('hybrid has no order → 422 row: its refusals were answered like successes and are counted in order');
    expect(mixedPathsNote([http], 'order')).toBe('');
  });
});
