import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import newman, { type NewmanRunSummary } from 'newman';
import { afterAll, describe, expect, test } from 'vitest';
import { variants } from '../../src/variants/index.js';
import { cli, privateTmp, startCli } from '../support/cli.js';
import { eventually } from '../support/eventually.js';

const DIR = mkdtempSync(join(tmpdir(), 'orderctl-postman-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

/** `orderctl deploy postman` for a style: the file and what it says it exported. */
async function exported(style: string) {
  const file = join(DIR, `${style}.postman_collection.json`);
  const run = await cli(['deploy', 'postman', '--variant', style, '--out', file, '--json']);
  expect(run.code, run.stderr).toBe(0);
  return { file, ...(JSON.parse(run.stdout) as { included: { scenario: string; requests: number }[]; leftOut: { scenario: string; step: number; reason: string }[] }) };
}

/** Runs `body` against `orderctl serve --variant style --port 0`, started for it and stopped after. */
async function withServe<T>(style: string, body: (baseUrl: string) => Promise<T>): Promise<T> {
  const tmp = privateTmp();
  const serve = startCli(['serve', '--variant', style, '--port', '0', '--admin-port', '0', '--json-logs'], { TMPDIR: tmp });
  try {
    await eventually('serve to start (or exit)', () => serve.stdout(), (out) => out.includes('"event":"started"') || serve.child.exitCode !== null);
    const started = JSON.parse(serve.stdout().split('\n').find((l) => l.includes('"event":"started"'))!) as { gateway: string };
    return await body(started.gateway.replace(/\/api\/v1$/, ''));
  } finally {
    serve.child.kill('SIGTERM');
    await serve.done;
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** newman's Node API, as `newman run FILE --env-var baseUrl=…` runs it. */
const runNewman = (file: string, baseUrl: string) =>
  new Promise<NewmanRunSummary>((resolve, reject) => {
    newman.run({ collection: JSON.parse(readFileSync(file, 'utf8')), envVar: [{ key: 'baseUrl', value: baseUrl }], reporters: [] }, (error, summary) => (error ? reject(error) : resolve(summary)));
  });

describe('the exported collection runs green with newman against serve, for every built-in style', () => {
  test.each(variants.map((v) => [v.name] as const))('%s', async (style) => {
    const { file, included, leftOut } = await exported(style);
    expect(included.map((s) => s.scenario)).toEqual(expect.arrayContaining(['happy-path', 'insufficient-funds', 'order-right-after-registration']));
    expect(leftOut.find((l) => l.scenario === 'fault-notification-down')?.reason).toContain('stop: a fault');
    const summary = await withServe(style, (baseUrl) => runNewman(file, baseUrl));
    expect(summary.run.failures.map((f) => `${f.source?.name}: ${f.error.message}`)).toEqual([]);
    // One test per request (the style check, then each step): none was left unasserted.
    const requests = 1 + included.reduce((n, s) => n + s.requests, 0);
    expect(summary.run.stats.assertions.total).toBe(requests);
    expect(summary.run.stats.assertions.failed).toBe(0);
  });

  test("a collection run against another style's system fails, saying so: its tests assert that style's answers", async () => {
    const { file } = await exported('hybrid');
    const summary = await withServe('http', (baseUrl) => runNewman(file, baseUrl));
    const failed = summary.run.failures.map((f) => `${f.source?.name}: ${f.error.message}`);
    expect(failed).toContain('the system runs hybrid: variant: expected hybrid, got http');
    // hybrid answers an order 202 (pending), http 201 (succeeded).
    expect(failed.some((f) => f.includes('answer: expected 202, got 201'))).toBe(true);
  });

  test('the command says which scenarios it left out and why, and where the collection points by default', async () => {
    const file = join(DIR, 'text.json');
    const run = await cli(['deploy', 'postman', '--variant', 'hybrid', '--out', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/left out \d+/);
    expect(run.stdout).toContain('concurrent-orders (step 1): crowd');
    expect(run.stdout).toContain('told-by-push');
    const collection = JSON.parse(readFileSync(file, 'utf8'));
    expect(collection.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    expect(collection.variable).toContainEqual({ key: 'baseUrl', value: 'http://localhost:8080' });
    const usage = await cli(['deploy', 'postman', '--variant', 'no-such-style', '--out', file]);
    expect(usage.code).toBe(2);
  });
});
