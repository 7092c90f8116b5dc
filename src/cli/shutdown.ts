import { closeAllSystems } from '../system/boot.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const EXIT_CODE: Record<Signal, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
export type Signal = (typeof SIGNALS)[number];

/** Resolves at the first of `signals` (by default SIGINT, SIGTERM or SIGHUP: the terminal went away); `cancel()` stops listening. */
function firstSignal(signals: readonly Signal[] = SIGNALS): { signal: Promise<Signal>; cancel(): void } {
  let cancel = () => {};
  const signal = new Promise<Signal>((resolve) => {
    // Listeners stay until `cancel()`: a library that re-raises a signal it thinks nobody else handles (signal-exit) must see them.
    const handlers = signals.map((name) => {
      const handler = () => resolve(name);
      process.on(name, handler);
      return handler;
    });
    cancel = () => signals.forEach((name, i) => process.off(name, handlers[i]));
  });
  return { signal, cancel };
}

/** Resolves at the first SIGINT, SIGTERM or SIGHUP; a second one then has its default effect. */
export function untilSignal(): Promise<Signal> {
  const { signal, cancel } = firstSignal();
  return signal.finally(cancel);
}

/**
 * Resolves at the first SIGINT, SIGTERM or SIGHUP, or, when npm started us (`npx orderctl …`), once
 * npm is gone: npm does not pass a signal on to its child, so `kill` of npm would otherwise leave us running.
 */
export function untilStopped(signals: readonly Signal[] = SIGNALS): Promise<Signal | 'parent exited'> {
  const { signal, cancel } = firstSignal(signals);
  const parent = process.ppid;
  let watch: NodeJS.Timeout | undefined;
  const orphaned = new Promise<'parent exited'>((resolve) => {
    if (!process.env.npm_command) return;
    watch = setInterval(() => process.ppid !== parent && resolve('parent exited'), 250).unref();
  });
  return Promise.race([signal, orphaned]).finally(() => {
    cancel();
    clearInterval(watch);
  });
}

/** Something that holds ports, files or a broker connection. */
export interface Closeable {
  close(): Promise<void>;
}

/**
 * While `work` runs, an interrupt (or a crash: the terminal going away shows as EIO) closes every
 * system booted or booting (ports, broker, databases, temporary files) and whatever else was `track`ed,
 * and exits with 128 + the signal number, as shells expect (3 for any other crash).
 */
export async function closingOnInterrupt<T>(say: (line: string) => void, work: (track: (system: Closeable) => void) => Promise<T>): Promise<T> {
  const open = new Set<Closeable>();
  const shutdown = async (reason: Signal | Error) => {
    // The terminal may be gone: a failed write must not stop the shutdown.
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    const lostTerminal = reason instanceof Error && (reason as NodeJS.ErrnoException).code === 'EIO';
    try {
      say(reason instanceof Error ? `\n${lostTerminal ? 'the terminal went away' : `orderctl crashed: ${reason.message}`}: shutting down…` : `\n${reason}: shutting down…`);
    } catch {
      // nowhere to say it
    }
    // The work goes on failing against closed ports while we close: what it prints now is noise.
    for (const stream of [process.stdout, process.stderr]) stream.write = () => true;
    await Promise.allSettled([...[...open].map((s) => s.close()), closeAllSystems()]);
    process.exit(reason instanceof Error ? (lostTerminal ? EXIT_CODE.SIGHUP : 3) : EXIT_CODE[reason]);
  };
  const interrupt = firstSignal();
  void interrupt.signal.then(shutdown);
  process.on('uncaughtException', shutdown);
  try {
    return await work((system) => open.add(system));
  } finally {
    interrupt.cancel();
    process.off('uncaughtException', shutdown);
  }
}
