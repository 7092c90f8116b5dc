import type { z } from 'zod';
import { badRequest } from '../core/errors.js';

/** Parses `value` with `schema` or throws a 400 naming every field that is wrong. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : what;
    return `${path}: ${issue.message}`;
  });
  throw badRequest(`invalid ${what}: ${problems.join('; ')}`, { problems });
}
