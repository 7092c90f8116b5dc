import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { expect, test } from 'vitest';
import { privateTmp, startCli } from '../support/cli.js';
import { eventually } from '../support/eventually.js';

/** Pids of bench children started with our private TMPDIR (their environment says so), from /proc. */
function benchChildrenOf(tmp: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes('bench-child')) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`TMPDIR=${tmp}`)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** Starts `orderctl bench` on one style with its own TMPDIR and report folder; `cleanUp` removes both. */
function startBench(variant: string) {
  const tmp = privateTmp();
  const reports = privateTmp();
  const started = startCli(['bench', `--variants=${variant}`, '--duration=5', '--warmup=0', '--connections=4', '--users=4', '--report-dir', reports], { TMPDIR: tmp }, 240_000);
  const cleanUp = () => {
    rmSync(tmp, { recursive: true });
    rmSync(reports, { recursive: true, force: true });
  };
  return { ...started, tmp, cleanUp };
}

test('SIGINT during the load stops the bench with 130, leaves no bench-child running and no temporary data', async () => {
  const { child, done, stdout, tmp, cleanUp } = startBench('hybrid');
  // The load on the variant itself is running (after both baselines), with its system's temporary data directory in our TMPDIR.
  await eventually('the load on hybrid', stdout, (out) => /^hybrid: 5 s of load…$/m.test(out), 180_000);
  await eventually('a bench child', () => benchChildrenOf(tmp), (pids) => pids.length > 0);
  await eventually('its temporary data', () => readdirSync(tmp), (files) => files.length > 0);
  child.kill('SIGINT');
  const { code, stderr } = await done;
  expect(code).toBe(130);
  expect(stderr).toContain('SIGINT: shutting down');
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).not.toContain('orderctl:');
  await eventually('no bench child left', () => benchChildrenOf(tmp), (pids) => pids.length === 0);
  expect(readdirSync(tmp)).toEqual([]);
  cleanUp();
}, 300_000);

test('when the bench itself is killed (SIGKILL), its child notices the lost parent, closes its system and exits', async () => {
  const { child, done, stdout, tmp, cleanUp } = startBench('http');
  await eventually('the load on http', stdout, (out) => /^http: 5 s of load…$/m.test(out), 180_000);
  await eventually('a bench child with its temporary data', () => ({ pids: benchChildrenOf(tmp), files: readdirSync(tmp) }), (c) => c.pids.length > 0 && c.files.length > 0);
  child.kill('SIGKILL');
  expect((await done).code).toBe(null);
  await eventually('no bench child left', () => benchChildrenOf(tmp), (pids) => pids.length === 0);
  await eventually('the temporary data removed', () => readdirSync(tmp), (files) => files.length === 0);
  cleanUp();
}, 300_000);

test('SIGINT during the expert reference\'s load stops the bench with 130 and leaves neither its child nor its temporary data dir', async () => {
  const { child, done, stdout, tmp, cleanUp } = startBench('http');
  await eventually('the load on the expert reference', stdout, (out) => /^expert reference: .* before http: 5 s of load…$/m.test(out), 180_000);
  await eventually('its SQLite files in our TMPDIR', () => readdirSync(tmp), (files) => files.some((f) => f.startsWith('orderctl-expert-')));
  child.kill('SIGINT');
  const { code, stderr } = await done;
  expect(code).toBe(130);
  expect(stderr).not.toContain('orderctl:');
  await eventually('no bench child left', () => benchChildrenOf(tmp), (pids) => pids.length === 0);
  expect(readdirSync(tmp)).toEqual([]);
  cleanUp();
}, 300_000);
