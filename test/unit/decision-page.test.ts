import { describe, expect, test } from 'vitest';
import { CLAIMS } from '../../src/evidence/claims.js';
import { THRESHOLD_WORDS } from '../../src/evidence/conditions.js';
import { evidenceDocument } from '../../src/evidence/evidence-document.js';
import { judgeClaims } from '../../src/evidence/evidence-judge.js';
import { evidenceMarkdown } from '../../src/evidence/evidence-render.js';
import type { EvidenceData } from '../../src/evidence/evidence-run.js';
import { ruleWords } from '../../src/evidence/rules.js';
import { evidenceDecision, evidenceSideBySide } from '../../src/report/decision-evidence.js';
import { claimMatrix } from '../../src/report/decision-matrix.js';
import { decisionHtml, decisionMarkdown, runDecision } from '../../src/report/decision-page.js';
import { couplingOf, sideBySide, type StyleSamples } from '../../src/report/decision-run.js';
import { faultScenarios, sampleOf, type ActionSample } from '../../src/report/decision-samples.js';
import type { StepResult } from '../../src/scenarios/runner.js';
import type { ScenarioOutcome, VariantResult } from '../../src/system/run-variants.js';
import type { Hop } from '../../src/tracing/recorder.js';

let span = 0;
const hop = (kind: Hop['kind'], from: string, to: string, label: string, start: number, end: number, status?: number): Hop => ({ spanId: `s${span++}`, traceId: 't', kind, from, to, label, outcome: 'ok', start, end, ...(status ? { status } : {}) });

/** A sample of a row, as sampleOf would give it. */
const sample = (scenario: string, row: ActionSample['row'], answerMs: number, options: Partial<ActionSample> = {}): ActionSample => ({
  scenario,
  kind: row?.startsWith('order') ? 'order' : (row ?? 'balance'),
  row,
  status: options.pending ? 202 : 201,
  answerMs,
  pending: false,
  outcomeMs: answerMs,
  http: 2,
  messages: 1,
  ...options,
});
/** Three paid orders per style: http answers the outcome (201), hybrid 202 and settles 30 ms later. */
const styles = (scenario = 'happy-path'): StyleSamples[] => [
  { variant: 'http', samples: [10, 11, 12].map((ms) => sample(scenario, 'order', ms, { notifiedMs: ms - 2 })) },
  { variant: 'hybrid', samples: [2, 3, 4].map((ms) => sample(scenario, 'order', ms, { pending: true, status: 202, outcomeMs: ms + 30, notifiedMs: ms + 31 })) },
];

describe('what an action became, read from its trace', () => {
  test('a 202 is known when its order settles; its notification when stored; its calls and messages counted', () => {
    const trace = [
      hop('http', 'Client', 'gateway', 'POST /api/v1/ordering/orders', 0, 5, 202),
      hop('http', 'gateway', 'order', 'POST /orders', 1, 4, 202),
      hop('local', 'order', 'order', 'order pending', 2, 2),
      hop('publish', 'order', 'Broker', 'CreatePayment', 3, 3),
      hop('local', 'order', 'order', 'order pending → succeeded', 25, 25),
      hop('local', 'notification', 'notification', 'notification stored and sent', 40, 40),
    ];
    expect(sampleOf({ kind: 'order', traceId: 't', status: 202, ms: 6 }, trace, 'happy-path')).toEqual({
      scenario: 'happy-path', kind: 'order', row: 'order', status: 202, answerMs: 6, pending: true, outcomeMs: 26, ended: 'succeeded', notifiedMs: 41, http: 2, messages: 1,
    });
  });
  test('a refusal is one row whether it was answered 422 or 202 and failed later; an order with items is a row of its own', () => {
    const refusedLater = [hop('http', 'Client', 'gateway', 'POST', 0, 5, 202), hop('local', 'order', 'order', 'order pending → failed', 9, 9)];
    expect(sampleOf({ kind: 'order', traceId: 't', status: 202, ms: 5 }, refusedLater, 's').row).toBe('order refused');
    expect(sampleOf({ kind: 'order', traceId: 't', status: 422, ms: 5 }, [hop('http', 'Client', 'gateway', 'POST', 0, 5, 422)], 's')).toMatchObject({ row: 'order refused', outcomeMs: 5, pending: false });
    const saga = [hop('http', 'Client', 'gateway', 'POST', 0, 5, 202), hop('local', 'order', 'order', 'order created', 1, 1), hop('local', 'order', 'order', 'order reserved → delivering', 20, 20)];
    expect(sampleOf({ kind: 'order', traceId: 't', status: 202, ms: 5 }, saga, 's')).toMatchObject({ row: 'order with items', ended: 'delivering', outcomeMs: 20 });
    expect(sampleOf({ kind: 'balance', traceId: 't', status: 200, ms: 1 }, [], 's').row).toBeUndefined();
  });
  test('a 202 with no state change recorded is known when its trace went quiet', () => {
    const trace = [hop('http', 'Client', 'gateway', 'POST', 0, 5, 202), hop('consume', 'Broker', 'billing', 'X', 6, 50)];
    expect(sampleOf({ kind: 'deposit', traceId: 't', status: 202, ms: 5 }, trace, 's')).toMatchObject({ pending: true, outcomeMs: 50 });
  });
});

describe('the side by side ranks like with like', () => {
  test('a pending answer is never ranked against a final one: the first answer says why, the outcome known is ranked', () => {
    const table = sideBySide(styles(), new Set());
    const first = table.rows.find((r) => r.action === 'order, paid' && r.measure === 'first answer')!;
    expect(first.ranked).toBe(false);
    expect(first.why).toBe('not ranked — different paths: hybrid answers 202 (accepted, outcome later); http with the outcome. A pending answer is not ranked against a final one: see "outcome known"');
    expect(first.cells.every((c) => c && c.tier === undefined)).toBe(true);
    const known = table.rows.find((r) => r.measure === 'outcome known')!;
    expect(known.ranked).toBe(true);
    expect(known.line).toBe('http 11.0 < hybrid 33.0');
    expect(known.cells.map((c) => c?.tier)).toEqual([1, 2]);
    expect(table.rows.find((r) => r.measure === 'notification stored')!.line).toBe('http 9.0 < hybrid 34.0');
    expect(table.rows.find((r) => r.measure === 'calls · messages')).toMatchObject({ ranked: false, cells: [{ text: '2 http · 1 msg' }, { text: '2 http · 1 msg' }] });
  });
  test('all answers of one kind are ranked on the first answer too; fewer than 3 samples are not, and say to repeat', () => {
    const same = styles().map((s) => ({ ...s, samples: s.samples.map((x) => ({ ...x, pending: false, status: 201 })) }));
    expect(sideBySide(same, new Set()).rows[0]).toMatchObject({ measure: 'first answer', ranked: true, line: 'hybrid 3.0 < http 11.0' });
    const few = same.map((s) => ({ ...s, samples: s.samples.slice(0, 2) }));
    const row = sideBySide(few, new Set()).rows[0];
    expect(row.ranked).toBe(false);
    expect(row.why).toContain('too few samples to rank (n < 3): run with --repeat');
  });
  test('overlapping spreads are not ranked, and say so', () => {
    const close = [
      { variant: 'a', samples: [1, 5, 9].map((ms) => sample('s', 'deposit', ms)) },
      { variant: 'b', samples: [2, 6, 10].map((ms) => sample('s', 'deposit', ms)) },
    ];
    expect(sideBySide(close, new Set()).rows[0]).toMatchObject({ ranked: false, line: 'a 5.0 ≈ b 6.0' });
    expect(sideBySide(close, new Set()).rows[0].why).toBe('all within each other’s spread: no ranking (under 20 samples a spread is min–max; --repeat gives more)');
  });
  test('fault scenarios are kept out of the ranking', () => {
    const mixed = styles().map((s, i) => ({ ...s, samples: [...s.samples, sample('fault-billing-slow', 'order', i ? 900 : 1, { notifiedMs: 2 })] }));
    const known = sideBySide(mixed, new Set(['fault-billing-slow'])).rows.find((r) => r.measure === 'outcome known')!;
    expect(known.line).toBe('http 11.0 < hybrid 33.0');
    expect(known.cells.map((c) => c?.sub)).toEqual(['n=3, 10.0–12.0 ms', 'n=3, 32.0–34.0 ms']);
  });
});

const step = (action: string, title: string): StepResult => ({ index: 1, action, title, expected: '', seen: '', passed: true, problems: [], ms: 1, attempts: 1, http: 0, messages: 0, traceIds: [] });
const outcome = (name: string, steps: StepResult[], passed = true): ScenarioOutcome => ({ name, title: name, passed, ms: 1, msSpread: { n: 1, median: 1, min: 1, max: 1, p5: 1, p95: 1 }, stepsFrom: 1, repeats: [], steps });
const result = (variant: string, passed = true): VariantResult => ({
  variant,
  passed,
  ms: 1,
  repeats: 1,
  actions: [],
  scenarios: [outcome('happy-path', [step('order', 'order')]), outcome('fault-billing-slow', [step('latency', 'billing +200 ms'), step('order', 'order')], passed)],
});

describe('the run decision', () => {
  test('fault scenarios are those with a fault step; they are listed apart with how their orders ended', () => {
    const results = [result('http'), result('hybrid', false)];
    expect([...faultScenarios(results)]).toEqual(['fault-billing-slow']);
    const samples = styles();
    samples[0].samples.push(sample('fault-billing-slow', 'order', 220, { ended: 'succeeded' }));
    samples[1].samples.push(sample('fault-billing-slow', 'order', 3, { pending: true, status: 202, outcomeMs: undefined }));
    samples[1].samples.push(sample('fault-billing-slow', 'order', 1, { status: 503, outcomeMs: undefined }));
    const d = runDecision(results, samples, [[{ from: 'Order', to: 'Billing', by: 'rest' }], undefined]);
    expect(d.clean).toEqual(['happy-path']);
    expect(d.faults).toHaveLength(1);
    expect(d.faults[0]).toMatchObject({ scenario: 'fault-billing-slow', faults: 'billing +200 ms' });
    expect(d.faults[0].cells).toMatchObject([
      { passed: true, orders: 1, completed: 1, refused: 0, pending: 0, errors: 0 },
      { passed: false, orders: 1, completed: 0, refused: 0, pending: 1, errors: 1, errorsWentOn: 0 },
    ]);
    const html = decisionHtml(d, { broker: 'in-process', date: 'today' });
    expect(html).toContain('What a stopped or slowed service does to orders');
    expect(html).toContain('✗ scenario did not hold');
    expect(html).toContain('1 order: ✓ 0 completed · ✗ 0 refused · ○ 1 not settled; 1 answer was an error (5xx): the client tried again');
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3)/);
    const md = decisionMarkdown(d, { broker: 'in-process', date: 'today' });
    expect(md).toContain('| **order, paid** | first answer |');
    expect(md).toContain('not ranked — different paths');
    expect(md).toContain('Order→Billing');
  });
  test('each fault scenario is ranked on its own, by when the outcome was known, with the clean rows\' rule', () => {
    const results = [result('http'), result('hybrid')];
    const slow = (ms: number[], pending = false) => ms.map((m) => sample('fault-billing-slow', 'order', pending ? 3 : m, { ended: 'succeeded', outcomeMs: m, pending, status: pending ? 202 : 201 }));
    const apart = runDecision(results, [{ variant: 'http', samples: slow([210, 211, 212]) }, { variant: 'hybrid', samples: slow([20, 21, 22], true) }], [undefined, undefined]);
    expect(apart.faults[0].ranking).toEqual({ line: 'hybrid 21.0 < http 211.0 ms', why: 'by outcome known: ranked: no spreads overlap' });
    const close = runDecision(results, [{ variant: 'http', samples: slow([210, 215, 220]) }, { variant: 'hybrid', samples: slow([205, 212, 230], true) }], [undefined, undefined]);
    expect(close.faults[0].ranking.why).toMatch(/^by outcome known: all within each other’s spread: no ranking/);
    expect(decisionHtml(apart, { broker: 'in-process', date: 'today' })).toContain('hybrid 21.0 &lt; http 211.0 ms');
    // Orders left unsettled (delivery down in http) have no outcome to time: not ranked as fast.
    const unsettled = slow([15, 16, 17]).map((o) => ({ ...o, ended: 'reserved' }));
    const stuck = runDecision(results, [{ variant: 'http', samples: unsettled }, { variant: 'hybrid', samples: slow([40, 41, 42], true) }], [undefined, undefined]);
    expect(stuck.faults[0].cells[0]).toMatchObject({ orders: 3, completed: 0, pending: 3 });
    expect(stuck.faults[0].cells[0]!.outcome).toBeUndefined();
    expect(stuck.faults[0].ranking).toEqual({ line: '', why: 'by outcome known: measured on fewer than two styles: nothing to rank' });
    expect(decisionMarkdown(close, { broker: 'in-process', date: 'today' })).toContain('by outcome known: all within');
  });
  test('coupling: REST pairs between services, pairs through the broker, and what the gateway reaches', () => {
    expect(
      couplingOf([
        { from: 'Client', to: 'Gateway', by: 'rest' },
        { from: 'Gateway', to: 'Order', by: 'rest' },
        { from: 'Order', to: 'Billing', by: 'rest' },
        { from: 'Order', to: 'Billing', by: 'rest' },
        { from: 'Billing', to: 'Order', by: 'broker' },
        { from: 'Order', to: 'Order', by: 'broker' },
        { from: 'Order', to: 'Gateway', by: 'broker' },
      ]),
    ).toEqual({ rest: ['Order→Billing'], broker: ['Billing→Order'], gatewayRest: 1, gatewayBroker: 1 });
  });
});

/** Two styles' figures of the recorded requests, the rest of the report as an evidence run writes it. */
function evidence(): EvidenceData {
  const measure = (id: string, unit: string) => ({ id, label: id, unit, how: id });
  const spread = (n: number) => ({ n: 3, median: n, min: n, max: n + 1 });
  const figures = (definite: number, answer: number, known: number) => ({ definiteShare: { n: 3, median: definite, min: definite, max: definite }, orderAnswerMs: spread(answer), outcomeKnownMs: spread(known), messagesPerOrder: spread(1 - definite), restBetweenPerOrder: spread(2), waitedHops: spread(4), restPeers: spread(3) });
  const result = (style: string, f: ReturnType<typeof figures>) => ({ style, figures: f, samples: Object.fromEntries(Object.keys(f).map((k) => [k, 4])), notes: { restPeers: 'order→billing' }, repeats: [] });
  const data: Omit<EvidenceData, 'claims'> = {
    tool: 'orderctl evidence',
    version: '0',
    date: 'today',
    command: 'orderctl evidence',
    machine: { cpus: 2, cpuModel: 'x', memoryGb: 4, node: 'v20', platform: 'linux' },
    seconds: 1,
    settings: { variants: ['http', 'hybrid'], orders: 4, repeat: 3, slowMs: 100, latencySteps: [0, 10], replyTimeoutMs: 3000, sagas: 1, clientSeconds: 1, scaleSeconds: 1, scaleRate: 60, capacity: 'billing=1x50ms', broker: 'in-process', processes: false },
    styles: [{ name: 'http', traits: ['all-rest'] }, { name: 'hybrid', traits: [] }],
    thresholds: {},
    combining: '',
    experiments: [
      {
        id: 'recorded-requests',
        title: 'Recorded',
        how: 'recorded',
        measures: [measure('definiteShare', 'share'), measure('orderAnswerMs', 'ms'), measure('outcomeKnownMs', 'ms'), measure('messagesPerOrder', 'messages'), measure('restBetweenPerOrder', 'calls'), measure('waitedHops', 'hops'), measure('restPeers', 'pairs')],
        results: [result('http', figures(1, 10, 10)), result('hybrid', figures(0, 2, 30))],
      },
      ...[...new Set(CLAIMS.flatMap((c) => c.experiments))].filter((id) => id !== 'recorded-requests').map((id) => ({ id, title: id, how: id, skipped: 'not run here', measures: [], results: [] })),
    ],
  };
  return { ...data, claims: judgeClaims(data) };
}

describe('the evidence decision', () => {
  test('every claim × style cell has a verdict, a symbol with its word, and the figures in its title', () => {
    const data = evidence();
    const matrix = claimMatrix(data);
    expect(matrix.rows.map((r) => r.id)).toEqual(CLAIMS.map((c) => c.id));
    for (const row of matrix.rows) {
      expect(row.cells.map((c) => c.style)).toEqual(['http', 'hybrid']);
      for (const cell of row.cells) {
        expect(cell.label).toMatch(/^(✓ holds|◐ in part|✗ does not hold|– not tried)$/);
        expect(cell.title).toContain(`${row.id} on ${cell.style}: `);
      }
    }
    expect(matrix.rows.find((r) => r.id === 'H1')!.cells[0].title).toContain('answered with the outcome: 100%');
    const { html, markdown } = evidenceDecision(data);
    const cells = [...html.matchAll(/<td class="v v-([a-z-]+)( own)?" title="([^"]+)">/g)];
    expect(cells).toHaveLength(CLAIMS.length * 2);
    expect(cells.filter((c) => c[2])).toHaveLength(CLAIMS.filter((c) => c.style === 'http' || c.style === 'hybrid').length);
    expect(html).toContain('✓ holds');
    expect(html).not.toMatch(/<script|<link|<img/);
    expect(markdown).toContain(`| **H1** (http) ${CLAIMS[0].text} | **◐ in part** [1] | ✗ does not hold [2] |`);
    expect(markdown).toContain('\n1. H1 on http: in part — met: at least 90% of orders are answered with their outcome');
    expect(markdown).toContain(`\n${CLAIMS.length * 2}. ${CLAIMS.at(-1)!.id} on hybrid: `);
  });
  test('the side by side ranks the outcome known, never a 202 against a final answer', () => {
    const side = evidenceSideBySide(evidence());
    expect(side.rows.find((r) => r.measure === 'first answer')).toMatchObject({ ranked: false, why: expect.stringContaining('hybrid answers 202') });
    expect(side.rows.find((r) => r.measure === 'outcome known')).toMatchObject({ ranked: true, line: 'http 10 < hybrid 30' });
    expect(side.rows.find((r) => r.measure === 'REST caller→callee pairs between services')!.cells[0]).toMatchObject({ text: '3', sub: 'n=3, 3–4 · order→billing' });
  });
  test('rules are in words: each claim has one, the report lists thresholds in words, never their bare names', () => {
    for (const claim of CLAIMS) expect(ruleWords(claim.id)).toMatch(/^Holds when /);
    expect(ruleWords('C2')).toBe('Holds when services read nothing from other services during a registration or an order; does not hold otherwise.');
    expect(THRESHOLD_WORDS.most).toBe('"almost all" means at least 90%');
    const report = evidenceMarkdown(evidenceDocument(evidence(), new Map()));
    expect(report).toContain('"almost all" means at least 90%');
    expect(report).not.toMatch(/most: 0\.9|slopeFactor: 0\.8/);
    expect(report).toContain(`Rule: ${ruleWords('H1')}`);
    expect(report).toContain('[the decision page](decision.html)');
    expect(evidenceDecision(evidence()).markdown).toContain(`- **C2** (event-collaboration): ${ruleWords('C2')}`);
  });
});
