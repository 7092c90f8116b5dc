import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { privateTmp, ROOT } from '../support/cli.js';
import { eventually } from '../support/eventually.js';

/** Starts `bin/orderctl serve` as a shell or npm starts it (the file itself, not `node bin/orderctl`) and reads the server process's environment. */
async function serverEnvironment(env: NodeJS.ProcessEnv): Promise<string[]> {
  const tmp = privateTmp();
  const child = spawn(join(ROOT, 'bin/orderctl'), ['serve', '--port', '0', '--json-logs'], { cwd: ROOT, env: { ...env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  try {
    await eventually('serve to start', () => out, (text) => text.includes('"event":"started"'), 60_000);
    const { pid } = JSON.parse(out.split('\n')[0]);
    // The shell line execs node: the server is the very process started, with its environment.
    expect(pid).toBe(child.pid);
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('close', resolve));
    rmSync(tmp, { recursive: true, force: true });
  }
}

test('bin/orderctl starts node with glibc giving large blocks back (MALLOC_MMAP_THRESHOLD_), and keeps a value the user set', async () => {
  const { MALLOC_MMAP_THRESHOLD_: _, ...clean } = process.env;
  expect(await serverEnvironment(clean)).toContain('MALLOC_MMAP_THRESHOLD_=131072');
  expect(await serverEnvironment({ ...clean, MALLOC_MMAP_THRESHOLD_: '65536' })).toContain('MALLOC_MMAP_THRESHOLD_=65536');
}, 150_000);
