import { ApiClient } from '../scenarios/api-client.js';
import type { BenchRun, LearnedBy, OutcomeProbe } from './bench-report-schema.js';
import { pollUntilFinal, pushUntilFinal } from './client-probe.js';
import { percentilesOf } from './percentiles.js';
import { spread } from './summaries.js';

/** What the probe learned, and the traces of the orders it placed (so the recording's figures can leave them out). */
export interface OutcomeProbeRun {
  probe: OutcomeProbe;
  traceIds: string[];
}

/** How a client of a style with these traits learns its order's outcome. */
export const learnedByOf = (traits: string[]): LearnedBy => (!traits.includes('answers-orders-later') ? 'answer' : traits.includes('pushes-order-status') ? 'push' : 'poll');

/**
 * One client next to a main load, ordering one order at a time for `seconds`, timing from its POST to the first
 * answer and to when it knows the outcome: the answer itself when it carries it (201 / 422); after a 202, the
 * final status told on the order's event stream (`by: 'push'`) or read by polling every `pollEveryMs` (`by: 'poll'`).
 * An order answered otherwise (5xx, a timeout), or whose outcome never came, counts as unlearned. Never rejects.
 */
export async function probeOutcome(url: string, token: string, options: { seconds: number; by: LearnedBy; pollEveryMs: number; signal?: AbortSignal }): Promise<OutcomeProbeRun> {
  const api = new ApiClient(url);
  const answers: number[] = [];
  const outcomes: number[] = [];
  const traceIds: string[] = [];
  let unlearned = 0;
  const until = performance.now() + options.seconds * 1000;
  while (performance.now() < until && !options.signal?.aborted) {
    const started = performance.now();
    try {
      const placed = await api.send('order', 'POST', '/ordering/orders', { token, body: { price: 0.01 } });
      traceIds.push(placed.traceId);
      const answered = performance.now() - started;
      const later = placed.status === 202 && typeof placed.body?.id === 'string';
      if (placed.status !== 201 && placed.status !== 422 && !later) {
        unlearned++;
        continue;
      }
      const id = placed.body?.id as string;
      const outcome = !later ? answered : options.by === 'push' ? await pushUntilFinal(api, token, id, started) : (await pollUntilFinal(api, token, id, options.pollEveryMs, started, options.signal)).ms;
      answers.push(answered);
      outcomes.push(outcome);
    } catch {
      unlearned++;
      await new Promise((r) => setTimeout(r, 10));
    } finally {
      api.actions.length = 0;
      api.history.length = 0;
    }
  }
  return {
    probe: {
      orders: outcomes.length,
      by: options.by,
      ...(options.by === 'poll' ? { pollEveryMs: options.pollEveryMs } : {}),
      answerMs: percentilesOf(answers),
      outcomeMs: percentilesOf(outcomes),
      unlearned,
    },
    traceIds,
  };
}

/** The outcome probes of a run's repeats: orders per repeat, and each repeat's p50/p99 as median and spread; undefined when none learned anything. */
export function summarizeOutcomes(probes: OutcomeProbe[]): BenchRun['summary']['outcome'] {
  const learned = probes.filter((p) => p.orders > 0);
  if (!learned.length) return undefined;
  const of = (pick: (p: OutcomeProbe) => number) => spread(learned.map(pick));
  return {
    by: learned[0].by,
    ...(learned[0].pollEveryMs ? { pollEveryMs: learned[0].pollEveryMs } : {}),
    orders: spread(probes.map((p) => p.orders)),
    answerP50: of((p) => p.answerMs.p50),
    answerP99: of((p) => p.answerMs.p99),
    outcomeP50: of((p) => p.outcomeMs.p50),
    outcomeP99: of((p) => p.outcomeMs.p99),
    unlearned: probes.reduce((n, p) => n + p.unlearned, 0),
  };
}
