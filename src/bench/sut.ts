import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchUser, FromChild, SutStats, Target, ToChild } from './bench-protocol.js';

/** How long a system under test gets to close itself (ports, broker, temporary data) before it is killed. */
export const STOP_GRACE_MS = 10_000;

/** Something a process holds and must give back on an interrupt. */
export interface Stoppable {
  close(): Promise<void>;
}

/** What every bench mode is given besides what it measures: the load's customers and connections, who ran it, and how to stop it. */
export interface RunBasics {
  /** Customers prepared per system; each request orders as the next one. */
  users: number;
  connections: number;
  command: string;
  version: string;
  /** Stops the run between and during loads. */
  signal?: AbortSignal;
  /** Hears of every child process at its start, to stop it on an interrupt. */
  track?: (child: Stoppable) => void;
}

/** The system under test, running in its own process. */
export interface Sut extends Stoppable {
  url: string;
  path: string;
  users: BenchUser[];
  /** Tells the child the measured load starts now; resolves once it counts from here (send the load only then). */
  loadStarted(): Promise<void>;
  /** Resolves once the system has finished what it was given (a warm-up's backlog, say). */
  settle(): Promise<void>;
  /** What the system says after the load; the orders of the traces in `leaveOut` (a probe's) are left out of its order figures; `sagas: false` leaves out the saga probe. */
  collect(leaveOut?: string[], options?: { sagas: boolean }): Promise<SutStats>;
  /** Asks the child to close its system and exit; kills it after STOP_GRACE_MS. Same as close(). */
  stop(): Promise<void>;
}

/** The system under test failed or went away. */
export class SutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SutError';
  }
}

/** The child's next message of `type`; rejects on its `error` message or on its exit before it. */
export function nextAnswer<M extends { type: string; message?: string }, T extends M['type']>(child: ChildProcess, type: T): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: M) => {
      if (message.type === type) done(() => resolve(message as Extract<M, { type: T }>));
      else if (message.type === 'error') done(() => reject(new SutError(`system under test: ${message.message}`)));
    };
    const onExit = (code: number | null) => done(() => reject(new SutError(`system under test exited (${code}) before it answered`)));
    const done = (settle: () => void) => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      settle();
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** The child's entry: the built .js, or the .ts source through tsx when running from source (tests). */
function childEntry(): { file: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./bench-child.js', import.meta.url));
  return existsSync(js) ? { file: js, execArgv: [] } : { file: fileURLToPath(new URL('./bench-child.ts', import.meta.url)), execArgv: ['--import', 'tsx'] };
}

/** Tells the child to stop, and kills it if it has not exited after `graceMs`; resolves once it is gone. */
function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    try {
      if (child.connected) child.send({ type: 'stop' } satisfies ToChild);
      else child.kill('SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
  });
}

/**
 * Starts the target in a child process and waits until it is ready (customers prepared). `track` hears of the
 * child at once, before it is ready, so an interrupt at any moment can stop it.
 */
export async function startSut(target: Target, users: number, track: (child: Stoppable) => void = () => {}): Promise<Sut> {
  const { file, execArgv } = childEntry();
  // Its own process group: a Ctrl-C in the terminal reaches the bench, which stops the child in order.
  const child: ChildProcess = fork(file, [], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], detached: true });
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopChild(child, STOP_GRACE_MS));
  track({ close: stop });
  const next = <T extends FromChild['type']>(type: T) => nextAnswer<FromChild, T>(child, type);
  const tell = (message: ToChild) => {
    if (child.connected) child.send(message);
  };
  const ready = next('ready');
  tell({ type: 'start', target, users });
  const { url, path, users: prepared } = await ready.catch(async (error) => {
    await stop();
    throw error;
  });
  return {
    url,
    path,
    users: prepared,
    loadStarted: async () => {
      const counting = next('counting');
      tell({ type: 'load-started' });
      await counting;
    },
    settle: async () => {
      const settled = next('settled');
      tell({ type: 'settle' });
      await settled;
    },
    collect: async (leaveOut?: string[], options = { sagas: true }) => {
      const stats = next('stats');
      tell({ type: 'collect', sagas: options.sagas, ...(leaveOut?.length ? { leaveOut } : {}) });
      return (await stats).stats;
    },
    stop,
    close: stop,
  };
}
