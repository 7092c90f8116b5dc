import { SERVICES } from '../system/wiring.js';
import { readdir } from 'node:fs/promises';
import { readSmallFile } from '../core/files.js';
import { basename, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseDuration } from '../core/duration.js';
import { AppError } from '../core/errors.js';
import { isFaultAction, lastingProblem, namedMessage, type FaultAction } from '../faults/fault-steps.js';
import { knownMessageTypes } from '../faults/message-types.js';
import { knownVariants } from '../variants/index.js';
import type { ZodIssue } from 'zod';
import { closest } from './closest.js';
import {
  ACTION_EXAMPLES,
  ACTION_NAMES,
  actions,
  addressSchema,
  catalogItem,
  BODY_FIELDS,
  DEFAULT_ADDRESS,
  DEFAULT_CITIES,
  DEFAULT_ITEMS,
  EXPECTATION_KEYS,
  itemsSchema,
  scenarioHeader,
  serviceCapacity,
  STEP_TRAITS,
  stepFields,
  zone,
  type Expectation,
  type FileAction,
  type Scenario,
  type Step,
} from './scenario-schema.js';

/** The scenarios shipped with orderctl. */
export const BUILTIN_SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));

const fail = (file: string, message: string) => new AppError('USAGE', `${file}: ${message}`);

/** The keys an object of a schema has (for "did you mean"), or none when it is not an object. */
const keysOf = (schema: unknown): string[] => {
  // An object read through a transform (a fault step) has its keys on the way in.
  const object = schema as { shape?: Record<string, unknown>; in?: { shape?: Record<string, unknown> } } | undefined;
  const shape = object?.shape ?? object?.in?.shape;
  return shape ? Object.keys(shape) : [];
};

/** The keys known where an unknown key was found: in the file's header, an item of its catalog, a zone, a step's arguments or an address. */
function knownKeys(path: PropertyKey[], top: unknown): string[] {
  if (path[0] === 'capacity') return path.length === 1 ? [...SERVICES] : keysOf(serviceCapacity);
  const last = path.filter((p) => typeof p === 'string').pop();
  if (last === 'address') return keysOf(addressSchema);
  if (last === 'catalog') return keysOf(catalogItem);
  if (last === 'zones') return keysOf(zone);
  return keysOf(top);
}

/** Zod's issues in words: `items: give items as …`, `unknown key "itmes" (did you mean "items"?)`, `order: is missing`. */
function explain(issueList: readonly ZodIssue[], top: unknown, whole: string): string {
  return issueList
    .map((i) => {
      const where = i.path.map((p) => (typeof p === 'number' ? `#${p + 1}` : String(p))).join(' ');
      if (i.code === 'unrecognized_keys') {
        const known = knownKeys(i.path, top);
        return i.keys
          .map((k) => {
            const near = closest(k, known);
            return `${where ? `${where}: ` : ''}unknown key "${k}"${near ? ` (did you mean "${near}"?)` : ''}${known.length ? ` (known: ${known.join(', ')})` : ''}`;
          })
          .join('; ');
      }
      const message = /received undefined$/.test(i.message) ? 'is missing' : i.message;
      // A check of a whole value says what is wrong in a sentence of its own.
      if (!where && i.code === 'custom') return message;
      return `${where || whole} ${message}`;
    })
    .join('; ');
}

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

/** The items and cities a scenario may name: its own (loaded per run), the shared defaults, and those it declares unknown to the shop. */
interface Names {
  items: { own: string[]; all: string[] };
  cities: { own: string[]; all: string[] };
}

function namesOf(file: string, header: { catalog: { sku: string }[]; zones: { city: string }[]; 'not-sold': string[]; 'not-served': string[] }): Names {
  const ownItems = header.catalog.map((i) => i.sku);
  const ownCities = header.zones.map((z) => z.city);
  const twice = (list: string[]) => list.filter((n, i) => list.indexOf(n) !== i);
  const clash = (mine: string[], theirs: readonly string[]) => mine.filter((n) => theirs.includes(n));
  const problems = [
    ...twice([...ownItems, ...header['not-sold']]).map((n) => `item "${n}" is named twice in catalog and not-sold`),
    ...twice([...ownCities, ...header['not-served']]).map((n) => `city "${n}" is named twice in zones and not-served`),
    ...clash([...ownItems, ...header['not-sold']], DEFAULT_ITEMS).map((n) => `item "${n}" is in the default catalog (${DEFAULT_ITEMS.join(', ')}): give the scenario's own item another name`),
    ...clash([...ownCities, ...header['not-served']], DEFAULT_CITIES).map((n) => `city "${n}" is a default delivery zone (${DEFAULT_CITIES.join(', ')}): give the scenario's own city another name`),
  ];
  if (problems.length) throw fail(file, problems.join('; '));
  return {
    items: { own: ownItems, all: [...ownItems, ...DEFAULT_ITEMS, ...header['not-sold']] },
    cities: { own: ownCities, all: [...ownCities, ...DEFAULT_CITIES, ...header['not-served']] },
  };
}

/** Every item and city a step names must be one the scenario knows of: a slip of the keyboard is an error when the file loads, not a refused order when it runs. */
function unknownNames(names: Names, items: string[], cities: string[]): string[] {
  const say = (kind: 'item' | 'city', name: string, known: string[], where: string) => {
    const near = closest(name, known);
    return `unknown ${kind} "${name}"${near ? ` (did you mean "${near}"?)` : ''}: ${where}`;
  };
  return [
    ...items.filter((i) => !names.items.all.includes(i)).map((i) => say('item', i, names.items.all, `an item is in the scenario's catalog${names.items.own.length ? ` (${names.items.own.join(', ')})` : ''}, the default catalog (${DEFAULT_ITEMS.join(', ')}) or its not-sold list`)),
    ...cities.filter((c) => !names.cities.all.includes(c)).map((c) => say('city', c, names.cities.all, `a city is one of the scenario's zones${names.cities.own.length ? ` (${names.cities.own.join(', ')})` : ''}, a default zone (${DEFAULT_CITIES.join(', ')}) or in its not-served list`)),
  ];
}

/**
 * The items and cities an expectation names (`items`, `sku`, `city`, at any depth); its short-form
 * items (`items: { last-lamp: 1 }`) become the list the API answers with, in place.
 */
function namesInExpectation(value: unknown, found: { items: string[]; cities: string[]; problems: string[] }): void {
  if (Array.isArray(value)) {
    for (const v of value) namesInExpectation(v, found);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const object = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(object)) {
    if (key === 'items' && v !== null && typeof v === 'object') {
      const lines = itemsSchema.safeParse(v);
      if (!lines.success) found.problems.push(`items ${lines.error.issues[0].message}`);
      else {
        object.items = lines.data;
        found.items.push(...lines.data.map((l) => l.sku));
      }
    } else if (key === 'sku' && typeof v === 'string') found.items.push(v);
    else if (key === 'city' && typeof v === 'string') found.cities.push(v);
    else namesInExpectation(v, found);
  }
}

/** The items and cities a step's action names. */
function namesInArgs(action: FileAction, args: any): { items: string[]; cities: string[] } {
  switch (action) {
    case 'order':
      return { items: (args.items ?? []).map((l: { sku: string }) => l.sku), cities: args.address ? [args.address.city] : [] };
    case 'race':
      return { items: [args.sku], cities: args.address ? [args.address.city] : [] };
    case 'stock':
      return { items: [args], cities: [] };
    default:
      return { items: [], cities: [] };
  }
}

/** What a `together` step may send at once: a customer's requests. */
const TOGETHER_ACTIONS = ['deposit', 'withdraw', 'order', 'balance', 'orders', 'order-status', 'cancel', 'received', 'stock', 'notifications', 'request'] as const;

function parseStep(file: string, raw: Record<string, unknown>, index: number, names: Names, hasCatalog: boolean, where = `step ${index + 1}`): Step {
  const present = ACTION_NAMES.filter((name) => name in raw);
  if (present.length !== 1) {
    throw fail(file, `${where} must have exactly one action (${ACTION_NAMES.join(', ')}); it has ${present.length ? present.join(', ') : 'none'}`);
  }
  const action = present[0];
  const { [action]: argsRaw, ...rest } = raw;
  const args = actions[action].safeParse(argsRaw);
  if (!args.success) {
    const example = ACTION_EXAMPLES[action];
    throw fail(file, `${where} (${action}): ${explain(args.error.issues, actions[action], 'value')}${example ? `; write it as ${example}` : ''}`);
  }
  const fields = stepFields.strict().safeParse(rest);
  if (!fields.success) throw fail(file, `${where} (${action}): ${explain(fields.error.issues, stepFields, 'keys')}`);
  if (fields.data.eventually !== undefined) {
    try {
      parseDuration(fields.data.eventually);
    } catch (error) {
      throw fail(file, `${where} (${action}): eventually: ${(error as Error).message}`);
    }
  }
  if (action === 'race' && fields.data.eventually !== undefined) {
    throw fail(file, `${where} (race): a race cannot be run again until it holds (its customers would race twice): leave out eventually; the race waits for each order itself (within, 15s unless given)`);
  }
  if (action === 'race' && args.data && (args.data as { within?: string | number }).within !== undefined) {
    try {
      parseDuration((args.data as { within: string | number }).within);
    } catch (error) {
      throw fail(file, `${where} (race): within: ${(error as Error).message}`);
    }
  }
  if (action === 'check' && (args.data as string[]).includes('stock-balanced') && !hasCatalog) {
    throw fail(file, `${where} (check): stock-balanced checks the scenario's own catalog, and this scenario has none (the default catalog is shared by every run on the system): add a catalog`);
  }
  const mistakes = [
    ...unknownExpectationKeys(fields.data.expect).map((m) => `expect: ${m}`),
    ...Object.entries(fields.data.except ?? {}).flatMap(([variant, e]) => unknownExpectationKeys(e).map((m) => `except.${variant}: ${m}`)),
  ];
  if (mistakes.length) {
    throw fail(file, `${where} (${action}): ${mistakes.join('; ')}; an expectation names ${EXPECTATION_KEYS.join(', ')} or a field of the answer (${BODY_FIELDS.join(', ')})`);
  }
  const variantNames = [...Object.keys(STEP_TRAITS), ...knownVariants().map((v) => v.name)];
  for (const key of ['except', 'only'] as const) {
    const named = key === 'except' ? Object.keys(fields.data.except ?? {}) : (fields.data.only ?? []);
    const unknown = named.filter((name) => !variantNames.includes(name));
    if (unknown.length) {
      const near = unknown.map((u) => closest(u, variantNames)).filter(Boolean);
      throw fail(file, `${where} (${action}): ${key}: ${unknown.join(', ')} is neither a trait nor a style (known: ${variantNames.join(', ')})${near.length ? `; did you mean ${near.join(', ')}?` : ''}`);
    }
  }
  if (isFaultAction(action)) return faultStep(file, where, action, args.data as FaultAction, fields.data);
  if (action === 'together') {
    if (fields.data.for !== undefined) throw fail(file, `${where} (together): for: only a fault step lasts a while`);
    const parts = (args.data as Record<string, unknown>[]).map((raw, i) => parseStep(file, raw, index, names, hasCatalog, `${where}, together[${i}]`));
    const wrong = parts.find((p) => !TOGETHER_ACTIONS.includes(p.action as (typeof TOGETHER_ACTIONS)[number]));
    if (wrong) throw fail(file, `${where} (together): ${wrong.action} cannot be sent together with other steps; together takes ${TOGETHER_ACTIONS.join(', ')}`);
    return { action, args: parts, ...fields.data };
  }
  if (fields.data.for !== undefined) throw fail(file, `${where} (${action}): for: only a fault step lasts a while (stop, latency, broker, late, duplicate, drop, fail)`);

  const named = namesInArgs(action, args.data);
  const inExpectations = { items: [] as string[], cities: [] as string[], problems: [] as string[] };
  namesInExpectation([fields.data.expect, ...Object.values(fields.data.except ?? {})], inExpectations);
  const wrongNames = [...inExpectations.problems, ...unknownNames(names, [...named.items, ...inExpectations.items], [...named.cities, ...inExpectations.cities])];
  if (wrongNames.length) throw fail(file, `${where} (${action}): ${[...new Set(wrongNames)].join('; ')}`);
  let data: any = args.data;
  // An order with items and no address goes to a default zone.
  if (action === 'order' && data.items && !data.address) data = { ...data, address: { ...DEFAULT_ADDRESS } };
  return { action, args: data, ...fields.data };
}

/** A fault step: no expectation (it is not the system's answer), a `for` only where it puts a fault on, and a message type some style sends. */
function faultStep(file: string, where: string, action: FileAction, fault: FaultAction, fields: Omit<Step, 'action' | 'args'>): Step {
  const said = (problem: string) => fail(file, `${where} (${action}): ${problem}`);
  const expecting = (['expect', 'except', 'eventually'] as const).filter((key) => fields[key] !== undefined);
  if (expecting.length) throw said(`${expecting.join(', ')}: a fault step expects nothing of the system; expect what the client sees in the steps after it`);
  if (fields.for !== undefined) {
    const problem = lastingProblem(fault, fields.for);
    if (problem) throw said(problem);
  }
  const message = namedMessage(fault);
  const known = knownMessageTypes();
  if (message && !known.includes(message)) {
    const near = closest(message, known);
    throw said(`unknown message type "${message}"${near ? ` (did you mean "${near}"?)` : ''}: a message is one a style puts on the broker (${known.join(', ')}), or all`);
  }
  return { action, args: { action: fault, lasting: fields.for }, ...fields };
}

export async function loadScenario(file: string): Promise<Scenario> {
  let doc: unknown;
  try {
    doc = parse(readSmallFile(file));
  } catch (error) {
    throw fail(file, `not readable YAML: ${(error as Error).message}`);
  }
  return parseScenario(file, doc);
}

/** A scenario from what its file holds, parsed (`file` names it in messages, and gives it its name). */
export function parseScenario(file: string, doc: unknown): Scenario {
  const header = scenarioHeader.safeParse(doc);
  if (!header.success) throw fail(file, explain(header.error.issues, scenarioHeader, 'file:'));
  const { catalog, zones } = header.data;
  const names = namesOf(file, header.data);
  const steps = header.data.steps.map((s, i) => parseStep(file, s, i, names, catalog.length > 0));
  // The scenario's own items and zones are loaded by a first step of its own, so every way of running steps (run, diagram, walk) loads them.
  const setup: Step[] = catalog.length || zones.length ? [{ action: 'setup', args: { catalog, zones }, why: "Loads the scenario's own items and delivery zones, under names unique to this run, so that no other run can take them." }] : [];
  return {
    name: basename(file).replace(/\.ya?ml$/, ''),
    title: header.data.title,
    description: header.data.description.trim(),
    catalog,
    zones,
    notSold: header.data['not-sold'],
    notServed: header.data['not-served'],
    steps: [...setup, ...steps],
    ...(header.data.capacity ? { capacity: header.data.capacity } : {}),
    reference: header.data.reference,
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
/** A `--scenario` that names a file (a path, or a name ending in .yaml) rather than a scenario of the folder. */
const isFile = (name: string) => /\.ya?ml$/i.test(name) || name.includes('/') || name.includes(sep);

/** The scenarios `--scenario` names, each one of `dir`'s by name or a file of its own by path (every one of `dir`'s when none). */
export async function selectScenarios(dir: string, names: string[]): Promise<Scenario[]> {
  const files = names.filter(isFile);
  const all = files.length === names.length && names.length ? [] : await loadScenarios(dir);
  const own = new Map(await Promise.all(files.map(async (file) => [file, await loadScenario(resolve(file))] as const)));
  return names.length ? names.map((name) => own.get(name) ?? pickScenarios(all, [name])[0]) : all;
}

export function pickScenarios(all: Scenario[], names: string[]): Scenario[] {
  if (names.length === 0) return all;
  return names.map((name) => {
    const found = all.find((s) => s.name === name);
    if (!found) throw new AppError('USAGE', `unknown scenario "${name}" (known: ${all.map((s) => s.name).join(', ')}; or give a scenario file's path, e.g. ./my-scenario.yaml)`);
    return found;
  });
}
