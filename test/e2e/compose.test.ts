import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { expect, test } from 'vitest';
import { composeDeployment, composeFile } from '../../src/deploy/compose.js';
import { planProcesses } from '../../src/system/process-plan.js';
import { SERVICES } from '../../src/system/wiring.js';
import { ROOT } from '../support/cli.js';

const run = promisify(execFile);
const FILE = join(ROOT, 'docker-compose.yml');
/** `docker-compose config`: Debian's docker-compose validates and resolves the file without a Docker engine. */
const config = (env: Record<string, string>) => run('docker-compose', ['-f', FILE, 'config'], { cwd: ROOT, env: { PATH: process.env.PATH!, ...env } });
const flags = (args: string[]) => args.filter((a) => a.startsWith('--'));

test('docker-compose.yml is the one written from the plan --processes runs (npm run compose writes it anew)', () => {
  expect(readFileSync(FILE, 'utf8')).toBe(composeFile());
});

test('docker-compose config accepts it; each service runs the command a --processes child runs, and the gateway port is published', async () => {
  const { stdout } = await config({ ORDERCTL_JWT_SECRET: 'a shared secret', ORDERCTL_MESH_SECRET: 'the mesh secret', ORDERCTL_VARIANT: 'event-collaboration', ORDERCTL_PORT: '9090' });
  const resolved = parse(stdout) as { services: Record<string, { command: string[]; ports?: unknown[]; environment?: Record<string, string> }> };
  expect(Object.keys(resolved.services).sort()).toEqual([...SERVICES, 'postgres', 'rabbitmq'].sort());
  const expected = planProcesses({ ...composeDeployment, variant: 'event-collaboration', namespace: 'event-collaboration' });
  const loopback = planProcesses({ ...composeDeployment, variant: 'event-collaboration', host: '127.0.0.1', url: (s) => `http://127.0.0.1:${SERVICES.indexOf(s) + 40000}`, dataDir: '/tmp/x' });
  for (const planned of expected) {
    const service = resolved.services[planned.service];
    expect(service.command, planned.service).toEqual(planned.args);
    // The broker URL travels in the environment, as for a --processes child (not on the command line, where ps shows it).
    expect(service.environment?.ORDERCTL_BROKER, planned.service).toBe('amqp://guest:guest@rabbitmq:5672');
    // Each service's data in its schema of the postgres container, as --store gives it to a --processes child.
    expect(service.environment?.ORDERCTL_STORE, planned.service).toBe('postgres://orderctl:orderctl@postgres:5432/orderctl');
    // The same options as a --processes child of the same style, in the same order; only addresses and folders differ.
    expect(flags(service.command)).toEqual(flags(loopback.find((p) => p.service === planned.service)!.args));
  }
  expect(resolved.services.identity.environment?.ORDERCTL_JWT_SECRET).toBe('a shared secret');
  expect(resolved.services.gateway.environment?.ORDERCTL_JWT_SECRET).toBe('a shared secret');
  expect(JSON.stringify(resolved.services.gateway.ports)).toContain('9090');
  // Only the gateway is published; every service makes its links' credentials from the mesh secret.
  expect(Object.entries(resolved.services).filter(([, s]) => s.ports?.length).map(([name]) => name)).toEqual(['gateway']);
  for (const name of SERVICES) expect(resolved.services[name].environment?.ORDERCTL_MESH_SECRET, name).toBe('the mesh secret');
});

test('without ORDERCTL_MESH_SECRET compose refuses to start, saying which variable to set', async () => {
  const error = await config({ ORDERCTL_JWT_SECRET: 'a shared secret' }).then(() => undefined, (e: { stderr: string }) => e);
  expect(error?.stderr).toContain('set ORDERCTL_MESH_SECRET to one secret for every service');
});

test('without ORDERCTL_JWT_SECRET compose refuses to start, saying which variable to set', async () => {
  const error = await config({}).then(() => undefined, (e: { stderr: string }) => e);
  expect(error?.stderr).toContain('set ORDERCTL_JWT_SECRET to one secret for identity and the gateway');
});
