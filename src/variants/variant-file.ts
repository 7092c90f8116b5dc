import { readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { isMap, parseDocument } from 'yaml';
import { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import { AppError } from '../core/errors.js';
import { readSmallFile } from '../core/files.js';
import { closest } from '../scenarios/closest.js';
import { PlanRefused } from '../system/plan.js';
import { planOf } from '../system/links/index.js';
import { RENAMABLE_EVENTS, type Variant } from './variant.js';

const link = z.enum(['rest', 'event']);
const duration = (what: string, max: number) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    try {
      const ms = parseDuration(value);
      if (ms > 0 && ms <= max) return ms;
      ctx.addIssue({ code: 'custom', message: `${what} from 1 ms to ${max / 1000} s` });
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
    return z.NEVER;
  });
const resilience = z.strictObject({
  timeout: duration('a timeout', 60_000).optional(),
  retries: z.number().int().min(0).max(5, 'at most 5 retries: more only piles load on a service that is struggling').optional(),
  breaker: z.strictObject({ failures: z.number().int().min(1).max(100), reset: duration('a reset', 600_000) }).optional(),
});
const hop = z.string().regex(/^\S+ (=>|~>|~~) \S+ \S.*$/, 'a hop such as "gateway => identity POST /register" or "order ~> Broker OrderCreated"');
const flow = z.array(z.union([hop, z.strictObject({ par: z.array(z.array(hop).min(1)).min(2, 'at least two branches run at the same time') })])).min(1);

/** A style file as written: every field checked, none unknown. */
export const variantFile = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes, starting with a letter, at most 40'),
  summary: z.string().trim().min(1, 'one line saying what the style does').max(200),
  order: z.number().int().min(0).max(1000).optional(),
  commands: z.enum(['rest', 'broker']),
  events: z.enum(['thin', 'full']),
  links: z.strictObject({ accountOpening: link, payment: link, orderOutcome: link, recipient: z.enum(['rest', 'copy']), reservation: link.optional(), dispatch: link.optional() }),
  saga: z.enum(['orchestration', 'choreography']).optional(),
  flows: z.strictObject({ registration: flow, order: flow }).optional(),
  push: z.enum(['sse']).optional(),
  resilience: z
    .strictObject({ accountOpening: resilience.optional(), payment: resilience.optional(), orderOutcome: resilience.optional(), recipient: resilience.optional(), reservation: resilience.optional(), dispatch: resilience.optional() })
    .optional(),
  names: z.partialRecord(z.enum(RENAMABLE_EVENTS), z.string().regex(/^[A-Z][A-Za-z0-9]{1,59}$/, 'an event name in PascalCase, such as OrderCompleted')).optional(),
});

const where = (path: PropertyKey[]) => (path.length ? path.join('.') : 'the file');

/** ` (did you mean "payment"?)` when an unknown key is a slip of the keyboard away from a known one. */
const meant = (key: string, known: string[]) => {
  const near = closest(key, known);
  return near ? ` (did you mean "${near}"?)` : '';
};

/** Reads and checks a style file; a file that is not a style, or a style that would lose or double an effect, is refused in one line naming the field. */
export function loadVariantFile(file: string): Variant {
  const path = resolve(file);
  const refuse = (field: string, reason: string): never => {
    throw new AppError('USAGE', `${file}: ${field}: ${reason}`);
  };
  let text: string;
  try {
    text = readSmallFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return refuse('the file', code === 'ENOENT' ? 'no such file' : (error as Error).message);
  }
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length) {
    const [error] = document.errors;
    return refuse(`line ${error.linePos?.[0].line ?? '?'}`, `not valid YAML (${error.message.split('\n')[0]})`);
  }
  if (!isMap(document.contents)) return refuse('the file', 'a style is a mapping of fields (name, summary, commands, events, links)');
  const parsed = variantFile.safeParse(document.toJS());
  if (!parsed.success) {
    // A misspelt key is also a missing one: name the key that is there, not the field it was meant to be.
    const issue = parsed.error.issues.find((i) => i.code === 'unrecognized_keys') ?? parsed.error.issues[0];
    const allowed = (path: PropertyKey[]) =>
      path.length === 0
        ? Object.keys(variantFile.shape)
        : path[0] === 'links' || (path[0] === 'resilience' && path.length === 1)
          ? Object.keys(variantFile.shape.links.shape)
          : path[0] === 'names'
            ? [...RENAMABLE_EVENTS]
            : path[0] === 'resilience' && path.length === 2
              ? Object.keys(resilience.shape)
              : path.at(-1) === 'breaker'
                ? ['failures', 'reset']
                : [];
    const unknown =
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.map((k) => `${[...issue.path, k].join('.')}${meant(k, allowed(issue.path))}`).join(', ')} (${issue.path[0] === 'names' ? 'events a style can rename' : 'fields here'}: ${allowed(issue.path).join(', ')})`
        : undefined;
    return refuse(unknown ? where(issue.path) : where(issue.path), unknown ?? issue.message);
  }
  const { resilience: declared, ...rest } = parsed.data;
  const variant: Variant = {
    ...rest,
    ...(declared
      ? {
          resilience: Object.fromEntries(
            Object.entries(declared).map(([link, r]) => [link, { timeoutMs: r?.timeout, retries: r?.retries, ...(r?.breaker ? { breaker: { failures: r.breaker.failures, resetMs: r.breaker.reset } } : {}) }]),
          ),
        }
      : {}),
    source: path,
  };
  try {
    planOf(variant);
  } catch (error) {
    if (!(error instanceof PlanRefused)) throw error;
    const [problem] = error.problems;
    refuse(problem.field, problem.reason);
  }
  return Object.freeze(variant);
}

/** Every `*.yaml` / `*.yml` style in a directory, in their declared order, then by name; two of one name are refused. */
export function loadVariantsDir(dir: string): Variant[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  } catch (error) {
    throw new AppError('USAGE', `cannot read the styles in ${dir}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (error as Error).message}`);
  }
  const loaded = files.map((f) => loadVariantFile(join(dir, f)));
  const seen = new Map<string, string>();
  for (const v of loaded) {
    const other = seen.get(v.name);
    if (other) throw new AppError('USAGE', `${v.source}: name: ${v.name} is also the name of ${basename(other)}`);
    seen.set(v.name, v.source!);
  }
  return loaded.sort((a, b) => (a.order ?? 1e9) - (b.order ?? 1e9) || a.name.localeCompare(b.name));
}
