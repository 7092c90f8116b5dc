import { z } from 'zod';

const alias = z.string().regex(/^[a-z][a-z0-9-]*$/i, 'a name like alice or user-2');
const money = z.number();
const duration = z.union([z.string(), z.number()]);
const userRef = z.union([alias.transform((user) => ({ user })), z.object({ user: alias })]);

/** What a step expects of the answer: `answer` is the HTTP status; other keys are fields of the body. */
export const expectation = z
  .object({
    answer: z.union([z.number().int(), z.array(z.number().int())]).optional(),
    count: z.number().int().optional(),
    latest: z.record(z.string(), z.unknown()).optional(),
    message: z.string().optional(),
    answers: z.array(z.number().int()).optional(),
  })
  .catchall(z.unknown());
export type Expectation = z.infer<typeof expectation>;

/** Keys an expectation gives a meaning of its own: the status, a list's length, its newest item, a message, a crowd's statuses. */
export const EXPECTATION_KEYS = ['answer', 'count', 'latest', 'message', 'answers'] as const;

/** Fields of the public API's answers an expectation may name besides its own keys. */
export const BODY_FIELDS = [
  'id', 'status', 'price', 'amount', 'reason', 'email', 'firstName', 'lastName', 'phone', 'accessToken',
  'createdAt', 'updatedAt', 'orderId', 'order', 'code', 'error', 'problems', 'users', 'orders',
] as const;

/** A raw request for probing the API with malformed input. */
const request = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']),
  path: z.string().startsWith('/'),
  user: alias.optional(),
  token: z.enum(['none', 'garbage', 'forged', 'expired', 'alg-none']).optional(),
  body: z.unknown().optional(),
  raw: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

/** The actions a step can take; a step has exactly one. */
export const actions = {
  register: z.union([
    alias.transform((user) => ({ user })),
    z.object({ user: alias, email: z.string().optional(), password: z.string().optional(), firstName: z.string().optional(), lastName: z.string().optional(), phone: z.string().optional() }),
  ]),
  login: z.union([alias.transform((user) => ({ user, password: undefined as string | undefined })), z.object({ user: alias, password: z.string().optional() })]),
  logout: userRef,
  deposit: z.object({ user: alias, amount: money }),
  withdraw: z.object({ user: alias, amount: money }),
  order: z.object({ user: alias, price: money, name: alias.optional(), 'idempotency-key': z.string().optional() }),
  balance: userRef,
  orders: userRef,
  'order-status': z.object({ user: alias, order: alias, wait: z.literal('push').optional() }),
  notifications: userRef,
  request,
  crowd: z.object({ users: z.number().int().min(1).max(500), deposit: money, orders: z.number().int().min(1).max(100), prices: z.array(money).min(1) }),
  check: z.array(z.enum(['money-conserved', 'orders-final', 'one-notification-per-order'])).min(1),
} as const;
export type ActionName = keyof typeof actions;
export const ACTION_NAMES = Object.keys(actions) as ActionName[];

/** One step as written in the file (action key plus common fields). */
export const stepFields = z.object({
  expect: expectation.optional(),
  /** Per-variant expectations that replace `expect`: `except: { hybrid: { answer: 202 } }`. */
  except: z.record(z.string(), expectation).optional(),
  /** Keep asking until the expectation holds, for at most this long (`5s`). */
  eventually: duration.optional(),
  /** One or two sentences on what happens here and why; shown by `walk`. */
  why: z.string().optional(),
});

/** A parsed step: which action, its arguments, and the common fields. */
export type Step = z.infer<typeof stepFields> & { action: ActionName; args: any };

/** A scenario file. */
export interface Scenario {
  name: string;
  title: string;
  description: string;
  steps: Step[];
  file: string;
}

export const scenarioHeader = z.object({
  title: z.string().min(1),
  description: z.string().default(''),
  steps: z.array(z.record(z.string(), z.unknown())).min(1),
});
