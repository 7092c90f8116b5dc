import { screen } from '@inquirer/testing/vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { scriptAsker, terminalAsker, type Asker } from '../../src/walk/asker.js';
import { walk } from '../../src/walk/walk.js';
import { cli, privateTmp } from '../support/cli.js';
import { rabbitmqUrl } from '../support/rabbitmq.js';

const key = async (name: string, times = 1) => {
  for (let i = 0; i < times; i++) screen.keypress(name);
};

test('at the prompts: boot hybrid, register a user, see every hop it caused, quit', async () => {
  const said: string[] = [];
  const done = walk({ asker: terminalAsker(), say: (line) => said.push(line) });
  expect(screen.getScreen()).toContain('Which interaction style do you want to boot?');
  await key('down', 3);
  screen.keypress('enter');
  await screen.next();
  expect(screen.getScreen()).toContain('What next?');
  await key('down');
  screen.keypress('enter');
  await screen.next();
  expect(screen.getScreen()).toContain('Which user?');
  screen.keypress('enter');
  await screen.next();
  expect(screen.getScreen()).toContain('What next?');
  await key('down', 30);
  screen.keypress('enter');
  await done;
  const text = said.join('\n');
  expect(text).toContain('hybrid: simple operations synchronous');
  expect(text).toMatch(/Client ─▶ Gateway\s+POST \/api\/v1\/identity\/register/);
  expect(text).toMatch(/Identity ~▶ Broker\s+UserCreated/);
  expect(text).toMatch(/Broker ~▶ Billing\s+UserCreated/);
  expect(text).toContain('Billing opens the account when it consumes it');
  expect(said.at(-1)).toBe('Bye.');
});

const scripts: string[] = [];
afterAll(() => scripts.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const script = (lines: string) => {
  const dir = privateTmp();
  scripts.push(dir);
  writeFileSync(join(dir, 'walk.txt'), lines);
  return join(dir, 'walk.txt');
};
const ORDER_WITH_NOTIFICATION_DOWN = ['register', 'alice', 'login', '', 'deposit', '', '1000', 'stop', 'notification', 'order', '', '600', 'start', 'notification', 'notifications', '', 'quit'].join('\n');

test('stopping notification: http takes the payment and answers 201; the call to notification waits in the outbox and is made once it is back', async () => {
  const { code, stdout } = await cli(['walk', '--variant=http', '--script', script(ORDER_WITH_NOTIFICATION_DOWN)]);
  expect(code).toBe(0);
  expect(stdout).toMatch(/Order ─▶ Notification\s+POST \/notifications\s+REST\s+unreachable/);
  expect(stdout).toContain('Billing: payment taken');
  expect(stdout).toMatch(/→ 201 .*"status":"succeeded"/);
  expect(stdout).toMatch(/What had waited for notification ran now:\n.*Order ─▶ Notification\s+POST \/notifications\s+REST\s+201/);
  expect(stdout).toMatch(/→ 200 \[\{.*Your order for 600\.00\$ has been successfully processed/);
});

test('stopping notification: hybrid accepts the order and notifies once notification is back', async () => {
  const { code, stdout } = await cli(['walk', '--variant=hybrid', '--script', script(ORDER_WITH_NOTIFICATION_DOWN)]);
  expect(code).toBe(0);
  expect(stdout).toMatch(/→ 202 .*"status":"pending"/);
  expect(stdout).toMatch(/What had waited for notification ran now:\n.*Broker ~▶ Notification\s+OrderCreated/);
  expect(stdout).toMatch(/→ 200 \[\{.*Your order for 600\.00\$ has been successfully processed/);
});

test('without a terminal and without a script, walk says so and exits 2', async () => {
  const { code, stderr } = await cli(['walk']);
  expect(code).toBe(2);
  expect(stderr).toContain('standard input is not a terminal');
});

test('draw the last action, slow a service down, switch style', async () => {
  const out = privateTmp();
  const lines = ['register', 'bob', 'diagram', 'latency', 'billing', '150', 'login', 'bob', 'deposit', 'bob', '50', 'switch', 'event-collaboration', 'register', 'carol', 'quit'];
  const { code, stdout } = await cli(['walk', '--variant=http', '--out', out, '--script', script(lines.join('\n'))]);
  expect(code).toBe(0);
  expect(stdout).toMatch(/sequenceDiagram[\s\S]*identity->>billing: PUT \/accounts\/\{id\}/);
  const picture = /Picture: (\S+\.svg)/.exec(stdout)![1];
  expect(readFileSync(picture, 'utf8')).toContain('<svg');
  expect(stdout).toContain('billing now waits that long before handling each request and message.');
  const depositHop = /Gateway ─▶ Billing\s+POST \/accounts\/\{id\}\/deposit\s+REST\s+204 ([\d.]+) ms/.exec(stdout);
  expect(Number(depositHop![1])).toBeGreaterThanOrEqual(150);
  expect(stdout).toContain('Booting event-collaboration');
  expect(stdout).toMatch(/Gateway ~▶ Broker\s+RegistrationRequested/);
  rmSync(out, { recursive: true });
});

test('a script that is not there is one clear line and exit 2, not a stack trace', async () => {
  const { code, stderr } = await cli(['walk', '--variant=http', '--script', '/no/such/walk.txt']);
  expect(code).toBe(2);
  expect(stderr.trim()).toBe('orderctl: cannot read the script /no/such/walk.txt: no such file');
});

test('latency added to an event consumer shows on the delivery it slowed', async () => {
  const lines = ['latency', 'billing', '120', 'register', 'dave', 'quit'];
  const { code, stdout } = await cli(['walk', '--variant=event-collaboration', '--script', script(lines.join('\n'))]);
  expect(code).toBe(0);
  const delivered = /Broker ~▶ Billing\s+UserCreated\s+event delivered\s+([\d.]+) ms/.exec(stdout);
  expect(delivered, stdout).not.toBeNull();
  expect(Number(delivered![1])).toBeGreaterThanOrEqual(120);
});

describe('walk with one process per service (--processes, over RabbitMQ)', () => {
  test('stopping notification stops its process\'s port and consumers; once started again it notifies once', async () => {
    const { code, stdout } = await cli(['walk', '--variant=hybrid', '--processes', '--broker', await rabbitmqUrl(), '--script', script(ORDER_WITH_NOTIFICATION_DOWN)]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/→ 202 .*"status":"pending"/);
    expect(stdout).toMatch(/What had waited for notification ran now:\n.*Broker ~▶ Notification\s+OrderCreated/);
    expect(stdout).toMatch(/→ 200 \[\{.*Your order for 600\.00\$ has been successfully processed/);
  });

  test('latency added to a consumer in its own process shows on the delivery it slowed', async () => {
    const lines = ['latency', 'billing', '120', 'register', 'dave', 'quit'];
    const { code, stdout } = await cli(['walk', '--variant=event-collaboration', '--processes', '--broker', await rabbitmqUrl(), '--script', script(lines.join('\n'))]);
    expect(code).toBe(0);
    const delivered = /Broker ~▶ Billing\s+UserCreated\s+event delivered\s+([\d.]+) ms/.exec(stdout);
    expect(delivered, stdout).not.toBeNull();
    expect(Number(delivered![1])).toBeGreaterThanOrEqual(120);
  });
});

describe('the order saga in walk', () => {
  const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
  /** What was printed from the first line starting with `from` up to the next prompt of the menu. */
  const after = (text: string, from: string, nth = 1) => {
    const start = text.split(from, nth).join(from).length;
    const end = text.indexOf('? What next?', start + from.length);
    return text.slice(start, end < 0 ? undefined : end);
  };
  /** Order goods: the user and price, each item and how many, then the city and the default street. */
  const goods = (price: number, items: Record<string, number>, city: string) => ['goods', '', String(price), ...Object.entries(items).flatMap(([sku, n]) => [sku, String(n)]), '', city, ''];
  const CUSTOMER = ['register', 'alice', 'login', '', 'deposit', '', '1000'];

  test('hybrid (a broker): delivered and received, cancelled and undone, and a saga that waits for a stopped delivery', async () => {
    const lines = [
      ...CUSTOMER,
      ...goods(30, { lamp: 2 }, 'Amsterdam'),
      'saga', '',
      'received', '',
      ...goods(50, { mug: 1 }, 'Berlin'),
      'stock',
      'cancel', '',
      'balance', '',
      'stock',
      'stop', 'delivery',
      ...goods(20, { book: 1 }, 'Paris'),
      'start', 'delivery',
      'saga', 'order-3',
      'quit',
    ];
    const { code, stdout, stderr } = await cli(['walk', '--variant=hybrid', '--script', script(lines.join('\n'))]);
    expect(code, stderr).toBe(0);
    const first = after(stdout, '? Street?');
    expect(first).toMatch(/Broker ~▶ Delivery\s+StartDelivery\s+event delivered/);
    expect(first).toMatch(/→ 202 .*"status":"created"/);
    expect(first).toContain('order-1: created → paid → reserved → delivering — next: done (customer confirms receipt)');
    const view = after(stdout, '? What next? Show an order\'s saga');
    expect(view).toContain('order-1 of alice: 2 lamp to Amsterdam, Main Street 1, price 30');
    expect(view).toMatch(/delivering .*← now/);
    const received = after(stdout, '? What next? Confirm an order received');
    expect(received).toContain('Delivery hears of it afterwards, through the broker (ReceiptConfirmed)');
    expect(received).toMatch(/Broker ~▶ Delivery\s+ReceiptConfirmed/);
    expect(received).toContain('order-1: created → paid → reserved → delivering → done (done)');
    expect(after(stdout, '? What next? Show stock')).toMatch(/mug\s+A mug\s+available\s+19\s+reserved 0/);
    const cancel = after(stdout, '? What next? Cancel an order');
    expect(cancel).toContain('Order undoes what was done so far, last step first: the return goes to Delivery through the broker (ReturnDelivery)');
    for (const hop of ['Delivery\\s+ReturnDelivery', 'Stock\\s+ReleaseStock', 'Billing\\s+RefundPayment', 'Stock\\s+DeliveryReturned']) expect(cancel).toMatch(new RegExp(`Broker ~▶ ${hop}\\s+event delivered`));
    expect(cancel).toContain('order-2: created → paid → reserved → delivering → cancelled (cancelled by the customer; undone: return, release, refund)');
    expect(after(stdout, '? What next? Show balance')).toMatch(/→ 200 \{"amount":970,/);
    const shelf = after(stdout, '? What next? Show stock', 2);
    expect(shelf).toMatch(/mug\s+A mug\s+available\s+20\s+reserved 0/);
    expect(shelf).toMatch(/lamp\s+A desk lamp\s+available\s+18\s+reserved 0/);
    expect(after(stdout, '? Which service? delivery')).toContain('the messages it consumes wait in its queue (StartDelivery, ReturnDelivery, ReceiptConfirmed)');
    const waiting = after(stdout, '? Street?', 3);
    expect(waiting).toMatch(/→ 202 .*"status":"created"/);
    expect(waiting).toContain('order-3: created → paid → reserved — next: delivering (handed to delivery)');
    const back = after(stdout, '? What next? Start a service');
    expect(back).toMatch(/What had waited for delivery ran now:\n.*Broker ~▶ Delivery\s+StartDelivery/);
    expect(back).toContain('order-3: created → paid → reserved → delivering — next: done');
    expect(after(stdout, '? Which order? order-3')).toMatch(/reserved .*\n\s+delivering .*← now/);
  });

  test('http: the menu offers only what makes sense; the saga is answered in the call, undone over REST, and resumed by the recovery pass', async () => {
    const lines = [
      ...CUSTOMER,
      ...goods(30, { lamp: 2 }, 'Amsterdam'),
      'received', '',
      ...goods(50, { mug: 1, pen: 2 }, 'Berlin'),
      'cancel', '',
      'balance', '',
      'stock',
      'stop', 'delivery',
      ...goods(20, { book: 1 }, 'Paris'),
      'stock',
      'start', 'delivery',
      'recover',
      'quit',
    ];
    const said: string[] = [];
    const asked: { message: string; values: string[] }[] = [];
    const played = scriptAsker(lines.join('\n'), (line) => said.push(line));
    const asker: Asker = {
      select: (message, choices) => {
        asked.push({ message, values: choices.map((c) => c.value) });
        return played.select(message, choices);
      },
      text: (message, fallback) => played.text(message, fallback),
    };
    await walk({ asker, say: (line) => said.push(line), variant: 'http' });
    const text = plain(said.join('\n'));
    const menus = asked.filter((a) => a.message === 'What next?').map((a) => a.values);
    const sagaActions = ['poll', 'cancel', 'received', 'saga'];
    expect(menus[0]).toEqual(expect.arrayContaining(['goods', 'stock', 'stop', 'recover']));
    for (const action of [...sagaActions, 'start']) expect(menus[0]).not.toContain(action);
    expect(menus[4]).toEqual(expect.arrayContaining(sagaActions));
    expect(menus[5]).not.toContain('received');
    expect(menus[5]).not.toContain('cancel');
    expect(asked.find((a) => a.message === 'Which item?')!.values).toEqual(['book', 'lamp', 'mug', 'pen', 'plant']);
    expect(asked.find((a) => a.message === 'Deliver to which city?')!.values).toEqual(expect.arrayContaining(['Amsterdam', 'Berlin', 'Paris']));
    expect(asked.filter((a) => a.message === 'Which service?').map((a) => a.values)).toEqual([['identity', 'billing', 'order', 'notification', 'stock', 'delivery'], ['delivery']]);

    const first = after(text, '? Street?');
    expect(first).toMatch(/Order ─▶ Stock\s+POST \/reservations\s+REST\s+201/);
    expect(first).toMatch(/Order ─▶ Delivery\s+POST \/deliveries\s+REST\s+201/);
    expect(first).toMatch(/→ 201 .*"status":"delivering"/);
    expect(after(text, '? What next? Confirm an order received')).toContain('order-1: created → paid → reserved → delivering → done (done)');
    const cancel = after(text, '? What next? Cancel an order');
    for (const hop of ['Order ─▶ Delivery\\s+POST /deliveries/\\{id\\}/return', 'Order ─▶ Stock\\s+POST /reservations/\\{id\\}/release', 'Order ─▶ Billing\\s+POST /payments/\\{id\\}/refund']) expect(cancel).toMatch(new RegExp(`${hop}\\s+REST\\s+200`));
    expect(cancel).toContain('order-2: created → paid → reserved → delivering → cancelled (cancelled by the customer; undone: return, release, refund)');
    expect(after(text, '? What next? Show balance')).toMatch(/→ 200 \{"amount":970,/);
    const shelf = after(text, '? What next? Show stock');
    for (const [sku, available] of [['lamp', 18], ['mug', 20], ['pen', 20]]) expect(shelf).toMatch(new RegExp(`${sku}\\s+.*available\\s+${available}\\s+reserved 0`));

    expect(after(text, '? Which service? delivery')).toContain('the calls made to it directly fail (Gateway: GET /zones; Order: POST /deliveries)');
    const waiting = after(text, '? Street?', 3);
    expect(waiting).toMatch(/Order ─▶ Delivery\s+POST \/deliveries\s+REST\s+unreachable/);
    expect(waiting).toMatch(/→ 502 .*delivery is unreachable/);
    expect(waiting).toContain('order-3: created → paid → reserved — next: delivering (handed to delivery)');
    expect(after(text, '? What next? Show stock', 2)).toMatch(/book\s+A book\s+available\s+19\s+reserved 1/);
    expect(after(text, '? What next? Start a service')).toContain('order-3 (reserved) still waits');
    const recovered = after(text, '? What next? Run the recovery pass now');
    expect(recovered).toMatch(/Order ─▶ Delivery\s+POST \/deliveries\s+REST\s+201/);
    expect(recovered).toContain('Recovery pass: sagas resumed: 1.');
    expect(recovered).toContain('order-3: created → paid → reserved → delivering — next: done');
    expect(said.at(-1)).toBe('Bye.');
  });

  test('at the prompts: order goods picked from the catalog, then confirm them received', async () => {
    const said: string[] = [];
    const done = walk({ asker: terminalAsker(), say: (line) => said.push(line), variant: 'http' });
    const until = async (prompt: string) => {
      while (!screen.getScreen().includes(prompt)) await screen.next();
    };
    /** Presses `down` so many times and enter, then waits for the next prompt, which must show `next`. */
    const choose = async (downs: number, next: string) => {
      await key('down', downs);
      screen.keypress('enter');
      await screen.next();
      await until(next);
    };
    await until('What next?');
    await choose(1, 'Which user?');
    await choose(0, 'What next?');
    await choose(2, 'Which user?');
    await choose(0, 'What next?');
    await choose(3, 'Which user?');
    await choose(0, 'Amount?');
    await choose(0, 'What next?');
    await choose(6, 'Which user?');
    await choose(0, 'Price?');
    await choose(0, 'Which item?');
    await choose(1, 'How many?');
    await choose(0, 'Another item?');
    await choose(0, 'Deliver to which city?');
    await choose(0, 'Street?');
    await choose(0, 'What next?');
    expect(screen.getScreen()).toContain('Confirm an order received');
    await choose(9, 'Which order?');
    expect(screen.getScreen()).toContain('order-1 (delivering, 1 lamp, to Amsterdam)');
    await choose(0, 'What next?');
    await key('down', 30);
    screen.keypress('enter');
    await done;
    const text = plain(said.join('\n'));
    expect(text).toContain('order-1: created → paid → reserved → delivering — next: done');
    expect(text).toContain('order-1: created → paid → reserved → delivering → done (done)');
  });
});
