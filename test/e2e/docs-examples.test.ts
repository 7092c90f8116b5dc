// Every example in the README and docs/ runs: each scenario file on every built-in style, each style file
// booted with the built-in happy path and saga, and each command cheap enough to run (listing, checking and
// showing styles and scenarios; run, diagram and walk of a named scenario or script) run by the built CLI, as a reader would,
// in a folder of its own. Where a page shows a command's output (a `text output` block right after the
// command), the command's real output holds each of its lines, figures and ids aside. The rest of the
// commands (every scenario, RabbitMQ, PostgreSQL, processes, bench, evidence, explore, serve) are parsed
// against the CLI's options by test/unit/docs.test.ts and run by the tests of those commands.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MemoryTransport } from '../../src/broker/memory-transport.js';
import { BUILTIN_SCENARIOS, loadScenarios, parseScenario } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/runner.js';
import type { Scenario } from '../../src/scenarios/scenario-schema.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { variants } from '../../src/variants/index.js';
import { loadVariantFile } from '../../src/variants/variant-file.js';
import type { Variant } from '../../src/variants/variant.js';
import { allBlocks, at, commandsOf, masked, orderctlArgs, ROOT, yamlKind, type Block, type Command } from '../support/docs.js';

const tmp = mkdtempSync(join(tmpdir(), 'orderctl-docs-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const blocks = allBlocks();
const examples = blocks.filter((b) => b.lang === 'yaml').map((b) => ({ block: b, ...yamlKind(b) }));
const scenarioExamples: [string, Scenario][] = examples.filter((e) => e.kind === 'scenario').map((e) => [at(e.block), parseScenario(`${at(e.block)}.yaml`, e.doc)]);
const styleExamples: [string, Variant][] = examples
  .filter((e) => e.kind === 'style')
  .map((e) => {
    const file = join(mkdtempSync(join(tmp, 'style-')), 'example.yaml');
    writeFileSync(file, e.block.text);
    return [at(e.block), loadVariantFile(file)];
  });

/** Runs `scenarios` on a freshly booted `variant` (one process, in-process broker) and says which steps failed. */
async function failedSteps(variant: Variant, scenarios: Scenario[]): Promise<string[]> {
  const system: RunningSystem = await bootSystem({ variant, transport: new MemoryTransport() });
  try {
    const failed: string[] = [];
    for (const scenario of scenarios) {
      const result = await runScenario(system, scenario);
      expect(result.steps).toHaveLength(scenario.steps.length);
      failed.push(...result.steps.filter((s) => !s.passed).map((s) => `${scenario.name} step ${s.index} ${s.title}: ${s.problems.join('; ')}`));
    }
    return failed;
  } finally {
    await system.close();
  }
}

describe('scenario examples', () => {
  test('there are some', () => expect(scenarioExamples.length).toBeGreaterThanOrEqual(2));

  test.each(variants.map((v) => [v.name, v] as const))('every scenario example holds on %s', async (_name, variant) => {
    expect(await failedSteps(variant, scenarioExamples.map(([, s]) => s))).toEqual([]);
  });
});

describe('style examples', () => {
  let builtIn: Scenario[];
  beforeAll(async () => {
    builtIn = (await loadScenarios(BUILTIN_SCENARIOS)).filter((s) => ['happy-path', 'saga-happy-path'].includes(s.name));
  });

  test('there are some', () => expect(styleExamples.length).toBeGreaterThanOrEqual(1));

  test.each(styleExamples)('the style at %s boots and runs the happy path and the saga', async (_at, variant) => {
    expect(builtIn).toHaveLength(2);
    expect(await failedSteps(variant, builtIn)).toEqual([]);
  });
});

/** A command is run when it is cheap: it lists, checks or shows, or it runs a named scenario or two (or a script) in one process (every style at once only without a report), and names no placeholder (`…`). */
function cheap(args: string[]): boolean {
  const [command] = args;
  if (command === 'variants' || command === 'scenarios') return true;
  if (!['run', 'diagram', 'walk'].includes(command)) return false;
  const value = (name: string) => args.find((a, i) => a.startsWith(`${name}=`) || args[i - 1] === name)?.replace(`${name}=`, '');
  const variant = value('--variant');
  const heavy = ['--broker', '--processes', '--replicas', '--store', '--otlp-endpoint', '--repeat'].some((o) => args.some((a) => a === o || a.startsWith(`${o}=`)));
  const count = (o: string) => args.filter((a) => a === o || a.startsWith(`${o}=`)).length;
  const named = (count('--scenario') >= 1 && count('--scenario') <= 2) || count('--script') === 1;
  // Every style at once is cheap only without pictures to render.
  const pictures = !args.includes('--no-report') && !args.includes('--no-render');
  return !heavy && variant !== undefined && !(variant === 'all' && pictures) && named && !args.some((a) => a.includes('…'));
}

/** The folder the commands run in, as a reader's clone: the styles and scenarios, the files the pages show (`text file=NAME`), and what their `cp`/`sed` lines make. */
function readerFolder(): string {
  const dir = mkdtempSync(join(tmp, 'reader-'));
  for (const d of ['variants', 'scenarios']) symlinkSync(join(ROOT, d), join(dir, d));
  for (const b of blocks.filter((b) => b.attrs.file)) writeFileSync(join(dir, b.attrs.file), b.text);
  const setup = blocks.filter((b) => b.lang === 'sh').flatMap(commandsOf).filter((c) => /^(cp|sed) /.test(c.source));
  for (const c of setup) execFileSync('bash', ['-c', c.source.replace(/\s+#\s.*$/, '')], { cwd: dir });
  return dir;
}

function orderctl(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/orderctl'), ...args], { cwd, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('command examples', () => {
  const shown = blocks.flatMap((b, i) => (b.lang === 'sh' ? commandsOf(b).map((command) => ({ command, output: commandsOf(b).length === 1 && blocks[i + 1]?.lang === 'text' && 'output' in blocks[i + 1].attrs ? blocks[i + 1] : undefined })) : []));
  // Each distinct command once (the README repeats a few of docs/), unless its output is shown.
  const run = shown
    .filter(({ command }) => orderctlArgs(command) && cheap(orderctlArgs(command)!))
    .filter(({ command, output }, i, all) => output || !all.some((other, j) => j < i && other.command.source === command.source));
  let cwd: string;
  beforeAll(() => {
    cwd = readerFolder();
  });

  test('the cheap ones are many, and every output shown belongs to one of them', () => {
    expect(run.length).toBeGreaterThanOrEqual(10);
    const outputs = blocks.filter((b) => b.lang === 'text' && 'output' in b.attrs);
    expect(outputs.length).toBeGreaterThanOrEqual(2);
    expect(outputs.map(at).sort()).toEqual(run.filter((r) => r.output).map((r) => at(r.output as Block)).sort());
  });

  test.each(run.map(({ command, output }) => [`${at(command.block)}: ${command.source}`, command, output] as const))(
    '%s runs and exits 0',
    async (_name, command: Command, output: Block | undefined) => {
      const result = await orderctl(orderctlArgs(command)!, cwd);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(result.code, result.stderr).toBe(0);
      if (output) {
        const seen = new Set((result.stdout + result.stderr).split('\n').map(masked));
        const missing = output.text
          .split('\n')
          .filter((line) => line.trim() && line.trim() !== '…')
          .filter((line) => !seen.has(masked(line)));
        expect(missing, `lines of ${at(output)} that this run did not print:\n${result.stdout}`).toEqual([]);
      }
    },
  );
});
