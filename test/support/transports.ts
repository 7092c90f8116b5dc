import { MemoryTransport } from '../../src/broker/memory-transport.js';
import type { Transport } from '../../src/broker/transport.js';

/** The brokers every broker-dependent end-to-end test runs on. */
export const transports: { name: string; make: () => Promise<Transport> }[] = [{ name: 'in-process broker', make: async () => new MemoryTransport() }];
