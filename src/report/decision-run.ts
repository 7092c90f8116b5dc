import { latencySpread, type LatencySpread } from '../scenarios/summary.js';
import { differentPaths, plainRow, rankSpreads, timeRow, type AnswerKind, type DecisionRow, type DecisionTable } from './decision-rank.js';
import { DECISION_ROWS, type ActionSample, type DecisionRowKey } from './decision-samples.js';
import { ms } from './text.js';

/** One style's samples. */
export interface StyleSamples {
  variant: string;
  samples: ActionSample[];
}

/** What each row is, for people. */
export const ROW_TITLES: Record<DecisionRowKey, string> = {
  register: 'register',
  deposit: 'deposit',
  order: 'order, paid',
  'order refused': 'order, refused (not enough money)',
  'order with items': 'order with items, sent out',
  'order with items cancelled': 'order with items, cancelled',
};

const ORDER_ROWS: DecisionRowKey[] = ['order', 'order refused', 'order with items', 'order with items cancelled'];

const spreadOf = (values: number[]): LatencySpread | undefined => (values.length ? latencySpread(values) : undefined);
const kindOf = (samples: ActionSample[]): AnswerKind | undefined =>
  samples.length === 0 ? undefined : samples.every((s) => s.pending) ? 'pending' : samples.some((s) => s.pending) ? 'mixed' : 'final';
const per = (samples: ActionSample[], pick: (s: ActionSample) => number) => Math.round((samples.reduce((n, s) => n + pick(s), 0) / samples.length) * 10) / 10;

/** The rows of one action: first answer; for orders the outcome and the notification; what it caused. */
function rowsOf(key: DecisionRowKey, styles: string[], mine: ActionSample[][]): DecisionRow[] {
  const action = ROW_TITLES[key];
  const kinds = mine.map(kindOf);
  const statuses = mine.map((ss) => (ss.length ? `answers: ${[...new Set(ss.map((s) => s.status))].join(', ')}` : undefined));
  const rows = [timeRow(action, 'first answer', styles, mine.map((ss) => spreadOf(ss.map((s) => s.answerMs))), ms, { unranked: differentPaths(styles, kinds), details: statuses })];
  if (ORDER_ROWS.includes(key) || kinds.some((k) => k !== 'final' && k !== undefined)) {
    const known = mine.map((ss) => ss.filter((s) => s.outcomeMs !== undefined));
    const lost = mine.map((ss, i) => (ss.length > known[i].length ? `${ss.length - known[i].length} of ${ss.length} not settled in the recording` : undefined));
    const how = kinds.map((k, i) => [k === 'final' ? 'the answer said it' : k ? 'from the recording: until the order settled' : undefined, lost[i]].filter(Boolean).join('; ') || undefined);
    rows.push(timeRow(action, 'outcome known', styles, known.map((ss) => spreadOf(ss.map((s) => s.outcomeMs!))), ms, { details: how }));
  }
  const notified = mine.map((ss) => ss.flatMap((s) => (s.notifiedMs === undefined ? [] : [s.notifiedMs])));
  if (notified.some((n) => n.length)) rows.push(timeRow(action, 'notification stored', styles, notified.map(spreadOf), ms));
  rows.push(
    plainRow(
      action,
      'calls · messages',
      mine.map((ss) => (ss.length ? { text: `${per(ss, (s) => s.http)} http · ${per(ss, (s) => s.messages)} msg`, sub: `mean of n=${ss.length}` } : undefined)),
      'HTTP calls (the client\'s own included) and broker messages per action: what it costs, not ranked',
    ),
  );
  return rows;
}

/** The side by side of the clean scenarios: a row per compared action and measure, fault scenarios left out. */
export function sideBySide(styles: StyleSamples[], faults: Set<string>): DecisionTable {
  const names = styles.map((s) => s.variant);
  const clean = styles.map((s) => s.samples.filter((x) => !faults.has(x.scenario) && x.row));
  const rows = DECISION_ROWS.flatMap((key) => {
    const mine = clean.map((ss) => ss.filter((s) => s.row === key));
    return mine.some((ss) => ss.length) ? rowsOf(key, names, mine) : [];
  });
  return { styles: names, rows };
}

/** How the orders of one fault scenario went on one style. */
export interface FaultCell {
  passed: boolean;
  /** Orders placed: answered 2xx or 422, or answered with an error yet created. */
  orders: number;
  completed: number;
  refused: number;
  pending: number;
  /** Answers that were errors (5xx): tries the client made again, or orders told a failure. */
  errors: number;
  /** Of those, orders that went on all the same (told a failure, yet created). */
  errorsWentOn: number;
  answer?: LatencySpread;
  outcome?: LatencySpread;
}

/** One fault scenario on every style: what its faults did to orders. */
export interface FaultRow {
  scenario: string;
  title: string;
  faults: string;
  cells: (FaultCell | undefined)[];
  /** The styles under the same fault, ranked by when the outcome of an order was known (like with like: first answers of 202 and 201 are not); why not, when not. */
  ranking: { line: string; why: string };
}

const COMPLETED = new Set(['succeeded', 'delivering', 'done']);

/** What a stopped or slowed service did to each style's orders, per fault scenario (apart from the ranking). */
export function faultRows(
  styles: StyleSamples[],
  scenarios: { name: string; title: string; faults: string; passed: (boolean | undefined)[] }[],
): FaultRow[] {
  return scenarios.map(({ name, title, faults, passed }) => withRanking(styles.map((s) => s.variant), {
    scenario: name,
    title,
    faults,
    cells: styles.map((style, i): FaultCell | undefined => {
      if (passed[i] === undefined) return undefined;
      const tries = style.samples.filter((s) => s.scenario === name && s.kind === 'order');
      const orders = tries.filter((o) => o.status < 500 || o.ended);
      const settled = (o: ActionSample) => !!o.ended && (COMPLETED.has(o.ended) || o.ended === 'failed' || o.ended === 'cancelled');
      // An order left unsettled has no outcome to be known: it is counted, never timed (nor ranked as fast).
      const known = orders.filter((o) => o.outcomeMs !== undefined && settled(o));
      const completed = orders.filter((o) => o.ended && COMPLETED.has(o.ended)).length;
      const refused = orders.filter((o) => o.ended === 'failed' || o.ended === 'cancelled').length;
      return {
        passed: passed[i]!,
        orders: orders.length,
        completed,
        refused,
        pending: orders.length - completed - refused,
        errors: tries.filter((o) => o.status >= 500).length,
        errorsWentOn: tries.filter((o) => o.status >= 500 && o.ended).length,
        ...(orders.length ? { answer: latencySpread(orders.map((o) => o.answerMs)) } : {}),
        ...(known.length ? { outcome: latencySpread(known.map((o) => o.outcomeMs!)) } : {}),
      };
    }),
  }));
}

/** A fault row with its ranking by outcome known, the same rule as the clean rows'. */
function withRanking(styles: string[], row: Omit<FaultRow, 'ranking'>): FaultRow {
  const { line, verdict } = rankSpreads(styles, row.cells.map((c) => c?.outcome), (n) => n.toFixed(1));
  return { ...row, ranking: { line: line && `${line} ms`, why: `by outcome known: ${verdict}` } };
}

/** One link of a style's plan: who reaches whom, by REST or through the broker. */
export interface PlanLink {
  from: string;
  to: string;
  by: 'rest' | 'broker';
}

/** Which services a style couples: REST pairs between services (the caller waits for its callee), pairs through the broker, and how many services the gateway reaches each way. */
export interface Coupling {
  rest: string[];
  broker: string[];
  gatewayRest: number;
  gatewayBroker: number;
}

/** The coupling of a style's plan, its client left out; pairs in both directions are kept apart. */
export function couplingOf(links: PlanLink[]): Coupling {
  const pairs = (by: PlanLink['by'], gateway: boolean) =>
    [...new Set(links.filter((l) => l.by === by && l.from !== l.to && l.from !== 'Client' && (l.from === 'Gateway' || l.to === 'Gateway') === gateway).map((l) => `${l.from}→${l.to}`))].sort();
  const gateway = (by: PlanLink['by']) => new Set(pairs(by, true).flatMap((p) => p.split('→')).filter((x) => x !== 'Gateway')).size;
  return { rest: pairs('rest', false), broker: pairs('broker', false), gatewayRest: gateway('rest'), gatewayBroker: gateway('broker') };
}
