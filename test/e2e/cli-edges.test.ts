// The CLI's edges: what a command depends on is checked before it does any work, report folders are never
// shared, an unwritable one is one line, exit codes are 2 for usage and 3 for an unreachable dependency.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { timestamp } from '../../src/report/run-report.js';
import { BUILTIN_VARIANTS_DIR } from '../../src/variants/index.js';
import { cli, privateTmp } from '../support/cli.js';

const tmp = privateTmp();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let made = 0;
/** A report folder of its own for one command, not made yet. */
const reportsOf = () => join(tmp, `reports-${++made}`);

const BROKER_DOWN = 'amqp://guest:guest@127.0.0.1:1';
const STORE_DOWN = 'postgres://postgres:secret@127.0.0.1:1/x';
const OTLP_DOWN = 'http://127.0.0.1:1';
/** A bound on a command that would hang or measure for long, not a measure of speed. */
const BOUND_MS = 60_000;
const SHORT_BENCH = ['--duration=1', '--warmup=0', '--connections=2', '--users=4', '--no-render'];
const SHORT_EVIDENCE = ['--repeat=1', '--orders=2', '--latency-steps=0,10', '--slow-ms=50', '--sagas=1', '--client-seconds=0.5', '--reply-timeout=1'];

/** Failed at once: the exit code, one line on stderr, nothing measured or run on stdout, no report folder. */
function failedAtOnce(run: { code: number | null; stdout: string; stderr: string }, code: number, reports: string, line: RegExp): void {
  expect(run.code, run.stderr).toBe(code);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr.trim()).toMatch(line);
  expect(run.stdout).toBe('');
  expect(existsSync(reports) && readdirSync(reports)).toBeFalsy();
}

describe('a dependency that cannot be reached is said before any work starts, in one line, with exit code 3', () => {
  const brokerDown = /^orderctl: cannot reach RabbitMQ at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1 \(ECONNREFUSED\)/;
  const storeDown = /^orderctl: cannot open the database in PostgreSQL \(postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/x\): connect ECONNREFUSED 127\.0\.0\.1:1/;

  test('bench --broker: nothing is measured first', async () => {
    const reports = reportsOf();
    failedAtOnce(await cli(['bench', '--variants=http,hybrid', ...SHORT_BENCH, '--broker', BROKER_DOWN, '--report-dir', reports], {}, BOUND_MS), 3, reports, brokerDown);
  });

  test('bench --store: nothing is measured on SQLite first', async () => {
    const reports = reportsOf();
    const run = await cli(['bench', '--variants=http', ...SHORT_BENCH, '--store', STORE_DOWN, '--report-dir', reports], {}, BOUND_MS);
    failedAtOnce(run, 3, reports, storeDown);
    expect(run.stderr).not.toContain('secret');
  });

  test('run --broker: no style runs first, not even http, which sends no messages', async () => {
    const reports = reportsOf();
    failedAtOnce(await cli(['run', '--variant=all', '--scenario', 'happy-path', '--no-render', '--broker', BROKER_DOWN, '--report-dir', reports], {}, BOUND_MS), 3, reports, brokerDown);
  });

  test('run --otlp-endpoint: no scenario runs and no report is written when no collector answers', async () => {
    const reports = reportsOf();
    const line = /^orderctl: cannot reach the OTLP collector at http:\/\/127\.0\.0\.1:1\/v1\/traces \(ECONNREFUSED\)/;
    failedAtOnce(await cli(['run', '--variant=http', '--scenario', 'happy-path', '--no-render', '--otlp-endpoint', OTLP_DOWN, '--report-dir', reports], {}, BOUND_MS), 3, reports, line);
  });

  test('evidence --broker: no experiment runs first', async () => {
    const reports = reportsOf();
    failedAtOnce(await cli(['evidence', '--variants=http,hybrid', ...SHORT_EVIDENCE, '--broker', BROKER_DOWN, '--report-dir', reports], {}, BOUND_MS), 3, reports, brokerDown);
  });

  test('explore --broker and --store: no style is explored first', async () => {
    const args = ['explore', '--variant=all', '--runs', '1', '--ops', '2', '--seed', '1', '--no-render', '--seeds', join(tmp, 'seeds.json')];
    const reports = reportsOf();
    failedAtOnce(await cli([...args, '--broker', BROKER_DOWN, '--report-dir', reports], {}, BOUND_MS), 3, reports, brokerDown);
    failedAtOnce(await cli([...args, '--store', STORE_DOWN, '--report-dir', reports], {}, BOUND_MS), 3, reports, storeDown);
    expect(existsSync(join(tmp, 'seeds.json'))).toBe(false);
  });
});

describe('an unwritable report folder is one line and exit code 2, before any work starts', () => {
  const refused = (dir: string) => new RegExp(`^orderctl: cannot write reports in ${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(.+\\): pass another --report-dir$`);

  test('run --report-dir /proc/nope (where mkdir never gives up by itself)', async () => {
    const run = await cli(['run', '--variant=http', '--scenario', 'happy-path', '--no-render', '--report-dir', '/proc/nope'], {}, BOUND_MS);
    failedAtOnce(run, 2, '/proc/nope', refused('/proc/nope'));
  });

  test('explore --report-dir under /proc, and bench and evidence --report-dir naming a file', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'not a folder\n');
    const explore = await cli(['explore', '--variant=http', '--runs', '1', '--ops', '2', '--seed', '1', '--no-render', '--seeds', join(tmp, 'seeds.json'), '--report-dir', '/proc/nope/deeper'], {}, BOUND_MS);
    failedAtOnce(explore, 2, '/proc/nope', refused('/proc/nope/deeper'));
    failedAtOnce(await cli(['bench', '--variants=http', ...SHORT_BENCH, '--report-dir', file], {}, BOUND_MS), 2, join(file, 'x'), refused(file));
    failedAtOnce(await cli(['evidence', '--variants=http', ...SHORT_EVIDENCE, '--report-dir', join(file, 'sub')], {}, BOUND_MS), 2, join(file, 'sub'), refused(join(file, 'sub')));
    expect(readFileSync(file, 'utf8')).toBe('not a folder\n');
  });

  test('the other folders a command makes: --data-dir (run, serve), diagram --out, explore --seeds under /proc', async () => {
    const line = (what: string, dir: string, option: string) => new RegExp(`^orderctl: cannot ${what} in ${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(.+\\): pass another ${option}$`);
    const reports = reportsOf();
    failedAtOnce(await cli(['run', '--variant=http', '--scenario', 'happy-path', '--report-dir', reports, '--data-dir', '/proc/nope/data'], {}, BOUND_MS), 2, reports, line('keep the databases', '/proc/nope/data', '--data-dir'));
    failedAtOnce(await cli(['serve', '--variant=http', '--port', '0', '--data-dir', '/proc/nope/data'], {}, BOUND_MS), 2, '/proc/nope', line('keep the databases', '/proc/nope/data', '--data-dir'));
    failedAtOnce(await cli(['diagram', '--variant=http', '--scenario=happy-path', '--no-render', '--out', '/proc/nope/d'], {}, BOUND_MS), 2, '/proc/nope', line('write diagrams', '/proc/nope/d', '--out'));
    failedAtOnce(await cli(['explore', '--variant=http', '--runs', '1', '--ops', '2', '--seed', '1', '--report-dir', reports, '--seeds', '/proc/nope/seeds.json'], {}, BOUND_MS), 2, reports, line('keep the seeds', '/proc/nope', '--seeds'));
  });
});

test('a run never writes into a report folder that is already there, even one of the same second and style', async () => {
  const reports = reportsOf();
  // Every folder this run could be named by the second it starts in, taken, each holding a file of its own.
  const now = Date.now();
  const taken = Array.from({ length: 66 }, (_, i) => join(reports, `${timestamp(new Date(now + (i - 5) * 1000))}-http`));
  for (const dir of taken) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'summary.md'), 'an earlier run\n');
  }
  const { code, stdout, stderr } = await cli(['run', '--variant=http', '--scenario', 'happy-path', '--no-render', '--report-dir', reports], {}, BOUND_MS);
  expect(code, stderr).toBe(0);
  const written = /Report: (\S+)\/index\.html/.exec(stdout)![1];
  expect(taken).not.toContain(written);
  expect(written.startsWith(reports)).toBe(true);
  expect(readFileSync(join(written, 'summary.md'), 'utf8')).toContain('happy-path');
  for (const dir of taken) expect(readdirSync(dir)).toEqual(['summary.md']);
  for (const dir of taken) expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toBe('an earlier run\n');
});

describe('exit codes: 2 for a usage error', () => {
  test('variants show nope', async () => {
    const { code, stdout, stderr } = await cli(['variants', 'show', 'nope']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim()).toMatch(/^orderctl: unknown variant "nope" \(choose one of: http, /);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a misspelt key in a style file is named as unknown, with a "did you mean"', async () => {
    const file = join(tmp, 'typo.yaml');
    writeFileSync(file, readFileSync(join(BUILTIN_VARIANTS_DIR, 'http.yaml'), 'utf8').replace('  payment:', '  paymnet:'));
    const run = await cli(['run', '--variant', file, '--no-report']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(`orderctl: ${file}: links: unknown field links.paymnet (did you mean "payment"?) (fields here: accountOpening, payment, orderOutcome, recipient, reservation, dispatch)`);
    const check = await cli(['variants', 'check', file]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('unknown field links.paymnet (did you mean "payment"?)');
  });
});
