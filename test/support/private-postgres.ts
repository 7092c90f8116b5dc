import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { holdFreePorts } from '../../src/system/free-ports.js';
import { eventually } from './eventually.js';

/** The server binaries of the PostgreSQL installed here (Debian puts them under /usr/lib/postgresql/<version>/bin). */
function binaries(): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort().at(-1) : undefined;
  if (!version) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql: apt-get install postgresql');
  return join(root, version, 'bin');
}

/** PostgreSQL refuses to run as root: as root, its programs run as the postgres user. */
function postgresUser(): { uid: number; gid: number } | object {
  if (process.getuid?.() !== 0) return {};
  return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
}

/** The processes working in `dir` (a PostgreSQL server's postmaster and backends all do). */
const workingIn = (dir: string) =>
  readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return readlinkSync(`/proc/${pid}/cwd`) === dir;
    } catch {
      return false;
    }
  });

/** A PostgreSQL server of a test's own, and what the test may do to it. */
export interface PrivatePostgres {
  url: string;
  /** SIGKILL to the postmaster and every backend at once. */
  crash(): Promise<void>;
  /** Shuts the server down as an operator would: `fast` (SIGINT: sessions cut, clean checkpoint) or `immediate` (SIGQUIT: no checkpoint, recovery at the next start). */
  halt(mode: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same data and port. */
  start(): Promise<void>;
  /** SIGSTOP to the postmaster and every backend: connections stay open and nothing answers (a hung server, a partition that drops nothing). */
  freeze(): void;
  /** SIGCONT to every process frozen. */
  thaw(): void;
  /** Stops it for good and removes its data. */
  stop(): Promise<void>;
}

/**
 * A PostgreSQL server of the test's own (its own data dir, port and socket folder), never the shared
 * one: a test may crash it (SIGKILL to the postmaster and every backend at once), start it again on the
 * same data, and stop it for good.
 */
export async function privatePostgres(): Promise<PrivatePostgres> {
  const bin = binaries();
  const user = postgresUser();
  // Under /tmp itself: the postgres user must reach it, and a test's own TMPDIR is often private to root.
  const dir = mkdtempSync('/tmp/orderctl-pg-');
  const data = join(dir, 'data');
  if ('uid' in user) chownSync(dir, user.uid as number, user.gid as number);
  execFileSync(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], { stdio: 'ignore', ...user });
  // Held for the server's whole life (it binds it again after a crash), never handed to anything else of this process.
  const held = await holdFreePorts(1);
  const [port] = held.ports;
  const url = `postgres://postgres@127.0.0.1:${port}/orderctl_crash`;
  let server: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  const accepting = () => {
    try {
      execFileSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  const start = async () => {
    // Its own process group, and this process its parent: a crash kills the postmaster and every backend in one signal, and the dead are reaped here.
    server = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'], { detached: true, stdio: ['ignore', 'ignore', process.env.DEBUG_PG ? 'inherit' : 'ignore'], ...user });
    exited = new Promise((resolve) => server!.once('exit', resolve));
    await eventually(`PostgreSQL on port ${port} to accept connections`, accepting, (ok) => ok);
  };
  const crash = async () => {
    try {
      if (server?.pid) process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
    server = undefined;
    for (const pid of workingIn(data)) process.kill(Number(pid), 'SIGKILL');
    await eventually('every process of the crashed server to be gone', () => workingIn(data).length, (n) => n === 0);
  };
  const halt = async (mode: 'fast' | 'immediate') => {
    if (server?.pid) process.kill(server.pid, mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    await exited;
    server = undefined;
    await eventually('every process of the server to be gone', () => workingIn(data).length, (n) => n === 0);
  };
  let frozen: number[] = [];
  const freeze = () => {
    frozen = workingIn(data).map(Number);
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
  };
  const thaw = () => {
    for (const pid of frozen) process.kill(pid, 'SIGCONT');
    frozen = [];
  };
  const stop = async () => {
    thaw();
    await crash();
    held.release();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, crash, halt, start, stop, freeze, thaw };
}
