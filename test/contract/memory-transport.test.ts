import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryTransport } from '../../src/broker/memory-transport.js';
import type { Delivery, Message } from '../../src/broker/transport.js';
import { eventually } from '../support/eventually.js';
import { transportContract } from './transport-contract.js';

transportContract('in-memory', async (policy) => new MemoryTransport(policy));

const dir = mkdtempSync(join(tmpdir(), 'orderctl-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const journal = () => join(dir, `broker-${++files}.sqlite`);

// The durable embedded broker keeps the same contract…
transportContract('in-memory with a journal', async (policy) => new MemoryTransport({ policy, journal: journal() }));

// …and keeps its messages across a process that dies without closing anything.
describe('the in-memory broker with a journal', () => {
  const policy = { maxDeliveries: 3, backoffBaseMs: 5, backoffMaxMs: 20 };
  const message = (n: number): Message => ({ id: `m-${n}`, type: 'OrderPlaced', source: 'test', time: new Date().toISOString(), data: { n }, headers: {} });

  it('delivers after a restart what was queued or in flight when the process died, and nothing that was acked', async () => {
    const file = journal();
    const before = new MemoryTransport({ policy, journal: file });
    const handled: number[] = [];
    let holding = false;
    await before.subscribe('billing', ['OrderPlaced'], async (d) => {
      if ((d.data as { n: number }).n === 2) {
        holding = true;
        await new Promise(() => {}); // in flight forever: the process dies holding it
      }
      handled.push((d.data as { n: number }).n);
    });
    await before.publish(message(1));
    await eventually('message 1 handled', () => handled.includes(1));
    await before.publish(message(2));
    await eventually('message 2 in flight', () => holding);
    // No close: as after kill -9. A new broker on the same file stands for the restarted process.
    const after = new MemoryTransport({ policy, journal: file });
    const seen: Delivery[] = [];
    await after.subscribe('billing', ['OrderPlaced'], async (d) => void seen.push(d));
    await eventually('the in-flight message delivered after the restart', () => seen.length, (n) => n === 1);
    expect(seen.map((d) => [d.id, d.attempt])).toEqual([['m-2', 2]]);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toHaveLength(1);
    expect(await after.pending()).toBe(0);
    await after.close();
  });

  it('parks a message that kills the process on every delivery after maxDeliveries restarts, with the reason', async () => {
    const file = journal();
    const first = new MemoryTransport({ policy, journal: file });
    let holding = false;
    await first.subscribe('billing', ['OrderPlaced'], () => {
      holding = true;
      return new Promise(() => {});
    });
    await first.publish(message(7));
    await eventually('the first delivery in flight', () => holding);
    for (let restart = 1; restart < policy.maxDeliveries; restart++) {
      const broker = new MemoryTransport({ policy, journal: file });
      let got: Delivery | undefined;
      await broker.subscribe('billing', ['OrderPlaced'], (d) => {
        got = d;
        return new Promise(() => {});
      });
      await eventually(`the delivery after restart ${restart}`, () => got !== undefined);
      expect(got!.attempt).toBe(restart + 1);
    }
    const last = new MemoryTransport({ policy, journal: file });
    const seen: Delivery[] = [];
    await last.subscribe('billing', ['OrderPlaced'], async (d) => void seen.push(d));
    const parked = await last.parked('billing');
    expect(parked.map((p) => [p.id, p.attempts])).toEqual([['m-7', 3]]);
    expect(parked[0].reason).toContain('the process stopped while handling it');
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([]);
    expect(await last.replay('billing')).toBe(1);
    await eventually('the replayed message delivered', () => seen.length, (n) => n === 1);
    expect(seen[0].attempt).toBe(1);
    await last.close();
  });

  it('keeps its bookkeeping through retries: a message that succeeds on a retry is gone after a restart, one parked after retries stays parked', async () => {
    const file = journal();
    const first = new MemoryTransport({ policy, journal: file });
    await first.subscribe('billing', ['OrderPlaced'], async (d) => {
      const { n } = d.data as { n: number };
      if (n === 1 && d.attempt < 2) throw new Error('transient');
      if (n === 2) throw new Error('never works');
    });
    await first.publish(message(1));
    await first.publish(message(2));
    await eventually(
      'one message parked, nothing pending',
      async () => ({ parked: (await first.parked('billing')).length, pending: await first.pending() }),
      (n) => n.parked > 0 && n.pending === 0,
    );
    await first.close();
    const after = new MemoryTransport({ policy, journal: file });
    const seen: Delivery[] = [];
    await after.subscribe('billing', ['OrderPlaced'], async (d) => void seen.push(d));
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([]);
    expect((await after.parked('billing')).map((p) => [p.id, p.attempts, p.reason])).toEqual([['m-2', 3, 'never works']]);
    await after.close();
  });
});
