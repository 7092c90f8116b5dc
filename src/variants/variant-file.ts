import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { isMap, parseDocument } from 'yaml';
import { z } from 'zod';
import { AppError } from '../core/errors.js';
import { RENAMABLE_EVENTS, variantProblems, type Variant } from './variant.js';

const link = z.enum(['rest', 'event']);
const hop = z.string().regex(/^\S+ (=>|~>|~~) \S+ \S.*$/, 'a hop such as "gateway => identity POST /register" or "order ~> Broker OrderCreated"');
const flow = z.array(z.union([hop, z.strictObject({ par: z.array(z.array(hop).min(1)).min(2, 'at least two branches run at the same time') })])).min(1);

/** A style file as written: every field checked, none unknown. */
const variantFile = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes, starting with a letter, at most 40'),
  summary: z.string().trim().min(1, 'one line saying what the style does').max(200),
  order: z.number().int().min(0).max(1000).optional(),
  commands: z.enum(['rest', 'broker']),
  events: z.enum(['thin', 'full']),
  links: z.strictObject({ accountOpening: link, payment: link, orderOutcome: link, recipient: z.enum(['rest', 'copy']) }),
  flows: z.strictObject({ registration: flow, order: flow }).optional(),
  names: z.partialRecord(z.enum(RENAMABLE_EVENTS), z.string().regex(/^[A-Z][A-Za-z0-9]{1,59}$/, 'an event name in PascalCase, such as OrderCompleted')).optional(),
});

const where = (path: PropertyKey[]) => (path.length ? path.join('.') : 'the file');

/** Reads and checks a style file; a file that is not a style, or a style that would lose or double an effect, is refused in one line naming the field. */
export function loadVariantFile(file: string): Variant {
  const path = resolve(file);
  const refuse = (field: string, reason: string): never => {
    throw new AppError('USAGE', `${file}: ${field}: ${reason}`);
  };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
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
    const [issue] = parsed.error.issues;
    const allowed = (path: PropertyKey[]) =>
      path.length === 0 ? Object.keys(variantFile.shape) : path[0] === 'links' ? Object.keys(variantFile.shape.links.shape) : path[0] === 'names' ? [...RENAMABLE_EVENTS] : [];
    const unknown =
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.map((k) => [...issue.path, k].join('.')).join(', ')} (${issue.path[0] === 'names' ? 'events a style can rename' : 'fields here'}: ${allowed(issue.path).join(', ')})`
        : undefined;
    return refuse(unknown ? where(issue.path) : where(issue.path), unknown ?? issue.message);
  }
  const variant: Variant = { ...parsed.data, source: path };
  const [problem] = variantProblems(variant);
  if (problem) refuse(problem.field, problem.reason);
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
