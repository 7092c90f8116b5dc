import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BUILTIN_VARIANTS_DIR, variants } from '../../src/variants/index.js';
import { topologyFlowchart } from '../../src/variants/topology.js';
import { loadVariantFile, loadVariantsDir } from '../../src/variants/variant-file.js';
import { answersOrdersLater, traitsOf, usesBroker } from '../../src/variants/variant.js';

const dir = mkdtempSync(join(tmpdir(), 'orderctl-styles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const write = (text: string) => {
  const file = join(dir, `style-${++files}.yaml`);
  writeFileSync(file, text);
  return file;
};

/** A valid style; each case below changes one thing. */
const good = `name: mine
summary: billing synchronous, notifications by event
commands: rest
events: full
links:
  accountOpening: event
  payment: rest
  orderOutcome: event
  recipient: copy
`;

describe('the built-in styles', () => {
  test('are the files in variants/, in their declared order, each checked like a user file', () => {
    expect(variants.map((v) => v.name)).toEqual(['http', 'event-notification', 'event-collaboration', 'hybrid', 'sync-billing', 'choreography']);
    for (const v of variants) expect(v.source).toBe(join(BUILTIN_VARIANTS_DIR, `${v.name}.yaml`));
    expect(loadVariantsDir(BUILTIN_VARIANTS_DIR)).toEqual(variants);
  });

  test('sync-billing answers orders at once, tells notification by event and calls it OrderCompleted', () => {
    const sync = variants.find((v) => v.name === 'sync-billing')!;
    expect(answersOrdersLater(sync)).toBe(false);
    expect(usesBroker(sync)).toBe(true);
    expect(sync.names).toEqual({ OrderCreated: 'OrderCompleted' });
    expect(topologyFlowchart(sync)).toContain('Order -.->|"OrderCompleted, OrderFailed"| Notification');
    expect(traitsOf(variants.find((v) => v.name === 'hybrid')!)).toEqual(['answers-orders-later', 'pushes-order-status']);
    expect(traitsOf(variants.find((v) => v.name === 'http')!)).toEqual(['all-rest']);
  });

  test('every built-in style has reference flows and a comment on each of its links', () => {
    for (const v of variants) {
      expect(v.flows?.registration.length, v.name).toBeGreaterThan(0);
      const text = readFileSync(v.source!, 'utf8');
      for (const link of ['accountOpening', 'payment', 'orderOutcome', 'recipient']) expect(text, `${v.name} ${link}`).toMatch(new RegExp(`^  ${link}: \\w+ +# .+`, 'm'));
    }
  });
});

describe('a style file of a user', () => {
  test('a valid one loads, and its topology draws REST calls solid and broker messages dotted', () => {
    const mine = loadVariantFile(write(good));
    expect(mine).toMatchObject({ name: 'mine', commands: 'rest', links: { payment: 'rest', orderOutcome: 'event' } });
    const chart = topologyFlowchart(mine);
    expect(chart).toContain('Order -->|"POST /payments/{id}/refund, POST /payments"| Billing');
    expect(chart).toContain('Order -->|"POST /reservations/{id}/release, POST /reservations/{id}/ship, POST /reservations"| Stock');
    expect(chart).toContain('Identity -.->|"UserCreated"| Billing');
    expect(chart).toContain('Identity -.->|"UserCreated"| Notification');
    expect(chart).toContain('Order -.->|"OrderCreated, OrderFailed"| Notification');
  });

  // Each malformed or unsafe file is refused in one line that names the field and the reason.
  test.each([
    ['not YAML', 'name: [unclosed\n', /: line \d+: not valid YAML/],
    ['a list, not a mapping', '- name: x\n', /the file: a style is a mapping of fields/],
    ['a field twice', good + 'name: again\n', /not valid YAML \(Map keys must be unique/],
    ['an unknown field', good + 'retries: 3\n', /: the file: unknown field retries \(fields here: name, summary, order, commands, events, links, saga, flows, push, resilience, names\)$/],
    ['an unknown link', good.replace('  recipient: copy\n', '  recipient: copy\n  stock: rest\n'), /: links: unknown field links\.stock \(fields here: accountOpening, payment, orderOutcome, recipient, reservation, dispatch\)$/],
    ['a missing field', good.replace(/^events: full\n/m, ''), /: events: /],
    ['a misspelt link', good.replace('payment: rest', 'paymnet: rest'), /: links: unknown field links\.paymnet \(did you mean "payment"\?\) \(fields here: accountOpening, payment, /],
    ['a misspelt field', good.replace('events: full', 'evnets: full'), /: the file: unknown field evnets \(did you mean "events"\?\) \(fields here: /],
    ['a name with spaces', good.replace('name: mine', 'name: My Style'), /: name: lower-case letters, digits and dashes/],
    ['an empty summary', good.replace(/^summary: .*$/m, 'summary: "  "'), /: summary: one line saying what the style does/],
    ['a link that is neither rest nor event', good.replace('payment: rest', 'payment: soap'), /: links\.payment: .*"rest"\|"event"|: links\.payment: .*rest.*event/],
    ['commands over the broker with a REST link', good.replace('commands: rest', 'commands: broker'), /: commands: commands over the broker need every link to be an event \(links\.payment is rest\)/],
    ['a copy of users without UserCreated', good.replace('accountOpening: event', 'accountOpening: rest'), /: links\.recipient: a copy of users needs UserCreated events/],
    ['a copy of users from thin events', good.replace('events: full', 'events: thin'), /: links\.recipient: thin events carry no user to copy/],
    ['two events of one name', good + 'names:\n  OrderCreated: OrderFailed\n', /: names\.OrderCreated: OrderFailed is already the name of another event/],
    ['a renamed event that does not exist', good + 'names:\n  OrderShipped: Shipped\n', /: names: unknown field names\.OrderShipped \(events a style can rename: UserCreated, /],
    ['an event name that is not PascalCase', good + 'names:\n  OrderCreated: order-done\n', /: names\.OrderCreated: an event name in PascalCase/],
    ['a saga link that is neither rest nor event', good.replace('  recipient: copy\n', '  recipient: copy\n  reservation: fax\n'), /: links\.reservation: /],
    ['commands over the broker with a REST saga link', good.replace('commands: rest', 'commands: broker').replace('payment: rest', 'payment: event').replace('orderOutcome: event', 'orderOutcome: event\n  dispatch: rest'), /: commands: commands over the broker need every link to be an event \(links\.dispatch is rest\)/],
    ['a choreography with thin events', good.replace('events: full', 'events: thin').replace('recipient: copy', 'recipient: rest') + 'saga: choreography\nnames:\n  OrderCreated: OrderCompleted\n', /: saga: a choreography has no driver to ask: its events must carry the order/],
    ['a choreography with saga links', good.replace('payment: rest', 'payment: event').replace('  recipient: copy\n', '  recipient: copy\n  reservation: event\n') + 'saga: choreography\nnames:\n  OrderCreated: OrderCompleted\n', /: links\.reservation: a choreography has no saga links/],
    ['a choreography with REST payments', good + 'saga: choreography\nnames:\n  OrderCreated: OrderCompleted\n', /: links\.payment: in a choreography billing charges when it hears OrderCreated/],
    ['a choreography whose outcome event is OrderCreated', good.replace('payment: rest', 'payment: event') + 'saga: choreography\n', /: names\.OrderCreated: the order-status channel opens with OrderCreated/],
    ['a reference flow calling a service that does not exist', good + 'flows:\n  registration: ["Client => gateway POST /api/v1/identity/register", "gateway => nowhere POST /teleport"]\n  order: ["Client => gateway POST /api/v1/ordering/orders"]\n', /: flows\.registration\[1\]: "gateway => nowhere POST \/teleport": nowhere is not a service/],
    ['a reference flow with a call the style does not make', good + 'flows:\n  registration: ["Client => gateway POST /api/v1/identity/register", "identity => billing PUT /accounts/{id}"]\n  order: ["Client => gateway POST /api/v1/ordering/orders"]\n', /: flows\.registration\[1\]: "identity => billing PUT \/accounts\/\{id\}": identity makes no such call to billing in this style/],
    ['a reference flow with a message nobody sends', good + 'flows:\n  registration: ["Client => gateway POST /api/v1/identity/register"]\n  order: ["order ~> Broker CreatePayment"]\n', /: flows\.order\[0\]: "order ~> Broker CreatePayment": order puts no CreatePayment on the broker in this style/],
    ['a reference flow with a hop that is not one', good + 'flows:\n  registration: [gateway calls identity]\n  order: ["Client => gateway POST /api/v1/ordering/orders"]\n', /: flows\.registration\.0: a hop such as/],
  ])('%s is refused', (_what, text, message) => {
    const file = write(text);
    let error: Error | undefined;
    try {
      loadVariantFile(file);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message.startsWith(`${file}: `)).toBe(true);
    expect(error?.message.split('\n')).toHaveLength(1);
    expect((error as { code?: string }).code).toBe('USAGE');
  });

  test('a directory with two styles of one name is refused, naming both files', () => {
    const styles = join(dir, 'twins');
    mkdirSync(styles);
    writeFileSync(join(styles, 'a.yaml'), good);
    writeFileSync(join(styles, 'b.yaml'), good);
    expect(() => loadVariantsDir(styles)).toThrow(/b\.yaml: name: mine is also the name of a\.yaml/);
  });
});
