import { toCents } from '../core/money.js';
import type { Tokens } from '../core/tokens.js';
import type { FaultRun } from '../faults/fault-run.js';
import type { Recovery } from '../system/recovery.js';
import type { ServiceName } from '../system/wiring.js';
import type { ApiClient } from './api-client.js';

/** What the runner knows of a user it created. */
export interface UserState {
  alias: string;
  email: string;
  password: string;
  id?: string;
  token?: string;
  /** Money the system accepted in and out, in cents: the ledger the invariants are checked against. */
  depositedCents: number;
  withdrawnCents: number;
  /** The Idempotency-Keys of deposits and withdrawals answered 204 (`deposit <key>`): a repeat is counted once. */
  movedKeys: Set<string>;
}

/** An item of the scenario's own catalog as this run loaded it: its name on the system and how many there were at first. */
export interface OwnItem {
  sku: string;
  initial: number;
}

/** State shared by the steps of one scenario run. */
export interface RunContext {
  api: ApiClient;
  variant: string;
  /** What the style declares, in words (`answers-orders-later`): a step's `except` may name one. */
  traits: readonly string[];
  runId: string;
  users: Map<string, UserState>;
  /** Order names used in the scenario -> order ids. */
  orders: Map<string, string>;
  /** The system's token issuer, for expired-token probes (absent against a remote system). */
  tokens?: Tokens;
  crowds: number;
  /** Set while a crowd runs: its requests are load, not single actions. */
  load?: boolean;
  /** Each service's base URL (a system orderctl runs): the `setup` step loads the scenario's items and zones through stock's and delivery's internal APIs. */
  urls?: Partial<Record<ServiceName, string>>;
  /** The headers of the harness's own calls to a service's internal API (its credential). */
  operatorHeaders?: (service: ServiceName) => Record<string, string>;
  /**
   * The scenario's own items and cities: the name the file uses -> the name this run gave it on the
   * system (`last-lamp` -> `last-lamp-1a2b3c4d`), so runs on one system never share them. Names not
   * in it (the default catalog and zones, `not-sold`, `not-served`) are sent as written.
   */
  names?: Map<string, string>;
  /** The scenario's own catalog as loaded, by the name the file uses (what `stock-balanced` checks). */
  catalog?: Map<string, OwnItem>;
  /** How many times a `setup` step ran in this context (a walk may run several scenarios in one). */
  setups?: number;
  /** The faults this run's steps put on the system (a system orderctl runs), all taken off when the run ends. */
  faults?: FaultRun;
  /** The system's recovery pass (a system orderctl runs), for `recover: now`. */
  recovery?: Recovery;
}

/** A step's result before expectations: the answer (or a synthetic one), plus problems found on the way. */
export interface Outcome {
  status: number;
  body?: any;
  problems?: string[];
  /** What happened, for people, where the answer alone does not say it (crowds, checks). */
  summary?: string;
  /** How long the client waited for the answer, where the step made one request. */
  ms?: number;
}

export function userOf(ctx: RunContext, alias: string): UserState {
  let user = ctx.users.get(alias);
  if (!user) {
    user = { alias, email: `${alias}.${ctx.runId}@example.test`, password: `pw-${alias}-secret`, depositedCents: 0, withdrawnCents: 0, movedKeys: new Set() };
    ctx.users.set(alias, user);
  }
  return user;
}

/** Cents of an amount the scenario sent (0 for anything that is not a number). */
export const cents = (amount: unknown) => (typeof amount === 'number' ? toCents(amount) : 0);

/** The name an item or city of the file has on the system in this run. */
export const onSystem = (ctx: RunContext, name: string) => ctx.names?.get(name) ?? name;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `value` with every name this run gave an item or city replaced by the name the file uses, in every
 * string and key at any depth: what a step saw reads as the file reads (`only 0 of last-lamp available, 1 asked`).
 */
export function inFileNames<T>(ctx: RunContext, value: T): T {
  if (!ctx.names?.size) return value;
  const back = new Map([...ctx.names].map(([file, system]) => [system, file]));
  const pattern = new RegExp([...back.keys()].sort((a, b) => b.length - a.length).map(escape).join('|'), 'g');
  const rename = (s: string) => s.replace(pattern, (m) => back.get(m) ?? m);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return rename(v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [rename(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}
