import { screen } from '@inquirer/testing/vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { terminalAsker } from '../../src/walk/asker.js';
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
  await key('down', 15);
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
