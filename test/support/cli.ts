import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/orderctl');

/** What a CLI run printed and how it ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A private TMPDIR for a child, to check it leaves nothing behind. */
export const privateTmp = () => mkdtempSync(join(tmpdir(), 'orderctl-cli-'));

/** Starts `orderctl args...` without a terminal, as CI does; a run still going after `killAfterMs` is killed (code null). */
export function startCli(args: string[], env: Record<string, string> = {}, killAfterMs = 120_000): { child: ChildProcess; done: Promise<CliRun>; stdout: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  child.on('close', () => clearTimeout(killer));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done, stdout: () => stdout };
}

export const cli = (args: string[], env: Record<string, string> = {}, killAfterMs?: number) => startCli(args, env, killAfterMs).done;
