import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { HEALTH_PATH } from '../http/service-app.js';

/** A Kubernetes object as written or as `kubectl kustomize` prints it. */
export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [field: string]: any };

const MODELS: Record<string, new (data: any) => { validate(): void }> = { Deployment, StatefulSet, Service, Secret, ConfigMap, Ingress, NetworkPolicy };

/** Layer 2: each object against the OpenAPI schema of its kind (kubernetes-models); an unknown kind is a problem. */
export function schemaProblems(objects: readonly KubeObject[]): string[] {
  return objects.flatMap((o) => {
    const Model = MODELS[o.kind];
    if (!Model) return [`${o.kind}/${o.metadata?.name}: a kind these manifests do not write`];
    try {
      new Model(o).validate();
      return [];
    } catch (error) {
      return [`${o.kind}/${o.metadata?.name}: ${(error as Error).message}`];
    }
  });
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const isLabel = (s: string) => s.length <= 63 && DNS_LABEL.test(s);
const isSubdomain = (s: string) => s.length <= 253 && DNS_SUBDOMAIN.test(s);
/** IANA_SVC_NAME: what a port may be named. */
const isPortName = (s: string) => s.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(s) && /[a-z]/.test(s) && !s.includes('--');

/** Does `labels` have every pair of `selector`? */
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** What the checks are told of objects kustomize makes from files (secretGenerator, configMapGenerator): their names and keys. */
export interface Generated {
  secrets: Record<string, string[]>;
  configMaps: Record<string, string[]>;
}

/**
 * Layer 3, rules of our own: DNS-1123 names, selectors that match their pods, Services and probes on
 * container ports that exist, readiness asked only of the path every service answers without a
 * credential, every Secret and ConfigMap referred to (with its key) there, Ingress and policies aimed
 * at things that exist. Returns what is wrong, one line each.
 */
export function ruleProblems(objects: readonly KubeObject[], generated: Generated = { secrets: {}, configMaps: {} }): string[] {
  const problems: string[] = [];
  const say = (o: KubeObject, what: string) => problems.push(`${o.kind}/${o.metadata.name}: ${what}`);
  const keysOf = (kind: 'Secret' | 'ConfigMap', name: string): string[] | undefined => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (found) return Object.keys({ ...found.data, ...found.stringData });
    return (kind === 'Secret' ? generated.secrets : generated.configMaps)[name];
  };
  const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
  const podLabels = (w: KubeObject): Record<string, string> => w.spec?.template?.metadata?.labels ?? {};
  const containers = (w: KubeObject): any[] => w.spec?.template?.spec?.containers ?? [];
  const portNames = (w: KubeObject) => containers(w).flatMap((c) => (c.ports ?? []).map((p: { name?: string }) => p.name).filter(Boolean));
  const selected = (selector: Record<string, string> | undefined) => workloads.filter((w) => selects(selector, podLabels(w)));

  const seen = new Set<string>();
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata.name}`;
    if (seen.has(id)) say(o, 'written twice');
    seen.add(id);
    const name = o.metadata.name;
    const dnsOk = o.kind === 'Service' ? name.length <= 63 && DNS_1035.test(name) : isSubdomain(name);
    if (!dnsOk) say(o, `"${name}" is not a DNS-1123 ${o.kind === 'Service' ? 'label (RFC 1035)' : 'subdomain'}`);
    for (const [key, value] of Object.entries({ ...o.metadata.labels, ...podLabels(o) })) if (!LABEL_VALUE.test(value) || value.length > 63) say(o, `label ${key}=${value} is not a valid label value`);
  }

  for (const w of workloads) {
    const selector = w.spec?.selector?.matchLabels;
    if (!selector || !Object.keys(selector).length) say(w, 'has no selector');
    else if (!selects(selector, podLabels(w))) say(w, `its selector ${JSON.stringify(selector)} does not match its pods' labels ${JSON.stringify(podLabels(w))}`);
    if (w.kind === 'StatefulSet') {
      const headless = objects.find((o) => o.kind === 'Service' && o.metadata.name === w.spec?.serviceName);
      if (!headless || headless.spec?.clusterIP !== 'None') say(w, `serviceName ${w.spec?.serviceName} is not a headless Service here`);
    }
    const volumes = w.spec?.template?.spec?.volumes ?? [];
    for (const v of volumes) {
      if (v.secret && !keysOf('Secret', v.secret.secretName)) say(w, `volume ${v.name} mounts Secret ${v.secret.secretName}, which is not here`);
      if (v.configMap && !keysOf('ConfigMap', v.configMap.name)) say(w, `volume ${v.name} mounts ConfigMap ${v.configMap.name}, which is not here`);
    }
    const claimed = (w.spec?.volumeClaimTemplates ?? []).map((t: KubeObject) => t.metadata.name);
    for (const c of containers(w)) {
      if (!isLabel(c.name)) say(w, `container "${c.name}" is not a DNS-1123 label`);
      const ports: string[] = (c.ports ?? []).map((p: { name?: string }) => p.name ?? '');
      for (const port of ports) if (!isPortName(port)) say(w, `port "${port}" of ${c.name} is not a valid port name`);
      for (const [kind, probe] of [['startup', c.startupProbe], ['readiness', c.readinessProbe], ['liveness', c.livenessProbe]] as const) {
        if (!probe) {
          if (kind !== 'startup') say(w, `${c.name} has no ${kind} probe`);
          continue;
        }
        const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
        if (typeof port === 'string' && !ports.includes(port)) say(w, `the ${kind} probe of ${c.name} asks port ${port}, which the container does not name`);
        if (probe.httpGet && probe.httpGet.path !== HEALTH_PATH) say(w, `the ${kind} probe of ${c.name} asks ${probe.httpGet.path}: a service answers only ${HEALTH_PATH} without a credential`);
      }
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
        if (!ref) continue;
        const kind = e.valueFrom.secretKeyRef ? 'Secret' : 'ConfigMap';
        const keys = keysOf(kind, ref.name);
        if (!keys) say(w, `${c.name}'s ${e.name} comes from ${kind} ${ref.name}, which is not here`);
        else if (!keys.includes(ref.key)) say(w, `${c.name}'s ${e.name} comes from key ${ref.key} of ${kind} ${ref.name}, which has only ${keys.join(', ')}`);
      }
      for (const m of c.volumeMounts ?? []) if (!volumes.some((v: { name: string }) => v.name === m.name) && !claimed.includes(m.name)) say(w, `${c.name} mounts volume ${m.name}, which the pod does not have`);
    }
  }

  for (const s of objects.filter((o) => o.kind === 'Service')) {
    const pods = selected(s.spec?.selector);
    if (!pods.length) say(s, `its selector ${JSON.stringify(s.spec?.selector)} matches no pod written here`);
    for (const port of s.spec?.ports ?? []) {
      if (typeof port.targetPort !== 'string') say(s, `port ${port.name} targets ${port.targetPort}, not a named container port`);
      else for (const w of pods) if (!portNames(w).includes(port.targetPort)) say(s, `port ${port.name} targets ${port.targetPort}, which ${w.kind}/${w.metadata.name} does not name`);
    }
  }

  for (const p of objects.filter((o) => o.kind === 'NetworkPolicy')) {
    const target = p.spec?.podSelector?.matchLabels;
    const pods = target && Object.keys(target).length ? selected(target) : workloads;
    if (target && Object.keys(target).length && !pods.length) say(p, `applies to ${JSON.stringify(target)}, which matches no pod`);
    for (const rule of p.spec?.ingress ?? []) {
      for (const from of rule.from ?? []) if (from.podSelector?.matchLabels && !selected(from.podSelector.matchLabels).length) say(p, `lets in ${JSON.stringify(from.podSelector.matchLabels)}, which matches no pod`);
      for (const port of rule.ports ?? []) if (typeof port.port === 'string') for (const w of pods) if (!portNames(w).includes(port.port)) say(p, `opens port ${port.port}, which ${w.kind}/${w.metadata.name} does not name`);
    }
  }

  for (const i of objects.filter((o) => o.kind === 'Ingress')) {
    for (const rule of i.spec?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        const backend = path.backend?.service;
        const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === backend?.name);
        if (!service) say(i, `sends ${path.path} to Service ${backend?.name}, which is not here`);
        else if (!(service.spec?.ports ?? []).some((p: { name?: string; port: number }) => p.name === backend.port?.name || p.port === backend.port?.number)) say(i, `sends ${path.path} to a port Service ${backend.name} does not have`);
      }
    }
  }
  return problems;
}
