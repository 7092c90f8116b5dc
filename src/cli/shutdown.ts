const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const EXIT_CODE: Record<Signal, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
type Signal = (typeof SIGNALS)[number];

/** Resolves at the first SIGINT, SIGTERM or SIGHUP (the terminal went away); `cancel()` stops listening. */
function firstSignal(): { signal: Promise<Signal>; cancel(): void } {
  let cancel = () => {};
  const signal = new Promise<Signal>((resolve) => {
    // Listeners stay until `cancel()`: a library that re-raises a signal it thinks nobody else handles (signal-exit) must see them.
    const handlers = SIGNALS.map((name) => {
      const handler = () => resolve(name);
      process.on(name, handler);
      return handler;
    });
    cancel = () => SIGNALS.forEach((name, i) => process.off(name, handlers[i]));
  });
  return { signal, cancel };
}

/** Resolves at the first SIGINT, SIGTERM or SIGHUP; a second one then has its default effect. */
export function untilSignal(): Promise<Signal> {
  const { signal, cancel } = firstSignal();
  return signal.finally(cancel);
}

/** Something that holds ports, files or a broker connection. */
export interface Closeable {
  close(): Promise<void>;
}

/**
 * While `work` runs, an interrupt (or a crash: the terminal going away shows as EIO) closes every
 * system `track`ed so far (ports, broker, databases, temporary files) and exits with 128 + the signal
 * number, as shells expect (3 for any other crash).
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
    await Promise.allSettled([...open].map((s) => s.close()));
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
