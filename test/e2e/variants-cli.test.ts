import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { BUILTIN_VARIANTS_DIR } from '../../src/variants/index.js';
import { cli, privateTmp } from '../support/cli.js';
import { rabbitmqUrl } from '../support/rabbitmq.js';

/** A style of a user's: sync-billing renamed, notification keeping its own copy of users instead of asking identity. */
function writeOwnStyle(dir: string): string {
  const text = readFileSync(join(BUILTIN_VARIANTS_DIR, 'sync-billing.yaml'), 'utf8')
    .replace('name: sync-billing', 'name: my-style')
    .replace(/^order: \d+\n/m, '')
    .replace('accountOpening: rest ', 'accountOpening: event')
    .replace('recipient: rest      ', 'recipient: copy      ')
    .replace(/\n# The hops[\s\S]*$/, '\n');
  const file = join(dir, 'my-style.yaml');
  writeFileSync(file, text);
  return file;
}

test('orderctl variants lists the six built-in styles with their links; show prints a declaration and its topology', async () => {
  const list = await cli(['variants']);
  expect(list.code).toBe(0);
  for (const name of ['http', 'event-notification', 'event-collaboration', 'hybrid', 'sync-billing', 'choreography']) expect(list.stdout).toMatch(new RegExp(`^${name}\\s+(rest|broker)\\s+(thin|full)`, 'm'));
  expect(list.stdout).toMatch(/^sync-billing\s+rest\s+full\s+rest\s+rest\s+event\s+rest\s+rest\/rest\s+at once$/m);
  expect(list.stdout).toMatch(/^hybrid\s+rest\s+full\s+event\s+event\s+event\s+copy\s+event\/event\s+later \(202\)$/m);
  expect(list.stdout).toMatch(/^choreography\s+rest\s+full\s+event\s+event\s+event\s+copy\s+choreography\s+later \(202\)$/m);
  const json = JSON.parse((await cli(['variants', '--json'])).stdout);
  expect(json.map((v: { name: string }) => v.name)).toEqual(['http', 'event-notification', 'event-collaboration', 'hybrid', 'sync-billing', 'choreography']);
  expect(json.find((v: { name: string }) => v.name === 'choreography')).toMatchObject({ saga: 'choreography' });
  expect(json.find((v: { name: string }) => v.name === 'hybrid')).toMatchObject({ saga: 'orchestration', links: { reservation: 'event', dispatch: 'event' } });
  const show = await cli(['variants', 'show', 'sync-billing']);
  expect(show.code).toBe(0);
  expect(show.stdout).toContain('# sync-billing: the client learns at once');
  expect(show.stdout).toContain('Order -->|"POST /payments/{id}/refund, POST /payments"| Billing');
  expect(show.stdout).toContain('Order -.->|"OrderCompleted, OrderFailed"| Notification');
  expect(show.stdout).toContain('The compiled plan:');
  expect(show.stdout).toContain('  order => billing POST /payments   (payment)');
});

test('orderctl variants check compiles every shipped style file without booting, and refuses a broken one in one line with exit 1', async () => {
  const files = ['http', 'event-notification', 'event-collaboration', 'hybrid', 'sync-billing', 'choreography'].map((n) => join(BUILTIN_VARIANTS_DIR, `${n}.yaml`));
  files.push(join(BUILTIN_VARIANTS_DIR, 'examples', 'http-hardened.yaml'));
  const ok = await cli(['variants', 'check', ...files]);
  expect(ok.code).toBe(0);
  for (const file of files) expect(ok.stdout).toContain(`${file}: accepted`);
  expect(ok.stdout).toContain('  stock ~> order StockReserved   (reservation)');
  const dir = privateTmp();
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, 'name: broken\nsummary: a copy of users with REST account opening\ncommands: rest\nevents: full\nlinks:\n  accountOpening: rest\n  payment: event\n  orderOutcome: event\n  recipient: copy\n');
  const refused = await cli(['variants', 'check', broken]);
  expect(refused.code).toBe(1);
  expect(refused.stdout.trim()).toBe(`${broken}: links.recipient: a copy of users needs UserCreated events (links.accountOpening: event)`);
  const json = JSON.parse((await cli(['variants', 'check', '--json', files[3], broken])).stdout);
  expect(json.map((c: { accepted: boolean }) => c.accepted)).toEqual([true, false]);
  expect(json[0].plan.messages).toContain('ReserveStock');
  rmSync(dir, { recursive: true, force: true });
});

test('a style file of a user\'s runs end to end: every scenario in one process, and with one process per service over RabbitMQ', async () => {
  const dir = privateTmp();
  try {
    const file = writeOwnStyle(dir);
    const inProcess = await cli(['run', '--variant', file, '--no-report', '--json']);
    expect(inProcess.code, inProcess.stderr).toBe(0);
    const result = JSON.parse(inProcess.stdout);
    expect(result.variants.map((v: { variant: string; passed: boolean }) => [v.variant, v.passed])).toEqual([['my-style', true]]);
    const processes = await cli(['run', '--variant', file, '--scenario', 'happy-path', '--processes', '--broker', await rabbitmqUrl(), '--no-report', '--json']);
    expect(processes.code, processes.stderr).toBe(0);
    expect(JSON.parse(processes.stdout).passed).toBe(true);
    // --variants-dir adds it to the built-in ones: `all` is six styles.
    const listed = JSON.parse((await cli(['variants', '--variants-dir', dir, '--json'])).stdout);
    expect(listed.map((v: { name: string }) => v.name)).toContain('my-style');
    const svg = join(dir, 'my-style.svg');
    const drawn = await cli(['variants', 'show', file, '--svg', svg]);
    expect(drawn.code, drawn.stderr).toBe(0);
    expect(readFileSync(svg, 'utf8')).toContain('<svg');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);

test('an unsafe style file is refused before anything boots, in one line naming the field, exit code 2', async () => {
  const dir = privateTmp();
  try {
    const file = join(dir, 'unsafe.yaml');
    writeFileSync(file, readFileSync(join(BUILTIN_VARIANTS_DIR, 'hybrid.yaml'), 'utf8').replace('commands: rest ', 'commands: broker'));
    const out = await cli(['run', '--variant', file, '--no-report']);
    expect(out.code).toBe(2);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toContain(`${file}: push: push tells a client an outcome it was not given at once`);
    const unknown = await cli(['run', '--variant', 'grpc']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown variant "grpc" (choose one of: http, event-notification, event-collaboration, hybrid, sync-billing, choreography, all; or give a style file such as ./my-style.yaml)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("run checks a style's reference flows against what really flowed: a hop out of order fails happy-path's step, naming the hop", async () => {
  const dir = privateTmp();
  const text = readFileSync(join(BUILTIN_VARIANTS_DIR, 'http.yaml'), 'utf8').replace('name: http', 'name: swapped').replace(/^order: \d+\n/m, '');
  // The registration's two calls in the wrong order: each hop is one the style makes (the plan accepts the file), but not in this order.
  const swapped = text.replace('    - gateway => identity POST /register\n    - identity => billing PUT /accounts/{id}\n', '    - identity => billing PUT /accounts/{id}\n    - gateway => identity POST /register\n');
  expect(swapped).not.toBe(text);
  const file = join(dir, 'swapped.yaml');
  writeFileSync(file, swapped);
  const run = await cli(['run', '--variant', file, '--scenario', 'happy-path', '--no-report']);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('flows.registration: hop 2: expected "identity => billing PUT /accounts/{id}", got "gateway => identity POST /register"');
  const same = await cli(['run', '--variant', join(BUILTIN_VARIANTS_DIR, 'http.yaml'), '--scenario', 'happy-path', '--no-report']);
  expect(same.code).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});
