import { describe, expect, test } from 'vitest';
import { CLAIMS } from '../../src/evidence/claims.js';
import { THRESHOLDS as T } from '../../src/evidence/conditions.js';
import { completedWithout, PARTS } from '../../src/evidence/experiments/parts-stopped.js';
import { judge, RULES, statementOf } from '../../src/evidence/rules.js';
import type { RuleInput, StyleFigures, VerdictKind } from '../../src/evidence/verdict.js';

const SETTINGS = { slowMs: 200, latencySteps: [0, 20, 40] };
const style = (name: string, figures: Record<string, number>, traits: string[] = []): StyleFigures => ({ style: name, traits, figures, samples: Object.fromEntries(Object.keys(figures).map((id) => [id, 10])) });
const input = (figures: Record<string, number>, others: StyleFigures[] = []): RuleInput => ({ own: style('judged', figures), others, settings: SETTINGS });
const kind = (claim: string, figures: Record<string, number>, others?: StyleFigures[]): VerdictKind => judge(claim, input(figures, others)).kind;
/** Just below a threshold `t` of a "at least" rule. */
const below = (t: number) => t - 0.001;

describe('every claim has a rule, stated in words', () => {
  test.each(CLAIMS.map((c) => c.id))('%s', (id) => {
    expect(RULES[id].conditions.length).toBeGreaterThan(0);
    expect(statementOf(RULES[id])).toMatch(/^Parts: \(1\) /);
  });
});

describe('parts combine: all met holds, none met does not hold, some holds only in part, none measured is not judged', () => {
  test('H3: slow and stopped notification', () => {
    expect(kind('H3', { notificationDelayMs: T.slowed * 200, notificationDownFailShare: T.half })).toBe('holds');
    expect(kind('H3', { notificationDelayMs: below(T.slowed * 200), notificationDownFailShare: below(T.half) })).toBe('does-not-hold');
    const partly = judge('H3', input({ notificationDelayMs: 200, notificationDownFailShare: 0 }));
    expect(partly.kind).toBe('holds-only-when');
    expect(partly.text).toMatch(/^met: a slowed notification .*\(added: 200 ms\)\. not met: at least 50% of orders are answered with an error .*\(answered with an error: 0%\)$/);
    expect(kind('H3', {})).toBe('not-judged');
  });
  test('a figure resting on no sample is not measured', () => {
    const own: StyleFigures = { style: 'judged', traits: [], figures: { copiesPerRegistration: 1 }, samples: { copiesPerRegistration: 0 } };
    expect(judge('C3', { own, others: [], settings: SETTINGS }).kind).toBe('not-judged');
  });
  test('a part not tried leaves the others: met ones hold only in part, and it is named', () => {
    const v = judge('N1', input({ brokeredShare: 1 }));
    expect(v.kind).toBe('holds-only-when');
    expect(v.text).toContain('not tried: three billing instances');
  });
});

describe('each rule on both sides of its thresholds', () => {
  test('H1: definite answers, hops inside the request, no broker', () => {
    const yes = { definiteShare: T.most, afterAnswerShare: T.inside, messagesPerOrder: 0 };
    expect(kind('H1', yes)).toBe('holds');
    expect(kind('H1', { ...yes, definiteShare: below(T.most) })).toBe('holds-only-when');
    expect(kind('H1', { definiteShare: 0, afterAnswerShare: T.inside + 0.01, messagesPerOrder: 1 })).toBe('does-not-hold');
  });
  test('H2: slope against hops waited through, and a long chain', () => {
    expect(kind('H2', { answerSlope: T.slopeFactor * 4, waitedHops: 4 })).toBe('holds');
    expect(kind('H2', { answerSlope: below(T.slopeFactor * 4), waitedHops: 4 })).toBe('holds-only-when');
    expect(kind('H2', { answerSlope: 1, waitedHops: 1 })).toBe('holds-only-when');
    expect(kind('H2', { answerSlope: 0.5, waitedHops: T.chain - 1 })).toBe('does-not-hold');
  });
  test('H4: coupling, blocking, failing with billing', () => {
    expect(kind('H4', { restBetweenPerOrder: 2, waitedHops: T.chain, billingDownFailedShare: T.half })).toBe('holds');
    expect(kind('H4', { restBetweenPerOrder: 1, waitedHops: T.chain - 1, billingDownFailedShare: below(T.half) })).toBe('does-not-hold');
  });
  test('N1 and G1: through the broker, and scaling when measured', () => {
    expect(kind('N1', { brokeredShare: T.half, scaleRatio: T.scaleGain })).toBe('holds');
    expect(kind('N1', { brokeredShare: below(T.half), scaleRatio: below(T.scaleGain) })).toBe('does-not-hold');
    expect(kind('G1', { sagaBrokeredShare: T.half, scaleRatio: T.scaleGain })).toBe('holds');
    expect(kind('G1', { sagaBrokeredShare: 0.8, scaleRatio: 1 })).toBe('holds-only-when');
  });
  test('N2: a slowed notification and a slowed billing leave the answers alone', () => {
    const limit = T.unaffected * 200;
    expect(kind('N2', { notificationDelayMs: below(limit), registrationDelayMs: -5 })).toBe('holds');
    expect(kind('N2', { notificationDelayMs: limit, registrationDelayMs: 200 })).toBe('does-not-hold');
  });
  test('N3, Y1: correlation state and messages at the gateway', () => {
    expect(kind('N3', { correlationPerRequest: T.half, gatewayMessagesPerOrder: 1 })).toBe('holds');
    expect(kind('N3', { correlationPerRequest: below(T.half), gatewayMessagesPerOrder: 0 })).toBe('does-not-hold');
    expect(kind('Y1', { correlationPerRequest: 0, gatewayMessagesPerOrder: 0 })).toBe('holds');
    expect(kind('Y1', { correlationPerRequest: 0, gatewayMessagesPerOrder: 1 })).toBe('holds-only-when');
    expect(kind('Y1', { correlationPerRequest: 1, gatewayMessagesPerOrder: 2 })).toBe('does-not-hold');
  });
  test('N4, C1, Y3: calls between services and calls by billing', () => {
    expect(kind('N4', { restBetweenPerOrder: 1, billingCallsPerOrder: 1 })).toBe('holds');
    expect(kind('N4', { restBetweenPerOrder: 0, billingCallsPerOrder: 0 })).toBe('does-not-hold');
    expect(kind('C1', { restBetweenPerOrder: 0, restBetweenPerRegistration: 0, billingCallsPerOrder: 0, brokeredShare: 1, scaleRatio: T.scaleGain })).toBe('holds');
    expect(kind('C1', { restBetweenPerOrder: 0, restBetweenPerRegistration: 1, billingCallsPerOrder: 1, brokeredShare: below(T.half), scaleRatio: 1 })).toBe('does-not-hold');
    expect(kind('Y3', { billingCallsPerOrder: 0 })).toBe('holds');
    expect(kind('Y3', { billingCallsPerOrder: 1 })).toBe('does-not-hold');
  });
  test('N5: against the all-REST style, else the fastest other, at the smallest and largest added latency', () => {
    const http = style('http', { 'answerMs@0': 20, 'answerMs@40': 180 }, ['all-rest']);
    const hybrid = style('hybrid', { 'answerMs@0': 5, 'answerMs@40': 50 });
    expect(kind('N5', { deliveriesBeforeAnswer: 1, 'answerMs@0': 21, 'answerMs@40': 181 }, [hybrid, http])).toBe('holds');
    expect(kind('N5', { deliveriesBeforeAnswer: 0, 'answerMs@0': 20, 'answerMs@40': 180 }, [hybrid, http])).toBe('does-not-hold');
    expect(kind('N5', { deliveriesBeforeAnswer: 1, 'answerMs@0': 6, 'answerMs@40': 49 }, [hybrid])).toBe('holds-only-when');
    expect(judge('N5', input({ deliveriesBeforeAnswer: 1, 'answerMs@0': 6, 'answerMs@40': 49 })).text).toContain('not tried');
  });
  test('N6, C4, Y4: the account race', () => {
    const race = { accountAfterAnswerSlowShare: T.half, registeredWhileBillingDownShare: T.half, firstUseFailShare: 0.1 };
    const none = { accountAfterAnswerSlowShare: below(T.half), registeredWhileBillingDownShare: below(T.half), firstUseFailShare: 0 };
    expect(kind('N6', race)).toBe('holds');
    expect(kind('N6', { ...race, firstUseFailShare: 0 })).toBe('holds-only-when');
    expect(kind('N6', none)).toBe('does-not-hold');
    expect(kind('C4', { ...race, correlationPerRequest: 1 })).toBe('holds');
    expect(kind('C4', { ...none, correlationPerRequest: 0 })).toBe('does-not-hold');
    expect(kind('Y4', { ...race, copiesPerRegistration: 1 })).toBe('holds');
    expect(kind('Y4', { ...none, copiesPerRegistration: 0 })).toBe('does-not-hold');
  });
  test('C2, C3, G2: reads, copies, callers in the saga', () => {
    expect(kind('C2', { readsPerRequest: 0 })).toBe('holds');
    expect(kind('C2', { readsPerRequest: 0.5 })).toBe('does-not-hold');
    expect(kind('C3', { copiesPerRegistration: 1 })).toBe('holds');
    expect(kind('C3', { copiesPerRegistration: 0.9 })).toBe('does-not-hold');
    expect(kind('G2', { sagaRestPeers: 0 })).toBe('holds');
    expect(kind('G2', { sagaRestPeers: 1 })).toBe('does-not-hold');
  });
  test('C5: resilient, asynchronous, harder to follow, status tracked, scaling', () => {
    const yes = { billingDownSucceededShare: T.most, billingDownConsistent: 1, restBetweenPerOrder: 0, messagesPerOrder: T.messages, definiteShare: 1, billingDownMisleadingShare: T.half, scaleRatio: T.scaleGain };
    expect(kind('C5', yes)).toBe('holds');
    expect(kind('C5', { ...yes, billingDownConsistent: 0 })).toBe('holds-only-when');
    expect(kind('C5', { billingDownSucceededShare: below(T.most), billingDownConsistent: 1, restBetweenPerOrder: 1, messagesPerOrder: T.messages - 1, definiteShare: T.most, billingDownMisleadingShare: below(T.half), scaleRatio: 1 })).toBe(
      'does-not-hold',
    );
  });
  test('Y2: answered later, learned by polling or push', () => {
    expect(kind('Y2', { definiteShare: 1 - T.most, readsToLearn: 1, pushAvailable: 0 })).toBe('holds');
    expect(kind('Y2', { definiteShare: 0, readsToLearn: 0, pushAvailable: 1 })).toBe('holds');
    expect(kind('Y2', { definiteShare: 1, readsToLearn: 0, pushAvailable: 0 })).toBe('does-not-hold');
  });
  test('S1: notification never blocks, a definite answer, an order beyond the balance refused at once', () => {
    const limit = T.unaffected * 200;
    expect(kind('S1', { notificationDelayMs: below(limit), notificationDownFailShare: 0, definiteShare: T.most, refusedAtOnceShare: T.most })).toBe('holds');
    expect(kind('S1', { notificationDelayMs: limit, notificationDownFailShare: 0, definiteShare: 1, refusedAtOnceShare: 1 })).toBe('holds-only-when');
    expect(kind('S1', { notificationDelayMs: 1, notificationDownFailShare: 0, definiteShare: 1, refusedAtOnceShare: below(T.most) })).toBe('holds-only-when');
    expect(kind('S1', { notificationDelayMs: 1, notificationDownFailShare: 0.1, definiteShare: below(T.most), refusedAtOnceShare: 0 })).toBe('does-not-hold');
  });
  test('G3: no service but the broker is a single point of failure, and all is consistent after every stop; the text names them', () => {
    const stops = (completed: Record<string, number>) => Object.fromEntries(PARTS.map((p) => [completedWithout(p), completed[p] ?? 1]));
    expect(kind('G3', { singlePoints: 0, partsStoppedConsistent: 1, ...stops({ broker: 0, billing: T.half }) })).toBe('holds');
    const order = judge('G3', input({ singlePoints: 1, partsStoppedConsistent: 1, ...stops({ order: 0, broker: 0 }) }));
    expect(order.kind).toBe('holds-only-when');
    expect(order.text).toMatch(/^met: everything is consistent .*\(consistent after every stop: yes\)\. not met: no part but the broker is a single point of failure.*\(single points of failure: 1 \(order: 0% completed\); without the broker 0% completed\)$/);
    expect(kind('G3', { singlePoints: 2, partsStoppedConsistent: 0, ...stops({ order: 0, stock: below(T.half) }) })).toBe('does-not-hold');
    expect(kind('G3', {})).toBe('not-judged');
  });
  test('G4: every step of a cancelled saga undone, and the undos declared in one place; the text shows what a cancel takes', () => {
    const choreography = { cancelReachedShare: 1, cancelServices: 4, cancelMessages: 1.5, cancelRestCalls: 0, undoPlaces: 1, undoHops: 2 };
    const holds = judge('G4', input(choreography));
    expect(holds.kind).toBe('holds');
    expect(holds.text).toContain('(100% undone wherever a step was done; per cancel 4 services, 1.50 messages, 0 REST calls)');
    const http = judge('G4', input({ ...choreography, cancelServices: 3.5, cancelMessages: 0, cancelRestCalls: 3, undoPlaces: 3, undoHops: 4 }));
    expect(http.kind).toBe('holds-only-when');
    expect(http.text).toContain('not met: the style declares its undos in at most one place (one shared channel): at most one link carries compensating calls or messages (links that declare an undo: 3 (4 undoing calls or message types))');
    expect(kind('G4', { ...choreography, cancelReachedShare: below(1), undoPlaces: 2 })).toBe('does-not-hold');
  });
  test('S2: the order fails without billing, and more infrastructure', () => {
    expect(kind('S2', { billingDownFailedShare: T.most, restBetweenPerOrder: 1, messagesPerOrder: 1 })).toBe('holds');
    expect(kind('S2', { billingDownFailedShare: below(T.most), restBetweenPerOrder: 1, messagesPerOrder: 0 })).toBe('does-not-hold');
  });
});
