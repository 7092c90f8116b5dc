import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchUser } from './bench-protocol.js';
import type { FromSoakChild, LoadOrders, MemorySample, SoakTarget, ToSoakChild } from './soak-protocol.js';
import { nextAnswer, STOP_GRACE_MS, type Stoppable } from './sut.js';

/** The system of a soak or growth run, in its own process. */
export interface SoakSut extends Stoppable {
  url: string;
  path: string;
  users: BenchUser[];
  bootMs: number;
  /** How long the first recovery pass after boot took (an upper bound: until a pass asked right after boot ended). */
  firstPassMs: number;
  /** What that pass did (every count zero when nothing old was touched). */
  firstPass: Record<string, number>;
  /** The glibc setting the system's process started with (null: unset). */
  mallocMmapThreshold: string | null;
  pid: number;
  sample(): Promise<MemorySample>;
  /** Counts CPU from now. */
  mark(): Promise<void>;
  /** CPU milliseconds the system used since the mark. */
  cpuMs(): Promise<number>;
  settle(): Promise<void>;
  orders(since: number): Promise<LoadOrders>;
}

function childEntry(): { file: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./soak-child.js', import.meta.url));
  return existsSync(js) ? { file: js, execArgv: [] } : { file: fileURLToPath(new URL('./soak-child.ts', import.meta.url)), execArgv: ['--import', 'tsx'] };
}

/** Starts the system in a child process (its own process group: a Ctrl-C reaches the bench, which stops it in order) and waits until it is ready. */
export async function startSoakSut(target: SoakTarget, track: (child: Stoppable) => void = () => {}): Promise<SoakSut> {
  const { file, execArgv } = childEntry();
  const child: ChildProcess = fork(file, [], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], detached: true });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => (clearTimeout(killer), resolve()));
      if (child.connected) child.send({ type: 'stop' } satisfies ToSoakChild);
      else child.kill('SIGTERM');
    }));
  track({ close: stop });
  const ask = <T extends FromSoakChild['type']>(message: ToSoakChild, type: T) => {
    const answer = nextAnswer<FromSoakChild, T>(child, type);
    if (child.connected) child.send(message);
    return answer;
  };
  const ready = await ask({ type: 'start', target }, 'ready').catch(async (error) => {
    await stop();
    throw error;
  });
  return {
    url: ready.url,
    path: ready.path,
    users: ready.users,
    bootMs: ready.bootMs,
    firstPassMs: ready.firstPassMs,
    firstPass: ready.firstPass,
    mallocMmapThreshold: ready.mallocMmapThreshold,
    pid: child.pid!,
    sample: async () => (await ask({ type: 'sample' }, 'sample')).sample,
    mark: async () => void (await ask({ type: 'mark' }, 'marked')),
    cpuMs: async () => (await ask({ type: 'cpu' }, 'cpu')).cpuMs,
    settle: async () => void (await ask({ type: 'settle' }, 'settled')),
    orders: async (since) => (await ask({ type: 'orders', since }, 'orders')).orders,
    close: stop,
  };
}
