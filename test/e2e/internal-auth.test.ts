import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MemoryTransport } from '../../src/broker/memory-transport.js';
import { CREDENTIAL_HEADER } from '../../src/http/service-credentials.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { SERVICES, type ServiceName } from '../../src/system/wiring.js';
import { variants } from '../../src/variants/index.js';
import { privateTmp, startCli } from '../support/cli.js';
import { eventually } from '../support/eventually.js';
import { call, prepareUsers } from '../support/fault-load.js';

const SERVICES_DIR = join(import.meta.dirname, '../../src/services');

/** Every route each service declares (`app.post('/payments/:id/refund', …)`), read from its routes file, parameters filled in. */
function declaredRoutes(): { service: ServiceName; method: string; path: string }[] {
  const routes: { service: ServiceName; method: string; path: string }[] = [];
  const folder: Record<string, ServiceName> = { ordering: 'order' };
  for (const dir of readdirSync(SERVICES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'gateway')) {
    const service = folder[dir.name] ?? (dir.name as ServiceName);
    const file = readdirSync(join(SERVICES_DIR, dir.name)).find((f) => f.endsWith('-routes.ts'))!;
    const text = readFileSync(join(SERVICES_DIR, dir.name, file), 'utf8');
    for (const [, method, path] of text.matchAll(/app\.(get|post|put|patch|delete)\([`'](\/[^`']*)[`']/g)) {
      routes.push({ service, method: method.toUpperCase(), path: path.replace(/\$\{path\}/, 'release').replace(/:\w+/g, randomUUID()) });
    }
  }
  return routes;
}

const ROUTES = declaredRoutes();

describe('no caller inside the network gets more than the gateway would give it', () => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await bootSystem({ variant: variants.find((v) => v.name === 'http')!, transport: new MemoryTransport() });
  });
  afterAll(() => system?.close());

  test('the routes read are every service but the gateway, and enough of them', () => {
    expect(new Set(ROUTES.map((r) => r.service))).toEqual(new Set(SERVICES.filter((s) => s !== 'gateway')));
    expect(ROUTES.length).toBeGreaterThan(25);
  });

  test.each(ROUTES)('$service $method $path: 401 without a credential, 403 with a forged one or one of a service not linked here', async ({ service, method, path }) => {
    const url = `${system.urls[service]}${path}`;
    const body = method === 'GET' ? undefined : JSON.stringify({ userId: 'someone', amountCents: 100_000_000, amount: 1_000_000 });
    const headers = { 'content-type': 'application/json' };
    expect((await fetch(url, { method, headers, body })).status).toBe(401);
    const forged = await fetch(url, { method, headers: { ...headers, [CREDENTIAL_HEADER]: `gateway ${'0'.repeat(64)}` }, body });
    expect(forged.status).toBe(403);
    // The harness's own credential is for stock and delivery only: nowhere else does it open a door.
    const operator = system.operatorHeaders('stock')[CREDENTIAL_HEADER].split(' ')[1];
    const borrowed = await fetch(url, { method, headers: { ...headers, [CREDENTIAL_HEADER]: `operator ${operator}` }, body });
    if (service === 'stock') expect([401, 403]).not.toContain(borrowed.status);
    else expect(borrowed.status).toBe(403);
  });

  test('the linked calls work: a customer registers, pays in, and places an order that ends succeeded', async () => {
    const [user] = await prepareUsers(`${system.gatewayUrl}/api/v1`, 1, 50_00);
    const placed = await call(`${system.gatewayUrl}/api/v1`, 'POST', '/ordering/orders', user.token, { price: 12.5 });
    expect(placed.status).toBe(201);
    expect(placed.body.status).toBe('succeeded');
    const account = await call(`${system.gatewayUrl}/api/v1`, 'GET', '/billing/account', user.token);
    expect(account.body.amount).toBe(37.5);
  });
});

test('serve --processes: every service process refuses a caller without its credential; the system works through the gateway', async () => {
  const tmp = privateTmp();
  const serve = startCli(['serve', '--variant=http', '--processes', '--port', '0', '--admin-port', '0', '--json-logs'], { TMPDIR: tmp });
  try {
    await eventually('serve to start (or exit)', () => serve.stdout(), (out) => out.includes('"event":"started"') || serve.child.exitCode !== null);
    const started = JSON.parse(serve.stdout().split('\n').find((l) => l.includes('"event":"started"'))!);
    const services = started.services as Record<ServiceName, string>;
    const victim = randomUUID();
    for (const { service, method, path } of [
      { service: 'billing', method: 'POST', path: `/accounts/${victim}/deposit` },
      { service: 'order', method: 'POST', path: '/orders' },
      { service: 'identity', method: 'GET', path: `/users/${victim}` },
    ] as const) {
      const answer = await fetch(`${services[service]}${path}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : JSON.stringify({ amountCents: 100_000_000, userId: victim, priceCents: 1 }) });
      expect(answer.status, `${service} ${method} ${path}`).toBe(401);
    }
    const [user] = await prepareUsers(started.gateway, 1, 10_00);
    expect((await call(started.gateway, 'POST', '/ordering/orders', user.token, { price: 2 })).status).toBe(201);
  } finally {
    serve.child.kill('SIGTERM');
    await serve.done;
    rmSync(tmp, { recursive: true, force: true });
  }
});
