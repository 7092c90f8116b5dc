import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchUser, FromChild, SutStats, Target, ToChild } from './bench-protocol.js';

/** The system under test, running in its own process. */
export interface Sut {
  url: string;
  path: string;
  users: BenchUser[];
  loadStarted(): void;
  collect(): Promise<SutStats>;
  stop(): Promise<void>;
}

/** The child's entry: the built .js, or the .ts source through tsx when running from source (tests). */
function childEntry(): { file: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./bench-child.js', import.meta.url));
  return existsSync(js) ? { file: js, execArgv: [] } : { file: fileURLToPath(new URL('./bench-child.ts', import.meta.url)), execArgv: ['--import', 'tsx'] };
}

/** Starts the target in a child process and waits until it is ready (customers prepared). */
export async function startSut(target: Target, users: number): Promise<Sut> {
  const { file, execArgv } = childEntry();
  const child: ChildProcess = fork(file, [], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const next = <T extends FromChild['type']>(type: T) =>
    new Promise<Extract<FromChild, { type: T }>>((resolve, reject) => {
      const onMessage = (message: FromChild) => {
        if (message.type === type) done(() => resolve(message as Extract<FromChild, { type: T }>));
        else if (message.type === 'error') done(() => reject(new Error(`system under test: ${message.message}`)));
      };
      const onExit = (code: number | null) => done(() => reject(new Error(`system under test exited (${code}) before it answered`)));
      const done = (settle: () => void) => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        settle();
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
  const tell = (message: ToChild) => child.send(message);
  const ready = next('ready');
  tell({ type: 'start', target, users });
  const { url, path, users: prepared } = await ready.catch((error) => {
    child.kill();
    throw error;
  });
  return {
    url,
    path,
    users: prepared,
    loadStarted: () => tell({ type: 'load-started' }),
    collect: async () => {
      const stats = next('stats');
      tell({ type: 'collect' });
      return (await stats).stats;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        tell({ type: 'stop' });
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  };
}
