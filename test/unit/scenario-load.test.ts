import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadScenario } from '../../src/scenarios/load.js';

const dir = mkdtempSync(join(tmpdir(), 'orderctl-scenario-'));
afterAll(() => rmSync(dir, { recursive: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

test('a misspelt expectation key is refused when the file loads, with the key it was meant to be', async () => {
  const misspelt = file('misspelt.yaml', 'title: t\nsteps:\n  - register: zoe\n    expect: { anwser: 201 }\n');
  await expect(loadScenario(misspelt)).rejects.toThrow('step 1 (register): expect: unknown key "anwser" (did you mean "answer"?)');
  const inExcept = file('except.yaml', 'title: t\nsteps:\n  - register: zoe\n    except: { hybrid: { stauts: pending } }\n');
  await expect(loadScenario(inExcept)).rejects.toThrow('except.hybrid: unknown key "stauts" (did you mean "status"?)');
  const nonsense = file('nonsense.yaml', 'title: t\nsteps:\n  - register: zoe\n    expect: { flavour: 1 }\n');
  await expect(loadScenario(nonsense)).rejects.toThrow(/unknown key "flavour"; an expectation names answer, count/);
});

test('the keys of the answer body and the expectation keys load as before', async () => {
  const fine = file('fine.yaml', 'title: t\nsteps:\n  - register: zoe\n    expect: { answer: 201, email: zoe@example.test }\n  - balance: zoe\n    expect: { amount: 0 }\n');
  const scenario = await loadScenario(fine);
  expect(scenario.steps.map((s) => s.expect)).toEqual([{ answer: 201, email: 'zoe@example.test' }, { amount: 0 }]);
});

const saga = (steps: string, header = 'catalog:\n  - { sku: last-lamp, available: 1 }\nzones:\n  - { city: Tinytown, couriers: 0 }\n') => `title: t\n${header}steps:\n  - register: zoe\n  - login: zoe\n${steps}`;

describe('the order saga in a scenario file', () => {
  test("a catalog and zones become a first step that loads them; an order's short-form items become lines, and an order without address goes to a default zone", async () => {
    const scenario = await loadScenario(
      file(
        'saga.yaml',
        saga(
          '  - order: { user: zoe, price: 10, items: { last-lamp: 1, book: 2 }, name: first }\n' +
            '    expect: { answer: 201, status: delivering, items: { last-lamp: 1, book: 2 }, address: { city: Amsterdam } }\n' +
            '  - order: { user: zoe, price: 10, items: [{ sku: last-lamp, quantity: 1 }], address: { city: Tinytown } }\n' +
            '  - order-status: { user: zoe, order: first }\n    expect: { history: [created, paid, reserved, delivering] }\n' +
            '  - cancel: { user: zoe, order: first }\n    expect: { answer: 202 }\n' +
            '  - received: { user: zoe, order: first }\n' +
            '  - stock: last-lamp\n    expect: { available: 0, reserved: 0 }\n' +
            '  - race: { users: 20, sku: last-lamp, deposit: 100, price: 10 }\n    expect: { won: 1, lost: 19 }\n' +
            '  - check: [money-conserved, orders-final, one-notification-per-order, stock-balanced, sagas-final]\n',
        ),
      ),
    );
    expect(scenario.catalog).toEqual([{ sku: 'last-lamp', available: 1 }]);
    expect(scenario.zones).toEqual([{ city: 'Tinytown', couriers: 0 }]);
    expect(scenario.steps.map((s) => s.action)).toEqual(['setup', 'register', 'login', 'order', 'order', 'order-status', 'cancel', 'received', 'stock', 'race', 'check']);
    expect(scenario.steps[0].args).toEqual({ catalog: [{ sku: 'last-lamp', available: 1 }], zones: [{ city: 'Tinytown', couriers: 0 }] });
    const [first, second] = scenario.steps.filter((s) => s.action === 'order');
    expect(first.args).toEqual({
      user: 'zoe',
      price: 10,
      name: 'first',
      items: [
        { sku: 'last-lamp', quantity: 1 },
        { sku: 'book', quantity: 2 },
      ],
      address: { city: 'Amsterdam', street: 'Harness Street 1' },
    });
    expect(first.expect?.items).toEqual([
      { sku: 'last-lamp', quantity: 1 },
      { sku: 'book', quantity: 2 },
    ]);
    expect(second.args.address).toEqual({ city: 'Tinytown', street: 'Harness Street 1' });
    expect(scenario.steps.find((s) => s.action === 'race')!.args).toMatchObject({ users: 20, sku: 'last-lamp', quantity: 1 });
    expect(scenario.steps.find((s) => s.action === 'stock')!.args).toBe('last-lamp');
  });

  test('a scenario without a catalog or zones has no setup step', async () => {
    const scenario = await loadScenario(file('plain.yaml', saga('  - order: { user: zoe, price: 10, items: { book: 1 } }\n', '')));
    expect(scenario.steps.map((s) => s.action)).toEqual(['register', 'login', 'order']);
  });

  test('an item or city the scenario does not know is refused when the file loads, with the name it was likely meant to be', async () => {
    await expect(loadScenario(file('sku.yaml', saga('  - order: { user: zoe, price: 10, items: { last-lmap: 1 } }\n')))).rejects.toThrow(
      'step 3 (order): unknown item "last-lmap" (did you mean "last-lamp"?): an item is in the scenario\'s catalog (last-lamp), the default catalog (book, lamp, mug, pen, plant) or its not-sold list',
    );
    await expect(loadScenario(file('stock.yaml', saga('  - stock: unicorn\n')))).rejects.toThrow('step 3 (stock): unknown item "unicorn"');
    await expect(loadScenario(file('race.yaml', saga('  - race: { users: 3, sku: lamb, deposit: 1, price: 1 }\n')))).rejects.toThrow('step 3 (race): unknown item "lamb" (did you mean "lamp"?)');
    await expect(loadScenario(file('city.yaml', saga('  - order: { user: zoe, price: 10, items: { book: 1 }, address: { city: Tinytwon } }\n')))).rejects.toThrow(
      'step 3 (order): unknown city "Tinytwon" (did you mean "Tinytown"?): a city is one of the scenario\'s zones (Tinytown), a default zone (Amsterdam, Berlin, Lisbon, Paris, Vienna) or in its not-served list',
    );
    // In what a step expects, too.
    await expect(loadScenario(file('expected.yaml', saga('  - orders: zoe\n    expect: { latest: { items: [{ sku: last-lamb, quantity: 1 }] } }\n')))).rejects.toThrow('step 3 (orders): unknown item "last-lamb" (did you mean "last-lamp"?)');
    // Items the shop does not sell and cities it does not serve are named as such, and are then fine.
    const fine = await loadScenario(
      file('unknown-on-purpose.yaml', saga('  - order: { user: zoe, price: 10, items: { unicorn: 1 }, address: { city: Atlantis } }\n', 'not-sold: [unicorn]\nnot-served: [Atlantis]\n')),
    );
    expect(fine.steps.map((s) => s.action)).toEqual(['register', 'login', 'order']);
    expect(fine.notSold).toEqual(['unicorn']);
    expect(fine.notServed).toEqual(['Atlantis']);
  });

  test("a scenario's own items and cities may not take the default ones' names, nor one name twice", async () => {
    await expect(loadScenario(file('lamp.yaml', saga('', 'catalog:\n  - { sku: lamp, available: 1 }\n')))).rejects.toThrow('item "lamp" is in the default catalog (book, lamp, mug, pen, plant)');
    await expect(loadScenario(file('berlin.yaml', saga('', 'zones:\n  - { city: Berlin, couriers: 1 }\n')))).rejects.toThrow('city "Berlin" is a default delivery zone');
    await expect(loadScenario(file('twice.yaml', saga('', 'catalog:\n  - { sku: vase, available: 1 }\nnot-sold: [vase]\n')))).rejects.toThrow('item "vase" is named twice in catalog and not-sold');
  });

  test('bad shapes are refused when the file loads, saying what is wrong and where', async () => {
    const cases: [string, string, string | RegExp][] = [
      ['  - order: { user: zoe, price: 10, items: 3 }\n', '', 'step 3 (order): items give items as { last-lamp: 1, book: 2 } or as a list of { sku, quantity }'],
      ['  - order: { user: zoe, price: 10, items: { book: two } }\n', '', 'step 3 (order): items the quantity of book must be a whole number, not "two"'],
      ['  - order: { user: zoe, price: 10, items: [{ sku: book, qty: 1 }] }\n', '', 'step 3 (order): items a line of items has exactly sku and quantity (this one has sku, qty)'],
      ['  - order: { user: zoe, price: 10, items: { Book: 1 } }\n', '', /step 3 \(order\): items "Book" is not an item name like last-lamp/],
      ['  - order: { user: zoe, price: 10, itmes: { book: 1 } }\n', '', 'step 3 (order): unknown key "itmes" (did you mean "items"?) (known: user, price, name, items, address, idempotency-key); write it as order: { user: alice, price: 10'],
      ['  - order: { user: zoe, price: 10, items: { book: 1 }, address: { town: Berlin } }\n', '', 'step 3 (order): address city is missing; address: unknown key "town" (known: city, street)'],
      ['  - cancel: zoe\n', '', /step 3 \(cancel\): value .*; write it as cancel: \{ user: alice, order: first \}/],
      ['  - received: { user: zoe }\n', '', 'step 3 (received): order is missing; write it as received: { user: alice, order: first }'],
      ['  - stock: { sku: book }\n', '', /step 3 \(stock\): value .*; write it as stock: last-lamp/],
      ['  - race: { users: 20, sku: book, deposit: 100, price: 10 }\n    eventually: 5s\n', '', 'step 3 (race): a race cannot be run again until it holds'],
      ['  - race: { users: 20, sku: book, deposit: 100, price: 10, within: soon }\n', '', 'step 3 (race): within: not a duration: "soon"'],
      ['  - check: [stock-balanced]\n', '', "step 3 (check): stock-balanced checks the scenario's own catalog, and this scenario has none"],
      ['  - check: [stock-balance]\n', '', /step 3 \(check\): #1 .*stock-balanced/],
      ['', 'catalog:\n  - { sku: vase }\n', 'catalog #1 available is missing'],
      ['', 'catalog:\n  - { sku: vase, available: -1 }\n', /catalog #1 available .*>=0/],
      ['', 'catalog:\n  - { sku: Vase, available: 1 }\n', 'catalog #1 sku an item name like last-lamp (small letters, digits and hyphens)'],
      ['', 'zones:\n  - { city: Tinytown, couriers: 1, drivers: 2 }\n', 'zones #1: unknown key "drivers" (known: city, couriers)'],
      ['', 'catalogue:\n  - { sku: vase, available: 1 }\n', 'unknown key "catalogue" (did you mean "catalog"?) (known: title, description, catalog, zones, not-sold, not-served, reference, capacity, steps)'],
    ];
    for (const [steps, header, message] of cases) {
      const loading = loadScenario(file('bad-shape.yaml', saga(steps, header)));
      await expect(loading, steps || header).rejects.toThrow(message);
    }
  });
});

describe('steps sent together', () => {
  test("a together step holds customers' steps, each parsed as a step of its own", async () => {
    const scenario = await loadScenario(
      file('together.yaml', saga('  - order: { user: zoe, price: 10, items: { last-lamp: 1 }, name: lamp }\n  - together:\n      - cancel: { user: zoe, order: lamp }\n      - received: { user: zoe, order: lamp }\n        expect: { answer: [204, 409] }\n')),
    );
    const step = scenario.steps.at(-1)!;
    expect(step.action).toBe('together');
    expect(step.args.map((s: { action: string }) => s.action)).toEqual(['cancel', 'received']);
    expect(step.args[1].expect).toEqual({ answer: [204, 409] });
  });

  test('a fault, a check or a lone step is refused in it, naming the part', async () => {
    await expect(loadScenario(file('together-fault.yaml', saga('  - together:\n      - stop: billing\n      - balance: zoe\n')))).rejects.toThrow('step 3 (together): stop cannot be sent together with other steps; together takes deposit, withdraw');
    await expect(loadScenario(file('together-one.yaml', saga('  - together:\n      - balance: zoe\n')))).rejects.toThrow('step 3 (together)');
    await expect(loadScenario(file('together-bad.yaml', saga('  - together:\n      - balance: zoe\n      - cancel: { user: zoe }\n')))).rejects.toThrow('step 3, together[1] (cancel)');
  });
});

describe('a capacity in a scenario file', () => {
  const withCapacity = (capacity: string) => file(`capacity-${capacity.length}.yaml`, `title: t\ncapacity: ${capacity}\nsteps:\n  - register: zoe\n`);

  test('is read as workers and a service time per instance of each service named', async () => {
    const scenario = await loadScenario(withCapacity('{ billing: { workers: 1, service-time: 20ms }, identity: { workers: 4, service-time: 0.5s } }'));
    expect(scenario.capacity).toEqual({ billing: { workers: 1, serviceTimeMs: 20 }, identity: { workers: 4, serviceTimeMs: 500 } });
    expect((await loadScenario(file('none.yaml', 'title: t\nsteps:\n  - register: zoe\n'))).capacity).toBeUndefined();
  });

  test('is refused when it names no service, no workers, or a time that is not one', async () => {
    await expect(loadScenario(withCapacity('{ payments: { workers: 1, service-time: 20ms } }'))).rejects.toThrow(/capacity/);
    await expect(loadScenario(withCapacity('{ billing: { workers: 0, service-time: 20ms } }'))).rejects.toThrow(/capacity billing workers a whole number of workers, from 1 to 1000/);
    await expect(loadScenario(withCapacity('{ billing: { workers: 1, service-time: soon } }'))).rejects.toThrow(/capacity billing service-time a duration such as 20ms/);
    await expect(loadScenario(withCapacity('{ billing: { workers: 1, serviceTime: 20ms } }'))).rejects.toThrow(/unknown key "serviceTime" \(did you mean "service-time"\?\)/);
  });
});
