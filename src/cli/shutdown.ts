const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type Signal = (typeof SIGNALS)[number];

/** Resolves at the first SIGINT or SIGTERM, and stops listening for them. */
export function untilSignal(): Promise<Signal> {
  return new Promise((resolve) => {
    const handlers = SIGNALS.map((signal) => {
      const handler = () => {
        SIGNALS.forEach((s, i) => process.off(s, handlers[i]));
        resolve(signal);
      };
      process.on(signal, handler);
      return handler;
    });
  });
}

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
  let interrupted = false;
  untilSignal().then(async (signal) => {
    interrupted = true;
    say(`\n${signal}: shutting down…`);
    await Promise.allSettled([...open].map((s) => s.close()));
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
  try {
    return await work((system) => open.add(system));
  } finally {
    if (!interrupted) for (const signal of SIGNALS) process.removeAllListeners(signal);
  }
}
