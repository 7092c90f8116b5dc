import { parseDuration } from '../core/duration.js';
import type { Expectation } from './scenario-schema.js';

/** The expectation of a step for one style: its `except` entry by name, else by one of its traits, else `expect`. */
export function expectationFor(expect: Expectation | undefined, except: Record<string, Expectation> | undefined, variant: string, traits: readonly string[] = []): Expectation {
  return except?.[variant] ?? traits.map((t) => except?.[t]).find(Boolean) ?? expect ?? {};
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Does `actual` have everything `expected` names? Lists against a single value mean "one of". */
export function matches(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return expected.some((option) => matches(actual, option));
    return expected.length === actual.length && expected.every((e, i) => matches(actual[i], e));
  }
  if (isObject(expected)) return isObject(actual) && Object.entries(expected).every(([k, v]) => matches(actual[k], v));
  return actual === expected;
}

/** The part of `actual` that `expected` talks about (so reports show only what was checked). */
function project(actual: unknown, expected: unknown): unknown {
  if (!isObject(expected) || !isObject(actual)) return actual;
  return Object.fromEntries(Object.keys(expected).map((k) => [k, project(actual[k], expected[k])]));
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Checks an answer against an expectation; returns what was seen for each key and what did not hold. */
export function check(expectation: Expectation, status: number, body: any, ms?: number): { problems: string[]; seen: Record<string, unknown> } {
  const problems: string[] = [];
  const seen: Record<string, unknown> = {};
  for (const [key, wanted] of Object.entries(expectation)) {
    if (wanted === undefined) continue;
    let actual: unknown;
    let ok: boolean;
    if (key === 'answers') {
      actual = Object.keys(body?.answers ?? {}).map(Number);
      ok = (actual as number[]).every((a) => (wanted as number[]).includes(a));
    } else if (key === 'answer') {
      actual = status;
      ok = matches(status, wanted);
    } else if (key === 'count') {
      actual = Array.isArray(body) ? body.length : 'not a list';
      ok = actual === wanted;
    } else if (key === 'latest') {
      actual = Array.isArray(body) ? project(body[0], wanted) : undefined;
      ok = matches(actual, wanted);
    } else if (key === 'history') {
      // An order's history is matched by its statuses in order (`[created, paid, cancelled]`); a list of such lists means "one of".
      actual = Array.isArray(body?.history) ? body.history.map((h: { status?: unknown } | undefined) => h?.status) : body?.history;
      const options = Array.isArray(wanted) && wanted.length > 0 && wanted.every(Array.isArray) ? wanted : [wanted];
      ok = options.some((option) => matches(actual, option));
    } else if (key === 'waited-at-least') {
      actual = ms === undefined ? 'no single answer to time' : `${Math.round(ms)}ms`;
      ok = ms !== undefined && ms >= parseDuration(wanted as string | number);
    } else if (key === 'message') {
      actual = body?.message;
      ok = typeof actual === 'string' && actual.includes(String(wanted));
    } else {
      actual = project(body?.[key], wanted);
      ok = matches(actual, wanted);
    }
    seen[key] = actual;
    const said = (v: unknown) => (key === 'history' && Array.isArray(v) ? path(v) : show(v));
    // When none of the keys expected is there at all (`reasons: { "only 0 …": 17 }` against other reasons), say what is there instead.
    const missing = isObject(actual) && Object.values(actual).every((v) => v === undefined) && isObject(body?.[key]);
    const got = actual === undefined ? 'nothing' : missing ? show(body[key]).slice(0, 300) : said(actual);
    if (!ok) problems.push(`${key}: expected ${said(wanted)}, got ${got}`);
  }
  return { problems, seen };
}

/** A history as people read it: `created → paid → cancelled`, or its options (`created → cancelled | created → paid → cancelled`). */
const path = (v: unknown[]): string => (v.length > 0 && v.every(Array.isArray) ? v.map((o) => path(o as unknown[])).join(' | ') : v.map(show).join(' → '));

/** An order's items as people read them: `2 vase, 1 book`. */
const lines = (v: unknown[]): string => v.map((l) => (isObject(l) && 'sku' in l ? `${l.quantity ?? '?'} ${show(l.sku)}` : show(l))).join(', ');

/** `answer 201, status succeeded`: an expectation or what was seen, for people. */
export function describe(values: Record<string, unknown>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${k === 'history' && Array.isArray(v) ? path(v) : k === 'items' && Array.isArray(v) ? lines(v) : Array.isArray(v) ? v.map(show).join('|') : isObject(v) ? Object.entries(v).map(([ik, iv]) => `${ik} ${show(iv)}`).join(' ') : show(v)}`)
    .join(', ');
}
