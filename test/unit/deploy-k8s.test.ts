import { Deployment } from 'kubernetes-models/apps/v1';
import { describe, expect, test } from 'vitest';
import { ruleProblems, schemaProblems, type Generated, type KubeObject } from '../../src/deploy/kubernetes-checks.js';
import { postgresObjects } from '../../src/deploy/kubernetes-infra.js';
import { denyAll, gatewayIngress, gatewayOpen, linkPolicies } from '../../src/deploy/kubernetes-network.js';
import { clusterPlan, containerEnv, credentialsSecret, SECRET_OF } from '../../src/deploy/kubernetes-plan.js';
import { serviceObjects } from '../../src/deploy/kubernetes-services.js';
import { planOf } from '../../src/system/links/index.js';
import { CREDENTIALS_ENV } from '../../src/system/mesh.js';
import { planProcesses, serviceEnv } from '../../src/system/process-plan.js';
import { SERVICES } from '../../src/system/wiring.js';
import { findVariant } from '../../src/variants/index.js';

const http = findVariant('http');
const generated: Generated = {
  secrets: {
    [SECRET_OF.ORDERCTL_JWT_SECRET]: ['ORDERCTL_JWT_SECRET'],
    [SECRET_OF.ORDERCTL_STORE]: ['ORDERCTL_STORE', 'POSTGRES_PASSWORD'],
    ...Object.fromEntries(SERVICES.map((s) => [credentialsSecret(s), [CREDENTIALS_ENV]])),
  },
  configMaps: {},
};
/** The objects of the http style's overlay, as plain JSON. */
const good = (): KubeObject[] =>
  [...clusterPlan(http).flatMap((p) => serviceObjects(p, false)), ...postgresObjects(), gatewayIngress('arch.homework'), denyAll(), gatewayOpen(), ...linkPolicies(planOf(http))].map((o) => JSON.parse(JSON.stringify(o.toJSON())) as KubeObject);
const find = (objects: KubeObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;

describe('the checks of the manifests', () => {
  test('the http overlay passes the schema of each kind and every rule of ours', () => {
    expect(schemaProblems(good())).toEqual([]);
    expect(ruleProblems(good(), generated)).toEqual([]);
  });

  test('layer 1: a misspelt field does not compile', () => {
    // @ts-expect-error `replica` is not a field of a DeploymentSpec (replicas is): `npm run typecheck` fails if this ever compiles.
    const typo = new Deployment({ metadata: { name: 'x' }, spec: { replica: 2, selector: {}, template: {} } });
    expect(typo.kind).toBe('Deployment');
  });

  test('layer 2: a field of the wrong type, a missing required field, an unknown kind', () => {
    const objects = good();
    find(objects, 'Deployment', 'billing').spec.replicas = 'three';
    delete find(objects, 'Service', 'order').spec.ports[0].port;
    objects.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray' } });
    const problems = schemaProblems(objects);
    expect(problems.some((p) => p.startsWith('Deployment/billing:') && p.includes('replicas'))).toBe(true);
    expect(problems.some((p) => p.startsWith('Service/order:') && p.includes('port'))).toBe(true);
    expect(problems).toContain('Pod/stray: a kind these manifests do not write');
  });

  test.each([
    ['a name that is not DNS-1123', (o: KubeObject[]) => void (find(o, 'Deployment', 'billing').metadata.name = 'Billing_Service'), 'is not a DNS-1123 subdomain'],
    ['a selector that misses its pods', (o: KubeObject[]) => void (find(o, 'Deployment', 'stock').spec.selector.matchLabels['app.kubernetes.io/name'] = 'stok'), 'does not match its pods'],
    ['a Service on a port its container does not name', (o: KubeObject[]) => void (find(o, 'Service', 'delivery').spec.ports[0].targetPort = 'web'), 'targets web, which Deployment/delivery does not name'],
    ['a Service selecting nothing', (o: KubeObject[]) => void (find(o, 'Service', 'identity').spec.selector['app.kubernetes.io/name'] = 'nobody'), 'matches no pod'],
    ['a readiness probe on a path the service guards', (o: KubeObject[]) => void (find(o, 'Deployment', 'order').spec.template.spec.containers[0].readinessProbe.httpGet.path = '/orders'), 'answers only /health without a credential'],
    ['a probe on an unnamed port', (o: KubeObject[]) => void (find(o, 'Deployment', 'order').spec.template.spec.containers[0].livenessProbe.tcpSocket.port = 'admin'), 'asks port admin'],
    ['a Secret that is not there', (o: KubeObject[]) => void (find(o, 'Deployment', 'gateway').spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'ORDERCTL_JWT_SECRET').valueFrom.secretKeyRef.name = 'jwt'), 'comes from Secret jwt, which is not here'],
    ['a key the Secret does not have', (o: KubeObject[]) => void (find(o, 'Deployment', 'gateway').spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'ORDERCTL_JWT_SECRET').valueFrom.secretKeyRef.key = 'JWT'), 'comes from key JWT'],
    ['an Ingress to no Service', (o: KubeObject[]) => void (find(o, 'Ingress', 'gateway').spec.rules[0].http.paths[0].backend.service.name = 'gw'), 'Service gw, which is not here'],
    ['a policy letting in pods that do not exist', (o: KubeObject[]) => void (find(o, 'NetworkPolicy', 'billing-from-linked').spec.ingress[0].from[0].podSelector.matchLabels['app.kubernetes.io/name'] = 'orders'), 'matches no pod'],
    ['a StatefulSet without its headless Service', (o: KubeObject[]) => void (find(o, 'Service', 'postgres').spec.clusterIP = undefined), 'is not a headless Service'],
    ['an object written twice', (o: KubeObject[]) => void o.push(find(o, 'Service', 'billing')), 'written twice'],
  ])('layer 3 finds %s', (_what, spoil, said) => {
    const objects = good();
    spoil(objects);
    const problems = ruleProblems(objects, generated);
    expect(problems.some((p) => p.includes(said)), problems.join('\n')).toBe(true);
  });
});

describe('the containers of the cluster plan', () => {
  test('a container has the names of a --processes child environment, the URLs and credentials from Secrets, never a value', () => {
    const loopback = planProcesses({ variant: 'hybrid', broker: 'amqp://x', store: 'postgres://x', namespace: 'n', host: '127.0.0.1', port: () => 1, url: () => 'http://127.0.0.1:1', dataDir: '/tmp/x', replicas: {} });
    for (const planned of clusterPlan(findVariant('hybrid'))) {
      const child = loopback.find((p) => p.service === planned.service)!;
      const names = [...Object.keys(child.env), ...Object.keys(serviceEnv(child, { credentials: '', limits: '', tokenSecret: '' }))];
      const env = containerEnv(planned);
      expect(env.map((e) => e.name).sort()).toEqual(names.sort());
      for (const e of env.filter((e) => e.name !== 'ORDERCTL_ABUSE_LIMITS')) expect(e.value, e.name).toBeUndefined();
    }
  });
});
