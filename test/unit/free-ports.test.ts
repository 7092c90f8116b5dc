import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { holdFreePorts } from '../../src/system/free-ports.js';

describe('holdFreePorts', () => {
  afterEach(() => vi.restoreAllMocks());

  it('never hands out one port twice while it is held, even when the draw repeats', async () => {
    // Every draw lands on the same port until a fifth distinct value: a repeat would be given to two services.
    const draws = [0.5, 0.5, 0.5, 0.5, 0.25, 0.5, 0.25, 0.75];
    let i = 0;
    vi.spyOn(Math, 'random').mockImplementation(() => draws[Math.min(i++, draws.length - 1)]);
    const first = await holdFreePorts(2);
    const second = await holdFreePorts(1);
    const all = [...first.ports, ...second.ports];
    expect(new Set(all).size).toBe(3);
    first.release();
    second.release();
  });

  it('skips ports reserved by the caller and ports someone listens on, and gives ports back on release', async () => {
    const busy = createServer();
    await new Promise<void>((done) => busy.listen(20_000, '127.0.0.1', done));
    const low = 10_000;
    const high = Math.max(low + 1_000, Number((await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/)[0])) - 1;
    const draws = [20_000, 21_000, 22_000].map((port) => (port - low + 0.5) / (high - low));
    let i = 0;
    vi.spyOn(Math, 'random').mockImplementation(() => draws[Math.min(i++, draws.length - 1)]);
    const held = await holdFreePorts(1, [21_000]);
    busy.close();
    expect(held.ports).toEqual([22_000]);
    held.release();
    i = 2;
    expect((await holdFreePorts(1)).ports).toEqual([22_000]);
  });
});
