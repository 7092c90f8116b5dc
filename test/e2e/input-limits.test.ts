import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { cli, privateTmp } from '../support/cli.js';

const BIN = join(import.meta.dirname, '../../bin/orderctl');

test('a style that is not a regular file, or too large, is refused in one line before it is read', async () => {
  const tmp = privateTmp();
  try {
    const device = await cli(['variants', 'show', '/dev/zero']);
    expect(device.code).toBe(2);
    expect(device.stderr.trim()).toBe('orderctl: /dev/zero: the file: not a regular file');
    const fifo = join(tmp, 'style.fifo');
    execFileSync('mkfifo', [fifo]);
    const pipe = await cli(['variants', 'show', fifo]);
    expect(pipe.stderr.trim()).toBe(`orderctl: ${fifo}: the file: not a regular file`);
    const huge = join(tmp, 'huge.yaml');
    writeFileSync(huge, `name: huge\ndescription: "${'x'.repeat(2 * 1024 * 1024)}"\n`);
    const big = await cli(['variants', 'show', huge]);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/larger than the 1048576 bytes a file here may have/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('a scenario file too large is refused in one line, naming the file', async () => {
  const tmp = privateTmp();
  try {
    writeFileSync(join(tmp, 'huge.yaml'), `title: huge\nsteps:\n${'  - register: ann\n'.repeat(80_000)}`);
    const run = await cli(['run', '--variant=http', '--scenarios-dir', tmp, '--scenario', 'huge', '--no-report']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/huge\.yaml.*larger than the 1048576 bytes a file here may have/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('output into a pipe its reader closed early (`orderctl run --help | head -1`): no EPIPE stack trace, exit 0', async () => {
  const child = spawn(process.execPath, [BIN, 'run', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  // The reader takes nothing and goes away, as head does after its line.
  child.stdout.destroy();
  const code = await new Promise((resolve) => child.on('close', resolve));
  expect(stderr).toBe('');
  expect(code).toBe(0);
});
