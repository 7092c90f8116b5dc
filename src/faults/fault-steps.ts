import { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import { closest } from '../scenarios/closest.js';
import { ALL_MESSAGES, CRASH_POINTS, FAULT_SERVICES, isBrokerFault, type CrashPoint, type Fault, type FaultService } from './fault.js';

/** A fault step once read: stop or start a service, slow one down, or a fault the system takes as is. */
export type FaultAction =
  | { kind: 'stop'; service: FaultService }
  | { kind: 'start'; service: FaultService }
  | { kind: 'latency'; service: FaultService; ms: number }
  | { kind: 'fault'; fault: Fault };

const word = (what: string, known: readonly string[], value: string) => {
  const near = closest(value, known);
  return `"${value}" is not ${what}${near ? ` (did you mean "${near}"?)` : ''}: ${known.join(', ')}`;
};

const service = z.string().transform((name, ctx): FaultService => {
  if ((FAULT_SERVICES as readonly string[]).includes(name)) return name as FaultService;
  ctx.addIssue({
    code: 'custom',
    message: name === 'gateway' ? 'the gateway cannot be faulted: every step of the scenario comes in through it; fault a service behind it' : word('a service a fault may hit', FAULT_SERVICES, name),
  });
  return z.NEVER;
});

const point = z.string().transform((name, ctx): CrashPoint => {
  if ((CRASH_POINTS as readonly string[]).includes(name)) return name as CrashPoint;
  ctx.addIssue({ code: 'custom', message: word('a crash point', CRASH_POINTS, name) });
  return z.NEVER;
});

/** A message type as it travels (`OrderCreated`), or `all`; which types exist is checked when the file loads, and against the style when the step runs. */
const message = z.string().regex(/^([A-Z][A-Za-z]+|all)$/, 'a message type as it travels, such as OrderCreated, or all');

const ms = z.number().int().min(0).max(60_000);

/** `50%` or `0.5`: a share from none to all. */
const share = z.union([z.number(), z.string()]).transform((value, ctx): number => {
  const n = typeof value === 'number' ? value : /^\d+(\.\d+)?%$/.test(value.trim()) ? Number(value.trim().slice(0, -1)) / 100 : NaN;
  if (n >= 0 && n <= 1) return n;
  ctx.addIssue({ code: 'custom', message: `must be a percentage from 0% to 100% (or a number from 0 to 1), not ${JSON.stringify(value)}` });
  return z.NEVER;
});

const messageFault = <K extends 'duplicate' | 'drop'>(kind: K, defaultShare?: number) =>
  z.strictObject({ message, share: defaultShare === undefined ? share : share.default(defaultShare) }).transform(({ message: m, share: s }): FaultAction => ({ kind: 'fault', fault: { kind, message: m, share: s } as Fault }));

/** The fault steps of a scenario file, each as it is written. */
export const faultActions = {
  /** `stop: notification`: the service goes down (its port closes; what is sent to it waits in its queues). */
  stop: service.transform((s): FaultAction => ({ kind: 'stop', service: s })),
  /** `start: notification`: a service stopped earlier comes back and picks up what waited for it. */
  start: service.transform((s): FaultAction => ({ kind: 'start', service: s })),
  /** `latency: { service: billing, ms: 200 }` (every request and delivery it handles), or `latency: { broker: true, ms: 50 }` (every delivery); `ms: 0` ends it. */
  latency: z.strictObject({ service: service.optional(), broker: z.literal(true).optional(), ms }).transform((a, ctx): FaultAction => {
    if (a.service && !a.broker) return { kind: 'latency', service: a.service, ms: a.ms };
    if (a.broker && !a.service) return { kind: 'fault', fault: { kind: 'broker-latency', ms: a.ms } };
    ctx.addIssue({ code: 'custom', message: 'latency is added to one service (service: billing) or to the broker (broker: true), one of the two' });
    return z.NEVER;
  }),
  /** `broker: down` (the system loses its broker connection) and `broker: up` (it regains it). */
  broker: z.string().transform((state, ctx): FaultAction => {
    if (state === 'down' || state === 'up') return { kind: 'fault', fault: { kind: 'broker-cut', on: state === 'down' } };
    ctx.addIssue({ code: 'custom', message: word('what the broker can be', ['down', 'up'], state) });
    return z.NEVER;
  }),
  /** `late: { message: PaymentCreated, ms: 500 }`: each delivery of the type arrives that much later; `ms: 0` ends it. */
  late: z.strictObject({ message, ms }).transform((a): FaultAction => ({ kind: 'fault', fault: { kind: 'late', message: a.message, ms: a.ms } })),
  /** `duplicate: { message: OrderCreated }`: the broker gets each such message twice (a `share` of them; `share: 0%` ends it). */
  duplicate: messageFault('duplicate', 1),
  /** `drop: { message: OrderCreated, share: 50% }`: the broker refuses that share of them at publish; their senders send them again. `share: 0%` ends it. */
  drop: messageFault('drop'),
  /** `fail: { service: billing, share: 50% }`: that share of the service's requests is answered 503 at its edge; `share: 0%` ends it. */
  fail: z.strictObject({ service, share }).transform((a): FaultAction => ({ kind: 'fault', fault: { kind: 'fail', service: a.service, share: a.share } })),
  /** `crash: { service: identity, at: after-commit }`: the next time the service reaches the point it dies, and is started again. */
  crash: z.strictObject({ service, at: point }).transform((a): FaultAction => ({ kind: 'fault', fault: { kind: 'crash', service: a.service, at: a.at } })),
} as const;

/** The name of a fault step's action. */
export type FaultActionName = keyof typeof faultActions;
export const FAULT_ACTIONS = Object.keys(faultActions) as FaultActionName[];
export const isFaultAction = (action: string): action is FaultActionName => (FAULT_ACTIONS as string[]).includes(action);

/** How each fault step is written, for the message when one is wrong. */
export const FAULT_EXAMPLES: Record<FaultActionName, string> = {
  stop: 'stop: notification',
  start: 'start: notification',
  latency: 'latency: { service: billing, ms: 200 } (or { broker: true, ms: 50 }; ms: 0 ends it)',
  broker: 'broker: down (and broker: up)',
  late: 'late: { message: PaymentCreated, ms: 500 }',
  duplicate: 'duplicate: { message: OrderCreated } (share: 0% ends it)',
  drop: 'drop: { message: OrderCreated, share: 50% }',
  fail: 'fail: { service: billing, share: 50% }',
  crash: 'crash: { service: identity, at: after-commit }',
};

/** The step that ends what `action` put on, or nothing when it puts nothing on (it ends something, or fires once). */
export function endOf(action: FaultAction): FaultAction | undefined {
  switch (action.kind) {
    case 'stop':
      return { kind: 'start', service: action.service };
    case 'start':
      return undefined;
    case 'latency':
      return action.ms > 0 ? { ...action, ms: 0 } : undefined;
    case 'fault': {
      const f = action.fault;
      switch (f.kind) {
        case 'broker-cut':
          return f.on ? { kind: 'fault', fault: { kind: 'broker-cut', on: false } } : undefined;
        case 'broker-latency':
        case 'late':
          return f.ms > 0 ? { kind: 'fault', fault: { ...f, ms: 0 } } : undefined;
        case 'duplicate':
        case 'drop':
        case 'fail':
          return f.share > 0 ? { kind: 'fault', fault: { ...f, share: 0 } } : undefined;
        case 'crash':
          return undefined;
      }
    }
  }
}

/** Which fault a step puts on or ends, the same for both: a later step with the same key ends it. */
export function faultKey(action: FaultAction): string {
  if (action.kind !== 'fault') return `${action.kind === 'latency' ? 'latency' : 'stop'} ${action.service}`;
  const f = action.fault;
  return `${f.kind} ${'service' in f ? f.service : 'message' in f ? f.message : ''}`.trim();
}

/** The message type a fault step names, if it names one (`all` aside). */
export const namedMessage = (action: FaultAction): string | undefined =>
  action.kind === 'fault' && 'message' in action.fault && action.fault.message !== ALL_MESSAGES ? action.fault.message : undefined;

/** Does this step act on the broker (and so make no sense on a style that uses none)? */
export const onBroker = (action: FaultAction) => action.kind === 'fault' && isBrokerFault(action.fault);

const pct = (n: number) => `${Math.round(n * 1000) / 10}%`;
const ofType = (m: string) => (m === ALL_MESSAGES ? 'every message' : m);

/** A fault step in words: `stop notification`, `drop 50% of OrderCreated at publish`. */
export function faultTitle(action: FaultAction, lasting?: string | number): string {
  const forHow = lasting !== undefined ? ` for ${typeof lasting === 'number' ? `${lasting} ms` : lasting}` : '';
  if (action.kind === 'stop') return `stop ${action.service}${forHow}`;
  if (action.kind === 'start') return `start ${action.service} again`;
  if (action.kind === 'latency') return action.ms ? `${action.service} ${action.ms} ms slower${forHow}` : `${action.service} at full speed again`;
  const f = action.fault;
  switch (f.kind) {
    case 'broker-cut':
      return f.on ? `cut the broker${forHow}` : 'the broker back';
    case 'broker-latency':
      return f.ms ? `every delivery ${f.ms} ms late${forHow}` : 'deliveries on time again';
    case 'late':
      return f.ms ? `${ofType(f.message)} ${f.ms} ms late${forHow}` : `${ofType(f.message)} on time again`;
    case 'duplicate':
      return f.share ? `${f.share < 1 ? `${pct(f.share)} of ` : ''}${ofType(f.message)} on the broker twice${forHow}` : `${ofType(f.message)} once again`;
    case 'drop':
      return f.share ? `drop ${pct(f.share)} of ${ofType(f.message)} at publish${forHow}` : `drop no ${ofType(f.message)} any more`;
    case 'fail':
      return f.share ? `${f.service} fails ${pct(f.share)} of its requests (503)${forHow}` : `${f.service} answers every request again`;
    case 'crash':
      return f.at === 'now' ? `crash ${f.service} now, then start it again` : `crash ${f.service} at ${f.at}, then start it again`;
  }
}

/** The problem with a `for:` on this step, if any. */
export function lastingProblem(action: FaultAction, lasting: string | number): string | undefined {
  if (!endOf(action)) return `for: only a step that puts a fault on can last a while; this one ${action.kind === 'fault' && action.fault.kind === 'crash' ? 'fires once' : 'ends one'}`;
  try {
    if (parseDuration(lasting) <= 0) return 'for: give a duration above 0, e.g. 3s';
  } catch (error) {
    return `for: ${(error as Error).message}`;
  }
  return undefined;
}
