import { MemoryTransport } from '../../src/broker/memory-transport.js';
import { transportContract } from './transport-contract.js';

transportContract('in-memory', async (policy) => new MemoryTransport(policy));
