// The README and docs/ are true and whole: every link and anchor leads somewhere, every command parses
// against the CLI's real options, every scenario and style example loads with orderctl's own loaders,
// and the tables that list what the code has (styles, scenarios, fields, steps, options) list all of it.
// test/e2e/docs-examples.test.ts runs the examples; test/unit/docs-diagrams.test.ts checks the generated parts.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Command as Cli } from 'commander';
import { afterAll, describe, expect, test } from 'vitest';
import { buildProgram } from '../../src/cli/index.js';
import { PARTICIPANTS } from '../../src/diagrams/sequence-diagram.js';
import { FAULT_ACTIONS } from '../../src/faults/fault-steps.js';
import { BUILTIN_SCENARIOS, loadScenarios, parseScenario } from '../../src/scenarios/load.js';
import { ACTION_NAMES, INVARIANTS, STEP_TRAITS } from '../../src/scenarios/scenario-schema.js';
import { variants } from '../../src/variants/index.js';
import { loadVariantFile, variantFile } from '../../src/variants/variant-file.js';
import { allBlocks, allCommands, anchorsOf, at, orderctlArgs, PAGES, prose, readPage, ROOT, slug, yamlKind, type Command } from '../support/docs.js';

const tmp = mkdtempSync(join(tmpdir(), 'orderctl-docs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The rows of the first table on `page` under the heading whose text starts with `heading` (or the whole page): its first column, backticks dropped. */
function firstColumn(page: string, heading?: string): string[] {
  let text = prose(page);
  if (heading) {
    const from = text.search(new RegExp(`^#+ ${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    expect(from, `${page} has a heading "${heading}"`).toBeGreaterThanOrEqual(0);
    text = text.slice(from);
  }
  const table = /(^\|.*\|\n)+/m.exec(text)![0].trim().split('\n').slice(2);
  return table.map((row) => row.split('|')[1].trim().replace(/`/g, ''));
}

describe('the README', () => {
  const readme = readPage('README.md');

  test('is short: under 400 lines', () => {
    expect(readme.split('\n').length).toBeLessThan(400);
  });

  test('opens with a table of contents that lists its sections, in order', () => {
    const contents = /## Contents\n\n((?:- .*\n)+)/.exec(readme);
    expect(contents, 'a "## Contents" list').not.toBeNull();
    const listed = [...contents![1].matchAll(/\[(.+?)\]\(#(.+?)\)/g)].map((m) => m[2]);
    const sections = [...prose('README.md').matchAll(/^## (.+)$/gm)].map((m) => m[1]).filter((h) => h !== 'Contents');
    expect(listed).toEqual(sections.map(slug));
  });

  test('keeps the quick start the CI runs: npm ci && npx orderctl run --variant=hybrid, and bash scripts/test.sh', () => {
    const quick = allCommands().filter((c) => c.block.page === 'README.md').map((c) => c.source);
    expect(quick).toContain('npm ci && npx orderctl run --variant=hybrid');
    expect(quick).toContain('bash scripts/test.sh');
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toContain('exec bash scripts/test.sh');
  });

  test('lists every style in its table, in the order orderctl lists them', () => {
    expect(firstColumn('README.md', 'The styles at a glance')).toEqual(variants.map((v) => v.name));
  });

  test('lists every command in one table', async () => {
    const commands = (await buildProgram()).commands.map((c) => `orderctl ${c.name()}`);
    expect(firstColumn('README.md', 'Commands').sort()).toEqual(commands.sort());
  });
});

describe('links', () => {
  const links = PAGES.flatMap((page) =>
    [...prose(page).matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => ({ page, target: m[1] })).filter(({ target }) => !/^(https?:|mailto:)/.test(target)),
  );

  test('there are links between the pages, and every docs page is reached from the README', () => {
    const fromReadme = links.filter((l) => l.page === 'README.md').map((l) => l.target.split('#')[0]);
    for (const page of PAGES.filter((p) => p !== 'README.md')) expect(fromReadme, `README.md links to ${page}`).toContain(page);
  });

  test.each(links.map((l) => [`${l.page} → ${l.target}`, l] as const))('%s leads somewhere', (_name, { page, target }) => {
    const [path, anchor] = target.split('#');
    const file = path ? join(dirname(join(ROOT, page)), path) : join(ROOT, page);
    expect(existsSync(file), `${page}: ${target}: no such file`).toBe(true);
    if (anchor !== undefined) {
      expect(file.endsWith('.md'), `${page}: ${target}: an anchor into a file that is not a page`).toBe(true);
      expect([...anchorsOf(file.slice(ROOT.length + 1))], `${page}: ${target}: no such heading`).toContain(anchor);
    }
  });
});

describe('every command in the README and docs/', () => {
  const commands = allCommands();
  const orderctl = commands.filter((c) => orderctlArgs(c));
  const others = commands.filter((c) => !orderctlArgs(c));
  const scripts = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>);

  /** Parses `args` as orderctl would, with every command's action (and the --variants-dir hook) left out: only the options and arguments are checked. */
  async function parse(args: string[]): Promise<void> {
    const program = await buildProgram();
    const all = (c: Cli): Cli[] => [c, ...c.commands.flatMap(all)];
    // Only the commands that act get a stand-in: a command that only groups others (none today) keeps reporting unknown ones.
    for (const c of all(program)) if ((c as unknown as { _actionHandler?: unknown })._actionHandler) c.action(() => {});
    const out = { writeOut: () => {}, writeErr: () => {} };
    for (const c of all(program)) c.configureOutput(out);
    // --variants-dir is read by a hook before the action: give it an empty directory where the example names one.
    const cwd = process.cwd();
    process.chdir(mkdtempSync(join(tmp, 'cwd-')));
    try {
      for (const [i, a] of args.entries()) if (args[i - 1] === '--variants-dir' || a.startsWith('--variants-dir=')) mkdirSync(a.replace(/^--variants-dir=/, ''), { recursive: true });
      await program.parseAsync(args, { from: 'user' });
    } finally {
      process.chdir(cwd);
    }
  }

  test('there are many, on most pages', () => {
    expect(orderctl.length).toBeGreaterThan(40);
    expect(new Set(orderctl.map((c) => c.block.page)).size).toBeGreaterThan(8);
  });

  test.each(orderctl.map((c) => [`${at(c.block)}: ${c.source}`, c] as const))('%s parses against the CLI', async (_name, command: Command) => {
    await expect(parse(orderctlArgs(command)!)).resolves.toBeUndefined();
  });

  test('a misspelt option is caught the same way (the check is real)', async () => {
    await expect(parse(['run', '--variannt=hybrid'])).rejects.toThrow(/unknown option '--variannt=hybrid'/);
    await expect(parse(['variants', 'shwo', 'hybrid'])).rejects.toThrow();
  });

  test.each(others.map((c) => [`${at(c.block)}: ${c.source}`, c] as const))('%s names what is there', (_name, { words }) => {
    const [tool, ...rest] = words[0] === 'export' || /^[A-Z_]+=/.test(words[0]) ? ['export'] : words;
    const file = (f: string) => expect(existsSync(join(ROOT, f)), `${f} exists`).toBe(true);
    switch (tool) {
      case 'npm':
        if (rest[0] === 'run') expect(scripts).toContain(rest[1]);
        else expect(rest[0]).toBe('ci');
        break;
      case 'bash':
        file(rest[0]);
        break;
      case 'npx':
        expect(rest[0]).toBe('tsx');
        file(rest[1]);
        break;
      case 'cp':
      case 'sed':
        file(rest.find((w) => /^(variants|scenarios)\//.test(w))!);
        break;
      case 'docker':
        expect(rest[0]).toBe('compose');
        file('docker-compose.yml');
        break;
      case 'curl':
        expect(words.join(' ')).toMatch(/(localhost|127\.0\.0\.1):\d+\//);
        break;
      case 'kill':
      case 'export':
        break;
      default:
        throw new Error(`${tool}: a command this test does not know how to check; teach it`);
    }
  });
});

describe('every scenario and style example in the README and docs/', () => {
  const yaml = allBlocks().filter((b) => b.lang === 'yaml');

  test('there are scenario and style examples, and nothing else in YAML', () => {
    const kinds = yaml.map((b) => yamlKind(b).kind);
    expect(kinds).toContain('scenario');
    expect(kinds).toContain('style');
    expect(kinds.filter((k) => k === 'other'), yaml.filter((b) => yamlKind(b).kind === 'other').map(at).join(', ')).toEqual([]);
  });

  test.each(yaml.filter((b) => yamlKind(b).kind === 'scenario').map((b) => [at(b), b] as const))('the scenario at %s loads, with a title and steps', (_at, block) => {
    const scenario = parseScenario('example.yaml', yamlKind(block).doc);
    expect(scenario.title.length).toBeGreaterThan(0);
    expect(scenario.steps.length).toBeGreaterThan(2);
  });

  test.each(yaml.filter((b) => yamlKind(b).kind === 'style').map((b) => [at(b), b] as const))('the style at %s compiles into a plan (and is the file it says it is)', (_at, block) => {
    const file = join(mkdtempSync(join(tmp, 'style-')), 'example.yaml');
    writeFileSync(file, block.text);
    const style = loadVariantFile(file);
    const shipped = [join(ROOT, 'variants', `${style.name}.yaml`), join(ROOT, 'variants/examples', `${style.name}.yaml`)].find(existsSync);
    if (shipped) expect(block.text).toBe(readFileSync(shipped, 'utf8'));
  });
});

describe('the tables that list what the code has', () => {
  test('docs/scenarios.md lists every built-in scenario', async () => {
    const scenarios = (await loadScenarios(BUILTIN_SCENARIOS)).map((s) => s.name);
    expect(firstColumn('docs/scenarios.md', 'The built-in scenarios').sort()).toEqual(scenarios.sort());
  });

  test('docs/saga.md names every saga scenario among its stories', async () => {
    const sagas = (await loadScenarios(BUILTIN_SCENARIOS)).map((s) => s.name).filter((n) => n.startsWith('saga-'));
    const stories = readPage('docs/saga.md').split('## Who drives it')[0];
    for (const saga of sagas) expect(stories).toContain(`\`${saga}\``);
  });

  test('docs/scenarios.md names every action, trait and invariant a scenario file may use, and every fault step in its table', () => {
    const page = readPage('docs/scenarios.md');
    for (const name of [...ACTION_NAMES, ...Object.keys(STEP_TRAITS), ...INVARIANTS]) expect(page, name).toContain(`\`${name}`);
    const faults = prose('docs/scenarios.md').split('## Fault steps')[1].split('\n## ')[0];
    for (const fault of FAULT_ACTIONS) expect(faults, fault).toContain(`| \`${fault}: `);
  });

  test('docs/styles.md explains every field of a style file', () => {
    const fields = firstColumn('docs/styles.md', 'The fields').join(', ');
    const links = Object.keys(variantFile.shape.links.shape).map((l) => `links.${l}`);
    for (const field of [...Object.keys(variantFile.shape).filter((f) => f !== 'links'), ...links]) expect(fields, field).toContain(field);
  });

  test('docs/bench.md explains every option of bench', async () => {
    const bench = (await buildProgram()).commands.find((c) => c.name() === 'bench')!;
    const table = firstColumn('docs/bench.md', 'Running it').join(' ');
    for (const option of bench.options) expect(table, option.long).toContain(option.long!);
  });

  test('docs/reading-a-run.md names the diagrams\' participants in the order they are drawn', () => {
    const names = PARTICIPANTS.map(([, name]) => name).join(', ');
    expect(readPage('docs/reading-a-run.md').replace(/\s+/g, ' ')).toContain(`same order (${names})`);
  });
});
