import { afterEach, expect, test } from 'vitest';
import { MemoryTransport } from '../../src/broker/memory-transport.js';
import { parse } from 'yaml';
import { loadScenarios, parseScenario, pickScenarios } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/runner.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { variants } from '../../src/variants/index.js';
import { readFileSync } from 'node:fs';
import { bootProcesses } from '../../src/system/process-system.js';
import { rabbitmqUrl } from '../support/rabbitmq.js';
import { smallerCrowds } from '../support/smaller-crowds.js';

const scenarios = smallerCrowds(pickScenarios(await loadScenarios(), ['happy-path', 'concurrent-orders']));
let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

// http reaches billing by REST calls, hybrid by messages: a declared capacity holds on both ways in.
test.each(['http', 'hybrid'])('%s with billing given one worker: every scenario holds, and billing never handled two requests or messages at once', async (name) => {
  system = await bootSystem({ variant: variants.find((v) => v.name === name)!, transport: new MemoryTransport(), capacity: { billing: { workers: 1, serviceTimeMs: 5 } } });
  for (const scenario of scenarios) {
    const result = await runScenario(system, scenario);
    expect(result.steps.filter((s) => !s.passed).map((s) => `${scenario.name} step ${s.index}: ${s.problems.join('; ')}`)).toEqual([]);
  }
  const seen = system.capacitySeen!();
  expect(Object.keys(seen)).toEqual(['billing']);
  expect(seen.billing!.maxInFlight).toBe(1);
  // Ten customers each deposit and place ten orders: billing served at least those.
  expect(seen.billing!.served).toBeGreaterThan(100);
});

test('with --processes each replica of a service gets its capacity (billing ×2, one worker each) and the scenarios hold', async () => {
  system = await bootProcesses({ variant: variants.find((v) => v.name === 'hybrid')!, broker: await rabbitmqUrl(), replicas: { billing: 2 }, capacity: { billing: { workers: 1, serviceTimeMs: 5 } } });
  for (const scenario of scenarios) {
    const result = await runScenario(system, scenario);
    expect(result.steps.filter((s) => !s.passed).map((s) => `${scenario.name} step ${s.index}: ${s.problems.join('; ')}`)).toEqual([]);
  }
  const capacityOf = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((kv) => kv.startsWith('ORDERCTL_CAPACITY='));
  const children = system.processes!();
  expect(children.filter((c) => c.service === 'billing').map((c) => capacityOf(c.pid))).toEqual(['ORDERCTL_CAPACITY=billing=1x5ms', 'ORDERCTL_CAPACITY=billing=1x5ms']);
  expect(children.filter((c) => c.service !== 'billing').map((c) => capacityOf(c.pid))).toEqual(children.filter((c) => c.service !== 'billing').map(() => undefined));
});

const SERVICE_MS = 300;
const crowdWithCapacity = parseScenario(
  'billing-one-at-a-time.yaml',
  parse(`
title: Billing takes one payment at a time
capacity: { billing: { workers: 1, service-time: ${SERVICE_MS}ms } }
steps:
  - crowd: { users: 3, deposit: 100, orders: 2, prices: [5] }
  - check: [money-conserved, orders-final, one-notification-per-order]
    eventually: 30s
`),
);
const payments = (system: RunningSystem) =>
  system.recorder
    .all()
    .filter((h) => h.kind === 'local' && h.to === 'billing' && h.label.startsWith('payment'))
    .map((h) => h.start)
    .sort((a, b) => a - b);

test('a scenario\'s capacity holds while it runs and is taken off after it', async () => {
  system = await bootSystem({ variant: variants.find((v) => v.name === 'http')!, transport: new MemoryTransport() });
  const result = await runScenario(system, crowdWithCapacity);
  expect(result.steps.filter((s) => !s.passed).map((s) => s.problems.join('; '))).toEqual([]);
  const during = system.capacitySeen!().billing!;
  expect(during.maxInFlight).toBe(1);
  expect(during.served).toBeGreaterThanOrEqual(3 + 6);
  // One worker: no two payments within one service time of each other.
  const at = payments(system);
  expect(at).toHaveLength(6);
  for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(SERVICE_MS - 10);
  // Afterwards billing is as fast as the machine again: nothing more goes through its workers.
  const [happy] = pickScenarios(await loadScenarios(), ['happy-path']);
  expect((await runScenario(system, happy)).passed).toBe(true);
  expect(system.capacitySeen!().billing!.served).toBe(during.served);
});

test('with --processes a scenario\'s capacity reaches the service\'s process', async () => {
  system = await bootProcesses({ variant: variants.find((v) => v.name === 'hybrid')!, broker: await rabbitmqUrl() });
  const result = await runScenario(system, crowdWithCapacity);
  expect(result.steps.filter((s) => !s.passed).map((s) => s.problems.join('; '))).toEqual([]);
  const at = payments(system);
  expect(at).toHaveLength(6);
  for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(SERVICE_MS - 10);
});
