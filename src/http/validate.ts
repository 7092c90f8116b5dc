import { z } from 'zod';
import { badRequest } from '../core/errors.js';
import { SEND_JSON } from './json-body.js';

/** Parses `value` with `schema` or throws a 400 naming every field that is wrong. A missing or non-object body says how to send one. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.output<S> {
  if (what === 'body' && schema instanceof z.ZodObject) {
    if (value === undefined) throw badRequest(`the request has no body: ${SEND_JSON}`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest(`invalid body: the body must be a JSON object, not ${Array.isArray(value) ? 'an array' : String(value === null ? 'null' : typeof value)}`);
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : what}: ${issue.message}`);
  const said = result.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
  throw badRequest(`invalid ${what}: ${said.join('; ')}`, { problems });
}

const required = (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : 'must be a string');

/** A text field whose every problem has its own message: missing, not a string, too short, too long. */
export function text({ min, max, trim = false }: { min?: number; max: number; trim?: boolean }) {
  let field = z.string({ error: required });
  if (trim) field = field.trim();
  if (min !== undefined) field = field.min(min, `must be at least ${min} characters`);
  return field.max(max, `must be at most ${max} characters`);
}

/** An e-mail address: missing, not a string, too long and malformed each told apart. */
export const emailField = z
  .email({ error: (issue) => (issue.input === undefined ? 'is required' : typeof issue.input === 'string' ? 'must be an e-mail address' : 'must be a string') })
  .max(254, 'must be at most 254 characters');
