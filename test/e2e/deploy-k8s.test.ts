import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ruleProblems, schemaProblems, type KubeObject } from '../../src/deploy/kubernetes-checks.js';
import { callersOf } from '../../src/deploy/kubernetes-network.js';
import { CONTAINER_COMMAND, clusterPlan, STYLE_DIR, STYLE_FILE } from '../../src/deploy/kubernetes-plan.js';
import { HEALTH_PATH } from '../../src/http/service-app.js';
import { planOf } from '../../src/system/links/index.js';
import { CREDENTIALS_ENV } from '../../src/system/mesh.js';
import { bootProcesses } from '../../src/system/process-system.js';
import { SERVICES, type ServiceName } from '../../src/system/wiring.js';
import { findVariant, variants } from '../../src/variants/index.js';
import { loadVariantFile } from '../../src/variants/variant-file.js';
import { usesBroker, type Variant } from '../../src/variants/variant.js';
import { cli, ROOT } from '../support/cli.js';
import { POSTGRES_TEST_URL } from '../support/postgres.js';
import { rabbitmqUrl } from '../support/rabbitmq.js';

const run = promisify(execFile);
const OUT = mkdtempSync(join(tmpdir(), 'orderctl-k8s-'));
const OWN_DIR = mkdtempSync(join(tmpdir(), 'orderctl-own-style-'));
/** A user's style file, outside the repository. */
const OWN_FILE = join(OWN_DIR, 'my-style.yaml');
copyFileSync(join(ROOT, 'variants/examples/http-hardened.yaml'), OWN_FILE);
const own = loadVariantFile(OWN_FILE);
const styles: Variant[] = [...variants, own];

/** `kubectl kustomize DIR`: the objects an overlay applies, as the cluster would get them. */
async function render(dir: string): Promise<KubeObject[]> {
  const { stdout } = await run('kubectl', ['kustomize', join(OUT, dir)], { maxBuffer: 16 * 1024 * 1024 });
  return parseAllDocuments(stdout).map((d) => {
    expect(d.errors).toEqual([]);
    return unwrapped(d.toJSON() as KubeObject);
  });
}

/** kubectl folds a long base64 value over lines, which the API server ignores in decoding: the schema's format does not. */
const unwrapped = (o: KubeObject): KubeObject => (o.kind === 'Secret' ? { ...o, data: Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [k, String(v).replace(/\s/g, '')])) } : o);

const named = (objects: KubeObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const containerOf = (objects: KubeObject[], service: string) => named(objects, 'Deployment', service)!.spec.template.spec.containers[0];
const flags = (args: string[]) => args.filter((a) => a.startsWith('--'));
/** An option's value in a command line. */
const valueOf = (args: string[], flag: string) => args[args.indexOf(flag) + 1];
const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));

const rendered = new Map<string, KubeObject[]>();

beforeAll(async () => {
  const all = await cli(['deploy', 'k8s', '--out', OUT, '--replicas', 'billing=3', '--replicas', 'billing=2,notification=2', '--json']);
  expect(all.stderr).toBe('');
  expect(all.code).toBe(0);
  const mine = await cli(['deploy', 'k8s', '--variant', OWN_FILE, '--out', OUT, '--replicas', 'billing=3', '--json']);
  expect(mine.code, mine.stderr).toBe(0);
  for (const dir of [...styles.map((s) => `styles/${s.name}`), ...styles.flatMap((s) => [`scaled/${s.name}-billing-3`])]) rendered.set(dir, await render(dir));
  for (const s of variants) rendered.set(`scaled/${s.name}-billing-2-notification-2`, await render(`scaled/${s.name}-billing-2-notification-2`));
});

afterAll(() => {
  for (const dir of [OUT, OWN_DIR]) rmSync(dir, { recursive: true, force: true });
});

describe('orderctl deploy k8s: every overlay renders with kubectl kustomize and passes the schema and our rules', () => {
  test.each(styles.map((s) => [s.name, s] as const))('%s: a Deployment and a Service per service, its store and broker, the Ingress, the policies', (name, variant) => {
    const objects = rendered.get(`styles/${name}`)!;
    for (const service of SERVICES) {
      expect(named(objects, 'Deployment', service), service).toBeDefined();
      expect(named(objects, 'Service', service), service).toBeDefined();
      expect(named(objects, 'NetworkPolicy', service === 'gateway' ? 'gateway-from-anywhere' : `${service}-from-linked`), service).toBeDefined();
      // Kustomize gave each generated Secret a hash suffix and rewrote every reference to it.
      expect(objects.some((o) => o.kind === 'Secret' && o.metadata.name.startsWith(`${service}-credentials-`))).toBe(true);
    }
    expect(named(objects, 'StatefulSet', 'postgres')).toBeDefined();
    expect(!!named(objects, 'StatefulSet', 'rabbitmq')).toBe(usesBroker(variant));
    expect(named(objects, 'Ingress', 'gateway')!.spec.rules[0].host).toBe('arch.homework');
    expect(named(objects, 'NetworkPolicy', 'default-deny-ingress')).toBeDefined();
    expect(schemaProblems(objects)).toEqual([]);
    expect(ruleProblems(objects)).toEqual([]);
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      expect(d.spec.template.spec.containers[0].resources.requests, d.metadata.name).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    }
  });

  test.each(styles.map((s) => [s.name] as const))('%s: the scaled overlays change the replicas and nothing else', (name) => {
    const base = rendered.get(`styles/${name}`)!;
    const scaled = rendered.get(`scaled/${name}-billing-3`)!;
    expect(named(scaled, 'Deployment', 'billing')!.spec.replicas).toBe(3);
    const withoutReplicas = (objects: KubeObject[]) => objects.map((o) => (o.kind === 'Deployment' ? { ...o, spec: { ...o.spec, replicas: undefined } } : o));
    expect(withoutReplicas(scaled)).toEqual(withoutReplicas(base));
    if (name !== own.name) {
      const two = rendered.get(`scaled/${name}-billing-2-notification-2`)!;
      expect([named(two, 'Deployment', 'billing')!.spec.replicas, named(two, 'Deployment', 'notification')!.spec.replicas, named(two, 'Deployment', 'order')!.spec.replicas]).toEqual([2, 2, 1]);
    }
  });

  test.each(styles.map((s) => [s.name, s] as const))('%s: each service accepts connections only from the services its style links to it', (name, variant) => {
    const objects = rendered.get(`styles/${name}`)!;
    const callers = callersOf(planOf(variant));
    for (const service of SERVICES.filter((s) => s !== 'gateway')) {
      const policy = named(objects, 'NetworkPolicy', `${service}-from-linked`)!;
      const from = (policy.spec.ingress ?? []).flatMap((r: { from: { podSelector: { matchLabels: Record<string, string> } }[] }) => r.from.map((f) => f.podSelector.matchLabels['app.kubernetes.io/name']));
      expect(from.sort(), service).toEqual([...callers[service]].sort());
    }
    // The gateway is linked to every service in every built-in style (its reads and commands).
    for (const service of SERVICES.filter((s) => s !== 'gateway')) expect(callers[service]).toContain('gateway');
    expect(named(objects, 'NetworkPolicy', 'postgres-from-services')!.spec.ingress[0].ports[0].port).toBe('postgres');
  });

  test('no secret value is in a manifest: each comes from a secrets/ file (mode 600, ignored by git) through a generated Secret', () => {
    const secretFiles = files(OUT).filter((f) => f.includes('/secrets/'));
    const manifests = files(OUT).filter((f) => !f.includes('/secrets/'));
    expect(secretFiles.length).toBeGreaterThan(0);
    const values = secretFiles.flatMap((f) => readFileSync(f, 'utf8').match(/[0-9a-f]{64}/g) ?? []);
    expect(values.length).toBeGreaterThan(4);
    for (const f of manifests) for (const v of values) expect(readFileSync(f, 'utf8'), relative(OUT, f)).not.toContain(v);
    for (const f of secretFiles) expect(statSync(f).mode & 0o077, relative(OUT, f)).toBe(0);
    expect(readFileSync(join(OUT, '.gitignore'), 'utf8')).toMatch(/^secrets\/$/m);
    // The rendered Secrets do carry them, for the cluster.
    const jwt = readFileSync(join(OUT, 'base/secrets/jwt.env'), 'utf8').trim().split('=')[1];
    const secret = rendered.get('styles/hybrid')!.find((o) => o.kind === 'Secret' && o.metadata.name.startsWith('orderctl-jwt-'))!;
    expect(Buffer.from(secret.data.ORDERCTL_JWT_SECRET, 'base64').toString()).toBe(jwt);
  });

  test('running it again keeps every secret value (no key rotated, no database password changed); an external URL given is written as given', async () => {
    const before = readFileSync(join(OUT, 'components/postgres/secrets/values.env'), 'utf8');
    const jwt = readFileSync(join(OUT, 'base/secrets/jwt.env'), 'utf8');
    const again = await cli(['deploy', 'k8s', '--variant', 'hybrid', '--out', OUT, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).secrets.kept).toEqual(expect.arrayContaining(['base/secrets/jwt.env', 'components/postgres/secrets/values.env']));
    expect(readFileSync(join(OUT, 'components/postgres/secrets/values.env'), 'utf8')).toBe(before);
    expect(readFileSync(join(OUT, 'base/secrets/jwt.env'), 'utf8')).toBe(jwt);

    const external = mkdtempSync(join(tmpdir(), 'orderctl-k8s-ext-'));
    const url = 'postgres://shop:s3cret@db.example:5432/shop';
    const written = await cli(['deploy', 'k8s', '--variant', 'hybrid', '--out', external, '--store', url, '--broker', 'amqp://shop:s3cret@mq.example:5672', '--host', 'shop.example']);
    expect(written.code, written.stderr).toBe(0);
    const { stdout } = await run('kubectl', ['kustomize', join(external, 'styles/hybrid')]);
    const objects = parseAllDocuments(stdout).map((d) => unwrapped(d.toJSON() as KubeObject));
    expect(objects.filter((o) => o.kind === 'StatefulSet')).toEqual([]);
    const store = objects.find((o) => o.kind === 'Secret' && o.metadata.name.startsWith('orderctl-store-'))!;
    expect(Buffer.from(store.data.ORDERCTL_STORE, 'base64').toString()).toBe(url);
    expect(named(objects, 'Ingress', 'gateway')!.spec.rules[0].host).toBe('shop.example');
    expect(ruleProblems(objects)).toEqual([]);
    expect(stdout).not.toContain('s3cret@');
    rmSync(external, { recursive: true, force: true });
  });

  test('usage errors exit 2 and say what is wrong', async () => {
    const cases = [
      [['--replicas', 'billing=0'], 'from 1 to 16'],
      [['--replicas', 'nobody=2'], 'not a service'],
      [['--host', 'Not A Host'], 'DNS name'],
      [['--store', 'mysql://x'], 'postgres://'],
      [['--variant', 'no-such-style'], 'unknown variant'],
    ] as const;
    const results = await Promise.all(cases.map(([args]) => cli(['deploy', 'k8s', '--out', join(OUT, 'never'), ...args])));
    results.forEach((result, i) => {
      expect(result.code, cases[i][0].join(' ')).toBe(2);
      expect(result.stderr).toContain(cases[i][1]);
    });
    expect(readdirSync(OUT)).not.toContain('never');
  });
});

describe('parity: each container runs what the matching `serve --processes` child runs', () => {
  test.each(styles.map((s) => [s.name, s] as const))('%s: the command, environment, port and probes of each container are those of the plan --processes starts', (name, variant) => {
    const objects = rendered.get(`styles/${name}`)!;
    const planned = clusterPlan(variant);
    for (const p of planned) {
      const container = containerOf(objects, p.service);
      expect(container.command, p.service).toEqual(CONTAINER_COMMAND);
      expect(container.args, p.service).toEqual(p.args);
      expect(container.ports, p.service).toEqual([{ name: 'http', containerPort: Number(valueOf(p.args, '--port')), protocol: 'TCP' }]);
      expect(valueOf(p.args, '--variant')).toBe(variant === own ? `${STYLE_DIR}/${STYLE_FILE}` : name);
      // Every peer is reached at its Service's name and port.
      for (const peer of valueOf(p.args, '--peers').split(',')) {
        const [service, url] = peer.split('=');
        expect(url).toBe(`http://${service}:${named(objects, 'Service', service)!.spec.ports[0].port}`);
      }
      expect(container.readinessProbe.httpGet).toEqual({ path: HEALTH_PATH, port: 'http' });
    }
  });

  // The plan-level parity above covers every style; booting real children (seven processes on PostgreSQL, RabbitMQ where
  // the style has messages) costs half a minute a style here, so it is done for one style of each kind: built in with a
  // broker, and a user's file without one.
  test.each([variants.find((v) => v.name === 'hybrid')!, own].map((s) => [s.name, s] as const))(
    '%s: against real --processes children: same options in the same order, same environment names, same link credentials, same health path',
    async (name, variant) => {
      const objects = rendered.get(`styles/${name}`)!;
      const broker = usesBroker(variant) ? await rabbitmqUrl() : undefined;
      const system = await bootProcesses({ variant: variant === own ? findVariant(OWN_FILE) : variant, broker, store: POSTGRES_TEST_URL, limits: true });
      try {
        for (const child of system.processes!()) {
          const service = child.service as ServiceName;
          const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
          const environ = Object.fromEntries(readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
          const container = containerOf(objects, service);
          // node bin/orderctl <args>: the harness's throwaway namespace (which it deletes) is the one flag a container does not have.
          expect(argv[1].endsWith(CONTAINER_COMMAND[1]), service).toBe(true);
          const childArgs = argv.slice(2).filter((a) => a !== '--shared-namespace');
          expect(flags(container.args), service).toEqual(flags(childArgs));
          expect(valueOf(container.args, '--service')).toBe(valueOf(childArgs, '--service'));
          if (variant === own) expect(readFileSync(valueOf(childArgs, '--variant'), 'utf8')).toBe(readFileSync(join(OUT, `styles/${name}/${STYLE_FILE}`), 'utf8'));
          else expect(valueOf(container.args, '--variant')).toBe(valueOf(childArgs, '--variant'));
          // The environment the harness gives the child (beyond its own), by name; ORDERCTL_REPLICA numbers the forks of one port, which pods do not share.
          const added = Object.keys(environ).filter((k) => k.startsWith('ORDERCTL_') && environ[k] !== process.env[k] && k !== 'ORDERCTL_REPLICA');
          expect(container.env.map((e: { name: string }) => e.name).sort(), service).toEqual(added.sort());
          expect(container.env.find((e: { name: string }) => e.name === 'ORDERCTL_ABUSE_LIMITS').value).toBe(environ.ORDERCTL_ABUSE_LIMITS);
          // The same links, each way: the container's credentials call and accept exactly whom the child's do.
          const shape = (c: { calls: object; accepts: object }) => ({ calls: Object.keys(c.calls).sort(), accepts: Object.keys(c.accepts).sort() });
          const mine = JSON.parse(readFileSync(join(OUT, `styles/${name}/secrets/${service}.json`), 'utf8'));
          expect(shape(mine), service).toEqual(shape(JSON.parse(environ[CREDENTIALS_ENV])));
          // What the readiness probe asks, the child answers: 200, naming itself.
          const health = await fetch(`${system.urls[service]}${container.readinessProbe.httpGet.path}`);
          expect(health.status, service).toBe(200);
          expect(((await health.json()) as { service: string }).service).toBe(service);
        }
      } finally {
        await system.close();
      }
    },
  );
});

test('the command says what it wrote and how to apply it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orderctl-k8s-text-'));
  const result = await cli(['deploy', 'k8s', '--variant', 'http', '--replicas', 'billing=3', '--out', dir]);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('styles/http');
  // The overlay asked for (scaled), in a namespace, by a path that works from where the command ran.
  expect(result.stdout).toContain(`kubectl create namespace shop\n  kubectl apply -n shop -k ${dir}/scaled/http-billing-3\n`);
  rmSync(dir, { recursive: true, force: true });
});
