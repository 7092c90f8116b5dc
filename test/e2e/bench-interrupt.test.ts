import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { expect, test } from 'vitest';
import { privateTmp, startCli } from '../support/cli.js';

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

async function until<T>(what: string, probe: () => T | undefined | false, deadlineMs: number): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('SIGINT during the load stops the bench with 130, leaves no bench-child running and no temporary data', async () => {
  const tmp = privateTmp();
  const reports = privateTmp();
  const { child, done, stdout } = startCli(['bench', '--variants=hybrid', '--duration=10', '--warmup=0', '--connections=4', '--users=4', '--report-dir', reports], { TMPDIR: tmp }, 240_000);
  // The load on the variant itself is running (after both baselines), with its system's temporary data directory in our TMPDIR.
  await until('the load on hybrid', () => /^hybrid: 10 s of load…$/m.test(stdout()), 180_000);
  const running = await until('a bench child', () => benchChildrenOf(tmp).length > 0 && benchChildrenOf(tmp), 30_000);
  expect(running.length).toBeGreaterThan(0);
  await until('its temporary data', () => readdirSync(tmp).length > 0, 30_000);
  child.kill('SIGINT');
  const { code, stderr } = await done;
  expect(code).toBe(130);
  expect(stderr).toContain('SIGINT: shutting down');
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).not.toContain('orderctl:');
  await until('no bench child left', () => benchChildrenOf(tmp).length === 0, 30_000);
  expect(readdirSync(tmp)).toEqual([]);
  rmSync(tmp, { recursive: true });
  rmSync(reports, { recursive: true, force: true });
}, 300_000);

test('when the bench itself is killed (SIGKILL), its child notices the lost parent, closes its system and exits', async () => {
  const tmp = privateTmp();
  const reports = privateTmp();
  const { child, done, stdout } = startCli(['bench', '--variants=http', '--duration=10', '--warmup=0', '--connections=4', '--users=4', '--report-dir', reports], { TMPDIR: tmp }, 240_000);
  await until('the load on http', () => /^http: 10 s of load…$/m.test(stdout()), 180_000);
  await until('a bench child with its temporary data', () => benchChildrenOf(tmp).length > 0 && readdirSync(tmp).length > 0, 30_000);
  child.kill('SIGKILL');
  expect((await done).code).toBe(null);
  await until('no bench child left', () => benchChildrenOf(tmp).length === 0, 60_000);
  await until('the temporary data removed', () => readdirSync(tmp).length === 0, 30_000);
  rmSync(tmp, { recursive: true });
  rmSync(reports, { recursive: true, force: true });
}, 300_000);
