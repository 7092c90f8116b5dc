import { randomBytes } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { parseDuration } from '../core/duration.js';
import { FAULT_ACTIONS } from '../faults/fault-steps.js';
import { describe, expectationFor } from '../scenarios/expectations.js';
import { HISTORY_RULE_NAMES } from '../scenarios/history-rules.js';
import { stepTraitsOf, type Scenario, type Step } from '../scenarios/scenario-schema.js';
import { steps } from '../scenarios/steps.js';
import type { Variant } from '../variants/variant.js';
import { afterResponse, answerProblems, startScenario, stateProblems, type SandboxStep } from './postman-sandbox.js';

/** Where the collection sends its requests unless told (`newman run … --env-var baseUrl=http://arch.homework`). */
export const DEFAULT_BASE_URL = 'http://localhost:8080';
/** The invariants a collection checks from what the API shows each user. */
const CHECKABLE = ['money-conserved', 'orders-final', 'one-notification-per-order', 'sagas-final'];

/** The fields of a Postman collection (v2.1 schema) these exports write: a misspelt one does not compile. */
interface EventDefinition {
  listen: 'prerequest' | 'test';
  script: { type: 'text/javascript'; exec: string[] };
}
interface RequestDefinition {
  method: string;
  url: string;
  header?: { key: string; value: string }[];
  body?: { mode: 'raw'; raw: string };
}
interface ItemDefinition {
  name: string;
  description?: string;
  request: RequestDefinition;
  event?: EventDefinition[];
}
interface ItemGroupDefinition {
  name: string;
  description?: string;
  item: ItemDefinition[];
}
/** A collection as Postman and newman read it. */
export interface CollectionDefinition {
  info: { name: string; schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json'; description?: string };
  variable: { key: string; value: string }[];
  event: EventDefinition[];
  item: (ItemDefinition | ItemGroupDefinition)[];
}

/** A scenario the collection leaves out, the step that cannot be sent over the public API, and why. */
export interface LeftOut {
  scenario: string;
  step: number;
  reason: string;
}

/** The exported collection, and what it holds. */
export interface PostmanExport {
  collection: CollectionDefinition;
  included: { scenario: string; requests: number }[];
  leftOut: LeftOut[];
}

/** Why a step cannot be a request of a collection against the public API, or undefined when it can. */
function whyNot(step: Step, traits: readonly string[]): string | undefined {
  const { action, args } = step;
  if (action === 'setup') return "it loads the scenario's own items and delivery zones through stock's and delivery's internal APIs, which only orderctl reaches";
  if ((FAULT_ACTIONS as readonly string[]).includes(action)) return `${action}: a fault is put on inside the system (a service stopped, slowed or crashed, the broker cut, messages tampered with), not over the public API`;
  if (action === 'crowd' || action === 'race' || action === 'together') return `${action}: it sends many requests at the same instant, and a collection sends one at a time`;
  if (action === 'recover') return 'recover: the recovery pass runs inside the services';
  if (action === 'request' && args.token === 'expired') return "an expired token must be signed with the system's own key, which a client does not have";
  if (action === 'order-status' && args.wait === 'push' && traits.includes('pushes-order-status')) return "it follows the order's event stream (server-sent events), which newman does not read";
  if (action === 'check') {
    const other = (args as string[]).filter((i) => !CHECKABLE.includes(i));
    if (other.length) return `check ${other.join(', ')}: ${other.some((i) => (HISTORY_RULE_NAMES as readonly string[]).includes(i)) ? 'judged on every answer the client saw, which a collection does not keep' : "judged on the scenario's own catalog, which only orderctl loads"}`;
  }
  return undefined;
}

/** The same tokens the runner makes for a probe: nobody's key signed them (forged), or nobody signed them (alg-none). */
async function probeToken(kind: string | undefined, alias: string | undefined): Promise<string | undefined> {
  const subject = { userId: '00000000-0000-4000-8000-000000000000', email: 'nobody@example.test' };
  if (kind === 'none') return undefined;
  if (kind === 'garbage') return 'not-a-token';
  if (kind === 'forged') return new SignJWT(subject).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('100y').sign(randomBytes(32));
  if (kind === 'alg-none') return new UnsecuredJWT(subject).setExpirationTime('100y').encode();
  return alias ? `{{${alias}.token}}` : undefined;
}

/** What a step sends: method, path under /api/v1, headers, body; and what the collection's script must know of it. */
async function requestOf(step: Step): Promise<{ method: string; path: string; token?: string; body?: string; headers?: Record<string, string>; args: Record<string, unknown> }> {
  const { action, args } = step;
  const bearer = args?.user ? `{{${args.user}.token}}` : undefined;
  const key = args?.['idempotency-key'] as string | undefined;
  const keyed = key ? { 'idempotency-key': key } : undefined;
  const json = (value: unknown) => JSON.stringify(value);
  switch (action) {
    case 'register': {
      const body = { email: args.email ?? `{{${args.user}.email}}`, password: args.password ?? `{{${args.user}.password}}`, firstName: args.firstName ?? args.user, lastName: args.lastName, phone: args.phone };
      return { method: 'POST', path: '/identity/register', body: json(body), args: { user: args.user, password: args.password } };
    }
    case 'login':
      return { method: 'POST', path: '/identity/login', body: json({ email: `{{${args.user}.email}}`, password: args.password ?? `{{${args.user}.password}}` }), args: { user: args.user } };
    case 'logout':
      return { method: 'POST', path: '/identity/logout', token: bearer, args: { user: args.user } };
    case 'deposit':
    case 'withdraw':
      return { method: 'POST', path: `/billing/account/${action}`, token: bearer, body: json({ amount: args.amount }), headers: keyed, args: { user: args.user, amount: args.amount, key } };
    case 'order':
      return { method: 'POST', path: '/ordering/orders', token: bearer, body: json({ price: args.price, items: args.items, address: args.address }), headers: keyed, args: { user: args.user, name: args.name } };
    case 'balance':
      return { method: 'GET', path: '/billing/account', token: bearer, args: { user: args.user } };
    case 'orders':
      return { method: 'GET', path: '/ordering/orders', token: bearer, args: { user: args.user } };
    case 'notifications':
      return { method: 'GET', path: '/notifications', token: bearer, args: { user: args.user } };
    case 'order-status':
      return { method: 'GET', path: `/ordering/orders/{{order.${args.order}}}`, token: bearer, args: { user: args.user } };
    case 'cancel':
      return { method: 'POST', path: `/ordering/orders/{{order.${args.order}}}/cancel`, token: bearer, args: { user: args.user } };
    case 'received':
      return { method: 'POST', path: `/delivery/orders/{{order.${args.order}}}/received`, token: bearer, args: { user: args.user } };
    case 'stock':
      return { method: 'GET', path: '/stock/items', args: { sku: args } };
    case 'check':
      // The check's own request asks the gateway's health; its script reads each user's balance, orders and notifications.
      return { method: 'GET', path: '/health', args: { invariants: args } };
    case 'request': {
      const moves = /^\/billing\/account\/(deposit|withdraw)$/.exec(args.path)?.[1];
      const body = args.raw ?? (args.body === undefined ? undefined : json(args.body));
      return { method: args.method, path: args.path, token: await probeToken(args.token, args.user), body, headers: args.headers, args: { user: args.user, moves, amount: args.body?.amount } };
    }
    default:
      throw new Error(`${action} has no request`);
  }
}

const script = (listen: 'prerequest' | 'test', lines: string[]): EventDefinition => ({ listen, script: { type: 'text/javascript', exec: lines } });

/** One step as a request: what it sends, and (in its pre-request script) what the collection's test script checks of the answer. */
async function stepItem(step: Step, number: number, variant: Variant, traits: readonly string[], start?: { scenario: string; aliases: string[] }): Promise<ItemDefinition> {
  const sent = await requestOf(step);
  const expectation = expectationFor(step.expect, step.except, variant.name, traits);
  const title = `${number}. ${steps[step.action].title(step.args)}`;
  const expected = describe(expectation);
  const spec: SandboxStep = {
    title: `${title}${expected ? `: ${expected}` : ''}`,
    action: step.action,
    args: sent.args,
    expect: 'waited-at-least' in expectation ? { ...expectation, 'waited-at-least': parseDuration(expectation['waited-at-least'] as string) } : expectation,
    ...(step.eventually !== undefined ? { eventuallyMs: parseDuration(step.eventually) } : {}),
  };
  const headers: Record<string, string> = { ...(sent.token ? { authorization: `Bearer ${sent.token}` } : {}), ...sent.headers };
  if (sent.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  const request: RequestDefinition = {
    method: sent.method,
    url: `{{baseUrl}}/api/v1${sent.path}`,
    header: Object.entries(headers).map(([key, value]) => ({ key, value })),
    ...(sent.body !== undefined ? { body: { mode: 'raw', raw: sent.body } } : {}),
  };
  const prerequest = [
    ...(start ? [startScenario.toString(), `if (JSON.parse(pm.collectionVariables.get('orderctl.retry') || 'null')?.id !== pm.info.requestId) startScenario(pm, ${JSON.stringify(start.scenario)}, ${JSON.stringify(start.aliases)});`] : []),
    `pm.variables.set('orderctl.step', ${JSON.stringify(JSON.stringify(spec))});`,
  ];
  return {
    name: title,
    description: [step.why, `Expects ${expected || 'nothing of the answer itself'}${step.eventually !== undefined ? `, within ${step.eventually} (sent again until then)` : ''}.`].filter(Boolean).join('\n\n'),
    request,
    event: [script('prerequest', prerequest)],
  };
}

/** Every user a scenario names (they get their e-mail and password when it starts). */
const aliasesOf = (scenario: Scenario): string[] => [...new Set(scenario.steps.flatMap((s) => (s.args && typeof s.args === 'object' && 'user' in s.args ? [String(s.args.user)] : [])))];

/**
 * The scenarios as a Postman collection (v2.1) for one style: a folder per scenario, a request per step,
 * the runner's expectations as tests (pm.test) of the collection's test script, `eventually` as the
 * request sent again until it holds. A scenario with a step the public API cannot carry is left out, and said so.
 */
export async function postmanCollection(variant: Variant, scenarios: Scenario[]): Promise<PostmanExport> {
  const traits = stepTraitsOf(variant);
  const leftOut: LeftOut[] = [];
  const folders: ItemGroupDefinition[] = [];
  const included: PostmanExport['included'] = [];
  for (const scenario of scenarios) {
    const first = scenario.steps[0]?.action === 'setup' ? 0 : 1;
    const taken = scenario.steps.map((step, i) => ({ step, number: i + first })).filter(({ step }) => !step.only || step.only.some((name) => name === variant.name || traits.includes(name)));
    const blocked = taken.map(({ step, number }) => ({ number, reason: whyNot(step, traits) })).find((b) => b.reason);
    if (blocked) {
      leftOut.push({ scenario: scenario.name, step: blocked.number, reason: blocked.reason! });
      continue;
    }
    const aliases = aliasesOf(scenario);
    const items = await Promise.all(taken.map(({ step, number }, i) => stepItem(step, number, variant, traits, i === 0 ? { scenario: scenario.name, aliases } : undefined)));
    folders.push({ name: scenario.name, description: `${scenario.title}\n\n${scenario.description}`, item: items });
    included.push({ scenario: scenario.name, requests: items.length });
  }
  const styleCheck: ItemDefinition = {
    name: `the system runs ${variant.name}`,
    description: `Every expectation below is ${variant.name}'s: the gateway's health must name that style.`,
    request: { method: 'GET', url: '{{baseUrl}}/api/v1/health' },
    event: [script('prerequest', [`pm.variables.set('orderctl.step', ${JSON.stringify(JSON.stringify({ title: `the system runs ${variant.name}`, action: 'style', args: {}, expect: { variant: variant.name } } satisfies SandboxStep))});`])],
  };
  const users = [...new Set(folders.flatMap((f) => aliasesOf(scenarios.find((s) => s.name === f.name)!)))];
  const collection: CollectionDefinition = {
    info: {
      name: `orderctl scenarios (${variant.name})`,
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
      description: `The scenarios of orderctl that the public API can carry, with ${variant.name}'s expectations. Run: newman run FILE --env-var baseUrl=${DEFAULT_BASE_URL}`,
    },
    variable: [
      { key: 'baseUrl', value: DEFAULT_BASE_URL },
      ...users.flatMap((alias) => ['email', 'password', 'token'].map((field) => ({ key: `${alias}.${field}`, value: '' }))),
      { key: 'orderctl.state', value: JSON.stringify({ users: {}, orders: {} }) },
      { key: 'orderctl.retry', value: 'null' },
      { key: 'orderctl.scenario', value: '' },
    ],
    event: [script('test', [answerProblems.toString(), stateProblems.toString(), afterResponse.toString(), 'afterResponse(pm);'])],
    item: [styleCheck, ...folders],
  };
  return { collection, included, leftOut };
}
