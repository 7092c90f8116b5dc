const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type Signal = (typeof SIGNALS)[number];

/** Resolves at the first SIGINT or SIGTERM; `cancel()` stops listening. */
function firstSignal(): { signal: Promise<Signal>; cancel(): void } {
  let cancel = () => {};
  const signal = new Promise<Signal>((resolve) => {
    const handlers = SIGNALS.map((name) => {
      const handler = () => {
        cancel();
        resolve(name);
      };
      process.on(name, handler);
      return handler;
    });
    cancel = () => SIGNALS.forEach((name, i) => process.off(name, handlers[i]));
  });
  return { signal, cancel };
}

/** Resolves at the first SIGINT or SIGTERM. */
export const untilSignal = (): Promise<Signal> => firstSignal().signal;

/** Something that holds ports, files or a broker connection. */
export interface Closeable {
  close(): Promise<void>;
}

/**
 * While `work` runs, an interrupt closes every system `track`ed so far (ports, broker, databases,
 * temporary files) and exits with 128 + the signal number, as shells expect.
 */
export async function closingOnInterrupt<T>(say: (line: string) => void, work: (track: (system: Closeable) => void) => Promise<T>): Promise<T> {
  const open = new Set<Closeable>();
  const interrupt = firstSignal();
  void interrupt.signal.then(async (signal) => {
    say(`\n${signal}: shutting down…`);
    await Promise.allSettled([...open].map((s) => s.close()));
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
  try {
    return await work((system) => open.add(system));
  } finally {
    interrupt.cancel();
  }
}
