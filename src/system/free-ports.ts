import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

/** Ports this process has handed out and not yet given back: none is handed out twice while held. */
const held = new Set<number>();

/**
 * Ports nobody listens on now, for processes to bind a moment later, all different from each other and from
 * every port this process still holds. The processes of `--processes` are cluster workers: two of them that
 * listen on the same port share it, and one service's requests reach another's app, so a repeat must never
 * happen. Taken below the kernel's range of ephemeral ports, so that no outgoing connection (to the broker,
 * between services) can be given one meanwhile. `release` gives them back.
 */
export async function holdFreePorts(count: number, reserved: Iterable<number> = []): Promise<{ ports: number[]; release(): void }> {
  const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').then((text) => Number(text.trim().split(/\s+/)[0]), () => 32_768);
  const low = 10_000;
  const high = Math.max(low + 1_000, range) - 1;
  const avoid = new Set(reserved);
  const ports: number[] = [];
  while (ports.length < count) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (held.has(port) || avoid.has(port)) continue;
    // Held before it is probed: a caller drawing at the same time cannot be given it too.
    held.add(port);
    if (await isFree(port)) ports.push(port);
    else held.delete(port);
  }
  return { ports, release: () => ports.forEach((port) => held.delete(port)) };
}

function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise<boolean>((done) => {
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}
