import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseDuration } from '../core/duration.js';
import { AppError } from '../core/errors.js';
import { knownVariants } from '../variants/index.js';
import { TRAITS } from '../variants/variant.js';
import { closest } from './closest.js';
import { ACTION_NAMES, actions, BODY_FIELDS, EXPECTATION_KEYS, scenarioHeader, stepFields, type ActionName, type Expectation, type Scenario, type Step } from './scenario-schema.js';

/** The scenarios shipped with orderctl. */
export const BUILTIN_SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));

const fail = (file: string, message: string) => new AppError('USAGE', `${file}: ${message}`);

/** A key an expectation cannot mean is a mistake (`anwser: 201`), not a body field nobody has: say so when the file loads. */
function unknownExpectationKeys(expectation: Expectation | undefined): string[] {
  const known: readonly string[] = [...EXPECTATION_KEYS, ...BODY_FIELDS];
  return Object.keys(expectation ?? {})
    .filter((key) => !known.includes(key))
    .map((key) => {
      const near = closest(key, known);
      return `unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ''}`;
    });
}

function parseStep(file: string, raw: Record<string, unknown>, index: number): Step {
  const where = `step ${index + 1}`;
  const present = ACTION_NAMES.filter((name) => name in raw);
  if (present.length !== 1) {
    throw fail(file, `${where} must have exactly one action (${ACTION_NAMES.join(', ')}); it has ${present.length ? present.join(', ') : 'none'}`);
  }
  const action = present[0] as ActionName;
  const { [action]: argsRaw, ...rest } = raw;
  const args = actions[action].safeParse(argsRaw);
  if (!args.success) throw fail(file, `${where} (${action}): ${args.error.issues.map((i) => `${i.path.join('.') || 'value'} ${i.message}`).join('; ')}`);
  const fields = stepFields.strict().safeParse(rest);
  if (!fields.success) throw fail(file, `${where} (${action}): ${fields.error.issues.map((i) => `${i.path.join('.') || 'keys'} ${i.message}`).join('; ')}`);
  if (fields.data.eventually !== undefined) {
    try {
      parseDuration(fields.data.eventually);
    } catch (error) {
      throw fail(file, `${where} (${action}): eventually: ${(error as Error).message}`);
    }
  }
  const mistakes = [
    ...unknownExpectationKeys(fields.data.expect).map((m) => `expect: ${m}`),
    ...Object.entries(fields.data.except ?? {}).flatMap(([variant, e]) => unknownExpectationKeys(e).map((m) => `except.${variant}: ${m}`)),
  ];
  if (mistakes.length) {
    throw fail(file, `${where} (${action}): ${mistakes.join('; ')}; an expectation names ${EXPECTATION_KEYS.join(', ')} or a field of the answer (${BODY_FIELDS.join(', ')})`);
  }
  const names = [...Object.keys(TRAITS), ...knownVariants().map((v) => v.name)];
  const unknown = Object.keys(fields.data.except ?? {}).filter((name) => !names.includes(name));
  if (unknown.length) throw fail(file, `${where} (${action}): except: ${unknown.join(', ')} is neither a trait nor a style (known: ${names.join(', ')})`);
  return { action, args: args.data, ...fields.data };
}

export async function loadScenario(file: string): Promise<Scenario> {
  let doc: unknown;
  try {
    doc = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw fail(file, `not readable YAML: ${(error as Error).message}`);
  }
  const header = scenarioHeader.safeParse(doc);
  if (!header.success) throw fail(file, header.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; '));
  return {
    name: basename(file).replace(/\.ya?ml$/, ''),
    title: header.data.title,
    description: header.data.description.trim(),
    steps: header.data.steps.map((s, i) => parseStep(file, s, i)),
    file,
  };
}

/** Every `*.yaml` in `dir`, in file-name order. */
export async function loadScenarios(dir = BUILTIN_SCENARIOS): Promise<Scenario[]> {
  const entries = await readdir(resolve(dir)).catch((error: NodeJS.ErrnoException) => {
    throw new AppError('USAGE', `cannot read scenarios from ${dir}: ${error.code === 'ENOENT' ? 'no such folder' : error.message}`);
  });
  const files = entries.filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) throw new AppError('USAGE', `no scenario files (*.yaml) in ${dir}`);
  return Promise.all(files.map((f) => loadScenario(join(resolve(dir), f))));
}

/** The scenarios named (all when `names` is empty); an unknown name is a usage error listing the known ones. */
export function pickScenarios(all: Scenario[], names: string[]): Scenario[] {
  if (names.length === 0) return all;
  return names.map((name) => {
    const found = all.find((s) => s.name === name);
    if (!found) throw new AppError('USAGE', `unknown scenario "${name}" (known: ${all.map((s) => s.name).join(', ')})`);
    return found;
  });
}
