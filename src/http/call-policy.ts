import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleAll, isBrokenCircuitError, noop, retry, timeout, TimeoutStrategy, wrap, type IPolicy } from 'cockatiel';
import { AppError } from '../core/errors.js';
import type { Note } from '../services/note.js';
import type { TraceContext } from '../tracing/context.js';
import type { Resilience } from '../variants/variant.js';

/** What a call under a policy answers: a status the policy judges (5xx counts as a failure). */
interface Answered {
  status: number;
}

/** How one service's calls to another are made: once, or under the link's timeout, retries and breaker. */
export interface CallPolicy {
  /** Makes `call` (with its tries) as part of `trace`'s work: what the breaker did is noted on it. */
  execute<T extends Answered>(call: (signal?: AbortSignal) => Promise<T>, trace: TraceContext | undefined): Promise<T>;
}

/**
 * The policy a style declares for a REST link (cockatiel): a timeout per call, retries with exponential
 * backoff (50 ms doubling, at most 2 s) around it, and a consecutive-failure breaker around both. A
 * 5xx answer or no answer counts as a failure. The recording shows each attempt as its own hop, and a
 * call the open breaker refused as a local hop of the caller (`circuit to billing open: not called`). The
 * breaker opening or closing again is noted on the call that saw it happen.
 */
export function callPolicy(spec: Resilience, from: string, to: string, note: Note): CallPolicy {
  const failures = handleAll.orWhenResult((r: unknown) => (r as Answered).status >= 500);
  const layers: IPolicy[] = [];
  if (spec.retries) layers.push(retry(failures, { maxAttempts: spec.retries, backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 2_000 }) }));
  // What the breaker did, noted on the first call that sees it done (the breaker is shared by every call).
  const seen: string[] = [];
  if (spec.breaker) {
    const breaker = circuitBreaker(failures, { halfOpenAfter: spec.breaker.resetMs, breaker: new ConsecutiveBreaker(spec.breaker.failures) });
    breaker.onBreak(() => seen.push(`circuit to ${to} opened after ${spec.breaker!.failures} failures in a row`));
    breaker.onReset(() => seen.push(`circuit to ${to} closed again`));
    layers.push(breaker);
  }
  const noteSeen = (trace: TraceContext | undefined) => {
    for (const label of seen.splice(0)) note(trace, label);
  };
  if (spec.timeoutMs) layers.push(timeout(spec.timeoutMs, TimeoutStrategy.Aggressive));
  const policy = layers.length ? wrap(...layers) : noop;
  return {
    async execute(call, trace) {
      try {
        const answer = await policy.execute(({ signal }) => call(signal));
        noteSeen(trace);
        return answer;
      } catch (error) {
        noteSeen(trace);
        if (isBrokenCircuitError(error)) {
          note(trace, `circuit to ${to} open: not called`);
          throw new AppError('SERVICE_UNAVAILABLE', `${to} is failing: ${from} stopped calling it for ${Math.round(spec.breaker!.resetMs / 1000)} s (circuit open); try again later`);
        }
        if ((error as Error).name === 'TaskCancelledError') {
          throw new AppError('UPSTREAM_TIMEOUT', `${to} did not answer ${from} within ${spec.timeoutMs} ms`);
        }
        throw error;
      }
    },
  };
}
