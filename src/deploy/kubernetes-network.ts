import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { Plan } from '../system/plan.js';
import { restLinks } from '../system/mesh.js';
import { SERVICES, type ServiceName } from '../system/wiring.js';
import { HTTP_PORT, labelsOf, selectorOf } from './kubernetes-services.js';

/** The public host the Ingress answers for, unless given. */
export const DEFAULT_HOST = 'arch.homework';

/** The Ingress: every path of `host` goes to the gateway (the public API is /api/v1). */
export function gatewayIngress(host: string): Ingress {
  return new Ingress({
    metadata: {
      name: 'gateway',
      labels: labelsOf('gateway', 'service'),
      // An order's event stream (server-sent events) must reach the client as it is written (ingress-nginx buffers otherwise).
      annotations: { 'nginx.ingress.kubernetes.io/proxy-buffering': 'off', 'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600' },
    },
    spec: { rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'gateway', port: { name: HTTP_PORT } } } }] } }] },
  });
}

/** Nothing reaches a pod of the namespace unless a policy below lets it. */
export const denyAll = () => new NetworkPolicy({ metadata: { name: 'default-deny-ingress' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });

/** The gateway is the public entrance: anyone (the Ingress controller, wherever it runs) may reach its port. */
export const gatewayOpen = () =>
  new NetworkPolicy({
    metadata: { name: 'gateway-from-anywhere', labels: labelsOf('gateway', 'service') },
    spec: { podSelector: { matchLabels: selectorOf('gateway') }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: HTTP_PORT, protocol: 'TCP' }] }] },
  });

/** Who may call each service in a style: the services its REST links come from (the harness's own links have no pod here). */
export function callersOf(plan: Plan): Record<ServiceName, ServiceName[]> {
  const links = restLinks(plan).filter((l): l is { from: ServiceName; to: ServiceName } => (SERVICES as readonly string[]).includes(l.from));
  return Object.fromEntries(SERVICES.map((to) => [to, [...new Set(links.filter((l) => l.to === to).map((l) => l.from))]])) as Record<ServiceName, ServiceName[]>;
}

/** For every service but the gateway: only the services the style links to it may open a connection (none: nobody). */
export function linkPolicies(plan: Plan): NetworkPolicy[] {
  const callers = callersOf(plan);
  return SERVICES.filter((s) => s !== 'gateway').map(
    (service) =>
      new NetworkPolicy({
        metadata: { name: `${service}-from-linked`, labels: labelsOf(service, 'service') },
        spec: {
          podSelector: { matchLabels: selectorOf(service) },
          policyTypes: ['Ingress'],
          ingress: callers[service].length ? [{ from: callers[service].map((from) => ({ podSelector: { matchLabels: selectorOf(from) } })), ports: [{ port: HTTP_PORT, protocol: 'TCP' }] }] : [],
        },
      }),
  );
}
