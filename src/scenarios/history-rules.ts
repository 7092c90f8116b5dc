import type { HistoryEntry } from './api-client.js';

/** The history rules, as a `check` step names them. */
export const HISTORY_RULE_NAMES = ['statuses-in-order', 'final-stays-final', 'repeat-key-first-answer', 'cancelled-never-received'] as const;
export type HistoryRule = (typeof HISTORY_RULE_NAMES)[number];

/**
 * The rules judged on the history the client saw (every answer, in the order the answers came), not
 * only on the state at the end. Each is named as a `check` step names it, and written once here.
 */
export const HISTORY_RULES = {
  /** Every status a client was shown for an order follows a path the order can take (pending → succeeded or failed; created → paid → reserved → delivering → done, or cancelled before done), in the order the answers came. */
  'statuses-in-order': statusesInOrder,
  /** Once a client was shown a final status (succeeded, failed, done, cancelled), every later answer shows the same. */
  'final-stays-final': finalStaysFinal,
  /** A request repeated by its user with the same Idempotency-Key and body gets the first definite answer again: the same status, and for an order the same order. */
  'repeat-key-first-answer': repeatKeyFirstAnswer,
  /** An order a client was shown cancelled is never confirmed as received (204), and never shown delivering or done afterwards. */
  'cancelled-never-received': cancelledNeverReceived,
} satisfies Record<HistoryRule, (history: readonly HistoryEntry[]) => string[]>;

/** One sight of an order's status: from a placement, a read, a listing or a cancel. */
interface Sight {
  id: string;
  status: string;
  at: number;
  startedAt: number;
  what: string;
}

const FINAL = new Set(['succeeded', 'failed', 'done', 'cancelled']);
const MOVES: Record<string, readonly string[]> = {
  pending: ['succeeded', 'failed'],
  created: ['paid', 'cancelled'],
  paid: ['reserved', 'cancelled'],
  reserved: ['delivering', 'cancelled'],
  delivering: ['done', 'cancelled'],
};

/** Can an order shown `from` later be shown `to` (the same, or any number of moves on)? */
function reachable(from: string, to: string): boolean {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length) {
    const at = queue.shift()!;
    if (at === to) return true;
    for (const next of MOVES[at] ?? []) if (!seen.has(next)) (seen.add(next), queue.push(next));
  }
  return false;
}

const ORDER_PATH = /^\/ordering\/orders\/([^/]+)(\/cancel)?$/;

/** Every status the history shows for each order, in the order the answers came. */
function sightsOf(history: readonly HistoryEntry[]): Map<string, Sight[]> {
  const sights = new Map<string, Sight[]>();
  const see = (entry: HistoryEntry, order: unknown, what: string) => {
    const o = order as { id?: unknown; status?: unknown } | undefined;
    if (typeof o?.id !== 'string' || typeof o.status !== 'string') return;
    sights.set(o.id, [...(sights.get(o.id) ?? []), { id: o.id, status: o.status, at: entry.endedAt, startedAt: entry.startedAt, what }]);
  };
  for (const entry of [...history].sort((a, b) => a.endedAt - b.endedAt)) {
    if (entry.status >= 500 || entry.status === 404) continue;
    const single = ORDER_PATH.exec(entry.path);
    if (entry.path === '/ordering/orders' && entry.method === 'POST') see(entry, entry.status === 422 ? entry.body?.order : entry.body, 'placed');
    else if (entry.path === '/ordering/orders' && entry.method === 'GET' && Array.isArray(entry.body)) for (const o of entry.body) see(entry, o, 'listed');
    else if (single && entry.status < 300) see(entry, entry.body, single[2] ? 'cancel answered' : 'read');
  }
  return sights;
}

/** Pairs of sights of one order where the second was asked after the first was answered. */
function* laterPairs(sights: Sight[]): Generator<[Sight, Sight]> {
  for (let i = 0; i < sights.length; i++) for (let j = i + 1; j < sights.length; j++) if (sights[j].startedAt >= sights[i].at) yield [sights[i], sights[j]];
}

function statusesInOrder(history: readonly HistoryEntry[]): string[] {
  const problems: string[] = [];
  for (const [id, sights] of sightsOf(history)) {
    for (const [a, b] of laterPairs(sights)) {
      if (FINAL.has(a.status) || reachable(a.status, b.status)) continue;
      problems.push(`order ${id} was shown ${a.status} (${a.what}) and later ${b.status} (${b.what}): an order never moves that way`);
      break;
    }
  }
  return problems;
}

function finalStaysFinal(history: readonly HistoryEntry[]): string[] {
  const problems: string[] = [];
  for (const [id, sights] of sightsOf(history)) {
    for (const [a, b] of laterPairs(sights)) {
      if (!FINAL.has(a.status) || a.status === b.status) continue;
      problems.push(`order ${id} was shown final ${a.status} (${a.what}) and later ${b.status} (${b.what})`);
      break;
    }
  }
  return problems;
}

function repeatKeyFirstAnswer(history: readonly HistoryEntry[]): string[] {
  const first = new Map<string, HistoryEntry>();
  const problems: string[] = [];
  const idOf = (e: HistoryEntry) => e.body?.id ?? e.body?.order?.id;
  for (const entry of [...history].sort((a, b) => a.endedAt - b.endedAt)) {
    if (!entry.key || entry.method !== 'POST' || entry.status >= 500 || entry.status === 401 || entry.status === 408) continue;
    // An order refused before it was made (a 4xx with no order: a malformed body) is not an answer the key keeps.
    if (entry.path === '/ordering/orders' && entry.status >= 400 && !entry.body?.order) continue;
    const key = `${entry.token ?? ''} ${entry.path} ${entry.key} ${entry.sent ?? ''}`;
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, entry);
      continue;
    }
    // An order answered 202 (under way) may be answered with its outcome on a repeat; the same order it must be.
    const sameClass = earlier.status === entry.status || (entry.path === '/ordering/orders' && [201, 202, 422].includes(earlier.status) && [200, 201, 202, 422].includes(entry.status));
    if (!sameClass) problems.push(`${entry.path} with key ${entry.key} was answered ${earlier.status}, then ${entry.status} when asked again`);
    else if (idOf(earlier) !== idOf(entry)) problems.push(`${entry.path} with key ${entry.key} made order ${idOf(earlier)}, then answered with order ${idOf(entry)} when asked again`);
  }
  return problems;
}

function cancelledNeverReceived(history: readonly HistoryEntry[]): string[] {
  const problems: string[] = [];
  const sights = sightsOf(history);
  for (const entry of history) {
    const received = /^\/delivery\/orders\/([^/]+)\/received$/.exec(entry.path);
    if (!received || entry.status >= 300) continue;
    const cancelled = (sights.get(received[1]) ?? []).find((s) => s.status === 'cancelled');
    if (cancelled) problems.push(`order ${received[1]} was confirmed received (${entry.status}) and shown cancelled (${cancelled.what})`);
  }
  for (const [id, list] of sights) {
    for (const [a, b] of laterPairs(list)) {
      if (a.status === 'cancelled' && (b.status === 'delivering' || b.status === 'done')) {
        problems.push(`order ${id} was shown cancelled (${a.what}) and later ${b.status} (${b.what})`);
        break;
      }
    }
  }
  return problems;
}

/** Judges the named rules on a history: what did not hold, each naming its rule. */
export function judgeHistory(rules: readonly string[], history: readonly HistoryEntry[]): string[] {
  return rules.filter((r): r is HistoryRule => r in HISTORY_RULES).flatMap((rule) => HISTORY_RULES[rule](history).map((p) => `${rule}: ${p}`));
}
