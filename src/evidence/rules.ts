import { answerAt } from './experiments/per-hop-latency.js';
import { figureOf, num, on, onAll, pct, referenceOf, THRESHOLDS as T } from './conditions.js';
import { cancelReaches, consistentAfterStops, noSinglePoint, undoInOnePlace } from './saga-conditions.js';
import { COMBINING, judgeConditions, type Condition, type RuleInput, type Verdict } from './verdict.js';

/** A verdict rule: its parts (each with its threshold in words) and how they combine. */
export interface Rule {
  conditions: Condition[];
}

const ms = (n: number) => `${num(n)} ms`;
const slowPart = (slowMs: number) => (n: number) => `${ms(n)} of ${slowMs} ms`;

const definite = on('definiteShare', `at least ${pct(T.most)} of orders are answered with their outcome (201/422)`, 'answered with the outcome:', (v) => v >= T.most, pct);
const inside = on('afterAnswerShare', `at most ${pct(T.inside)} of an order's hops end after its answer (proxy for "simple to debug": the whole story is one request, read top to bottom)`, 'hops after the answer:', (v) => v <= T.inside, pct);
const noBroker = on('messagesPerOrder', 'an order puts no message on a broker (proxy for "simple to build": REST calls only)', 'messages per order:', (v) => v === 0);
const sumOfHops = onAll(
  ['answerSlope', 'waitedHops'],
  `the answer grows by at least ${T.slopeFactor} × the number of service hops it waits through, per ms added to each hop (it is their sum)`,
  ([slope, hops]) => slope >= T.slopeFactor * hops,
  ([slope, hops]) => `slope ${slope === undefined ? 'not measured' : `${num(slope)} ms/ms`} for ${hops === undefined ? '?' : `${num(hops)} hop${hops === 1 ? '' : 's'}`}`,
);
const longChain = on('waitedHops', `the answer waits through at least ${T.chain} service hops`, 'hops waited through:', (v) => v >= T.chain);
const slowNotificationSlows = on('notificationDelayMs', `a slowed notification adds at least ${pct(T.slowed)} of its added latency to the answer`, 'added:', (v, i) => v >= T.slowed * i.settings.slowMs, ms);
const stoppedNotificationFails = on('notificationDownFailShare', `at least ${pct(T.half)} of orders are answered with an error (not 2xx) while notification is stopped`, 'answered with an error:', (v) => v >= T.half, pct);
const coupled = on('restBetweenPerOrder', 'an order makes at least 2 REST calls between services (one service drives the others: orchestration, control coupling)', 'REST calls between services per order:', (v) => v >= 2);
const billingDownFails = (share: number) => on('billingDownFailedShare', `at least ${pct(share)} of orders are answered with an error (not 2xx) while billing is stopped`, 'answered with an error:', (v) => v >= share, pct);
const brokerDiscovers = on('brokeredShare', `at least ${pct(T.half)} of hand-overs between services go through the broker (callers need no address of their callee)`, 'through the broker:', (v) => v >= T.half, pct);
const scales = (id: string) => on(id, `three billing instances complete at least ${T.scaleGain}× the orders/s of one (billing the bottleneck, at the stated capacity)`, 'billing ×3 / ×1:', (v) => v >= T.scaleGain, (v) => `${v.toFixed(2)}×`);
const notificationUnaffected = on('notificationDelayMs', `a slowed notification adds less than ${pct(T.unaffected)} of its added latency to the answer`, 'added:', (v, i) => v < T.unaffected * i.settings.slowMs, ms);
const registrationUnaffected = on('registrationDelayMs', `a slowed billing adds less than ${pct(T.unaffected)} of its added latency to the registration's answer (the account is opened asynchronously)`, 'added:', (v, i) => v < T.unaffected * i.settings.slowMs, ms);
const correlation = on('correlationPerRequest', `the gateway matches a reply by correlation id for at least ${pct(T.half)} of client requests (state it keeps per request)`, 'replies matched per request:', (v) => v >= T.half);
const gatewayOnBroker = on('gatewayMessagesPerOrder', 'the gateway sends or receives at least one message per order', 'gateway messages per order:', (v) => v >= 1);
const restCalls = on('restBetweenPerOrder', 'an order still makes at least one REST call between services', 'REST calls between services per order:', (v) => v >= 1);
const billingCalls = on('billingCallsPerOrder', 'billing calls another service during an order (it knows of ordering)', 'billing calls per order:', (v) => v >= 1);
const noRestCalls = onAll(
  ['restBetweenPerOrder', 'restBetweenPerRegistration'],
  'no REST call between services in a registration or an order',
  ([o, r]) => o === 0 && r === 0,
  ([o, r]) => `per order ${o === undefined ? '?' : num(o)}, per registration ${r === undefined ? '?' : num(r)}`,
);
const billingCallsNobody = on('billingCallsPerOrder', 'billing calls no other service during an order (it knows nothing of who asked)', 'billing calls per order:', (v) => v === 0);
const noReads = on('readsPerRequest', 'services read nothing from other services during a registration or an order', 'reads per request:', (v) => v === 0);
const copies = on('copiesPerRegistration', 'a service keeps its own copy of each new user', 'copies per registration:', (v) => v >= 1);
const accountLate = on('accountAfterAnswerSlowShare', `with billing slowed, at least ${pct(T.half)} of clients are told they are registered before their account exists`, 'opened after the answer:', (v) => v >= T.half, pct);
const acceptedWithoutBilling = on('registeredWhileBillingDownShare', `at least ${pct(T.half)} of registrations are accepted while billing is stopped (their accounts are missing until it is back)`, 'accepted:', (v) => v >= T.half, pct);
const firstUseFails = on('firstUseFailShare', 'a deposit sent the instant registration answered sometimes finds no account', 'found no account:', (v) => v > 0, pct);
const account = [accountLate, acceptedWithoutBilling, firstUseFails];
const resilient = onAll(
  ['billingDownSucceededShare', 'billingDownConsistent'],
  `at least ${pct(T.most)} of orders placed while billing was stopped end succeeded once it is back, and everything is consistent (resilient)`,
  ([s, c]) => s >= T.most && c === 1,
  ([s, c]) => `${s === undefined ? '?' : pct(s)} succeeded, ${c === 1 ? 'consistent' : 'NOT consistent'}`,
);
const asyncBetween = on('restBetweenPerOrder', 'an order makes no REST call between services (asynchronous between them)', 'REST calls between services per order:', (v) => v === 0);
const hardToFollow = on('messagesPerOrder', `an order crosses the broker at least ${T.messages} times (proxy for "harder to debug": its story is spread over messages)`, 'messages per order:', (v) => v >= T.messages);
const statusTracked = onAll(
  ['definiteShare', 'billingDownMisleadingShare'],
  `the answer is not the last word: fewer than ${pct(T.most)} of answers carry the outcome, or at least ${pct(T.half)} of orders told of a failure while billing was stopped ended succeeded (the client must track the order's status)`,
  ([d, m]) => d < T.most || m >= T.half,
  ([d, m]) => `${d === undefined ? '?' : pct(d)} with the outcome, ${m === undefined ? '?' : pct(m)} told a failure yet succeeded`,
);
const noCorrelation = on('correlationPerRequest', 'the gateway matches no reply by correlation id (no correlation state)', 'replies matched per request:', (v) => v === 0);
const gatewayOffBroker = on('gatewayMessagesPerOrder', 'the gateway sends and receives no message (a plain proxy)', 'gateway messages per order:', (v) => v === 0);
const answeredLater = on('definiteShare', `at most ${pct(1 - T.most)} of orders are answered with their outcome (the rest 202: the outcome comes later)`, 'answered with the outcome:', (v) => v <= 1 - T.most, pct);
const learnsLater = onAll(
  ['readsToLearn', 'pushAvailable'],
  'the client learns the outcome by polling the order or by push',
  ([r, p]) => r >= 1 || p === 1,
  ([r, p]) => `${r === undefined ? '?' : num(r)} reads per order${p === 1 ? ', pushed' : ', no push'}`,
);
const neverBlocks = onAll(
  ['notificationDelayMs', 'notificationDownFailShare'],
  `notification never blocks the order: slowed, it adds less than ${pct(T.unaffected)} of its added latency, and stopped, no order fails`,
  ([d, f], i) => d < T.unaffected * i.settings.slowMs && f === 0,
  ([d, f], i) => `${d === undefined ? '?' : slowPart(i.settings.slowMs)(d)} added, ${f === undefined ? '?' : pct(f)} failed`,
);
const refusedAtOnce = on('refusedAtOnceShare', `at least ${pct(T.most)} of orders beyond the balance are refused in the answer (422: the balance was checked at once)`, 'refused at once:', (v) => v >= T.most, pct);
const moreInfrastructure = onAll(
  ['restBetweenPerOrder', 'messagesPerOrder'],
  'an order uses both REST calls between services and a broker (more infrastructure)',
  ([r, m]) => r >= 1 && m >= 1,
  ([r, m]) => `${r === undefined ? '?' : num(r)} REST calls, ${m === undefined ? '?' : num(m)} messages per order`,
);
const sagaBrokered = on('sagaBrokeredShare', `at least ${pct(T.half)} of the saga's hand-overs come from the broker (an added instance consumes from the same queue)`, 'through the broker:', (v) => v >= T.half, pct);
const sagaNoPeers = on('sagaRestPeers', 'no service calls another during the saga (nobody needs another\'s address)', 'caller→callee pairs:', (v) => v === 0);

/** N5: slower than the reference style (the all-REST one, else the fastest other), at no added latency and at the largest. */
function slowerThanReference(at: 'least' | 'most'): Condition {
  const step = (input: RuleInput) => (at === 'least' ? Math.min(...input.settings.latencySteps) : Math.max(...input.settings.latencySteps));
  return {
    says: `its answer's median is longer than the reference style's (the all-REST one, else the fastest other) at the ${at === 'least' ? 'smallest' : 'largest'} latency added per hop`,
    test: (input) => {
      const id = answerAt(step(input));
      const mine = figureOf(input.own, id);
      const ref = referenceOf(input, id);
      return mine === undefined || !ref ? undefined : mine > figureOf(ref, id)!;
    },
    shows: (input) => {
      const id = answerAt(step(input));
      const ref = referenceOf(input, id);
      const mine = figureOf(input.own, id);
      return ref ? `${mine === undefined ? '?' : ms(mine)} against ${ref.style}'s ${ms(figureOf(ref, id)!)} at +${step(input)} ms` : 'no other style to compare with';
    },
  };
}
const waitsForBroker = on('deliveriesBeforeAnswer', 'the answer waits for at least one broker delivery', 'deliveries before the answer:', (v) => v >= 1);

/** The rule of every claim, by claim id. */
export const RULES: Record<string, Rule> = {
  H1: { conditions: [definite, inside, noBroker] },
  H2: { conditions: [sumOfHops, longChain] },
  H3: { conditions: [slowNotificationSlows, stoppedNotificationFails] },
  H4: { conditions: [coupled, longChain, billingDownFails(T.half)] },
  N1: { conditions: [brokerDiscovers, scales('scaleRatio')] },
  N2: { conditions: [notificationUnaffected, registrationUnaffected] },
  N3: { conditions: [correlation, gatewayOnBroker] },
  N4: { conditions: [restCalls, billingCalls] },
  N5: { conditions: [waitsForBroker, slowerThanReference('least'), slowerThanReference('most')] },
  N6: { conditions: account },
  C1: { conditions: [noRestCalls, billingCallsNobody, brokerDiscovers, scales('scaleRatio')] },
  C2: { conditions: [noReads] },
  C3: { conditions: [copies] },
  C4: { conditions: [...account, correlation] },
  C5: { conditions: [resilient, asyncBetween, hardToFollow, statusTracked, scales('scaleRatio')] },
  Y1: { conditions: [noCorrelation, gatewayOffBroker] },
  Y2: { conditions: [answeredLater, learnsLater] },
  Y3: { conditions: [billingCallsNobody] },
  Y4: { conditions: [...account, copies] },
  S1: { conditions: [neverBlocks, definite, refusedAtOnce] },
  S2: { conditions: [billingDownFails(T.most), moreInfrastructure] },
  G1: { conditions: [sagaBrokered, scales('scaleRatio')] },
  G2: { conditions: [sagaNoPeers] },
  G3: { conditions: [noSinglePoint, consistentAfterStops] },
  G4: { conditions: [cancelReaches, undoInOnePlace] },
};

/** A rule in words: its parts with their thresholds. */
export const statementOf = (rule: Rule) => `Parts: ${rule.conditions.map((c, i) => `(${i + 1}) ${c.says}`).join('; ')}.`;

/** A rule in words a reader understands: when its claim holds, holds only in part, and does not hold. */
export function words(rule: Rule): string {
  const says = rule.conditions.map((c) => c.says);
  if (says.length === 1) return `Holds when ${says[0]}; does not hold otherwise.`;
  return `Holds when ${says.length === 2 ? 'both' : `all ${says.length}`} are true: ${says.map((s, i) => `(${i + 1}) ${s}`).join('; ')}. Some true: holds only in part; none: does not hold.`;
}

/** The rule of claim `id` in words (see words). */
export const ruleWords = (id: string) => words(RULES[id]);

/** How rules combine, in words. */
export const RULES_COMBINE = COMBINING;

/** Applies the rule of claim `id` to one style's figures. */
export function judge(id: string, input: RuleInput): Verdict {
  const rule = RULES[id];
  if (!rule) throw new Error(`no rule for claim ${id}`);
  return judgeConditions(rule.conditions, input);
}
