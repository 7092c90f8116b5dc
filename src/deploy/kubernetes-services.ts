import { Deployment } from 'kubernetes-models/apps/v1';
import { Service } from 'kubernetes-models/v1';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { HEALTH_PATH } from '../http/service-app.js';
import type { PlannedService } from '../system/process-plan.js';
import { CONTAINER_PORT } from './compose.js';
import { CONTAINER_COMMAND, CONTAINER_DATA_DIR, containerEnv, STYLE_DIR } from './kubernetes-plan.js';

/** The image every service runs; `images:` in base/kustomization.yaml says which tag (kustomize edit set image). */
export const ORDERCTL_IMAGE = 'orderctl';
/** The name of every service's HTTP port, in its container and its Service. */
export const HTTP_PORT = 'http';
/** The ConfigMap carrying a user's style file. */
export const STYLE_CONFIG_MAP = 'orderctl-style';

/** The labels selecting the pods of one part of the system. */
export const selectorOf = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'orderctl' });
/** Every label of a pod: its selector and what kind of part it is. */
export const labelsOf = (name: string, component: 'service' | 'database' | 'broker') => ({ ...selectorOf(name), 'app.kubernetes.io/component': component });

/**
 * How the cluster learns a process is ready and alive. Ready: its `GET /health` answers 200, which it does
 * only while its store and broker answer (what the gateway's own health check asks of it). Alive: its port
 * takes connections; not `/health`, because a process whose database is down is not helped by a restart.
 */
export const probes = {
  startup: { tcpSocket: { port: HTTP_PORT }, periodSeconds: 2, failureThreshold: 60 },
  readiness: { httpGet: { path: HEALTH_PATH, port: HTTP_PORT }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
  liveness: { tcpSocket: { port: HTTP_PORT }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
} satisfies Record<string, IProbe>;

/** A pod's security: a user of its image's (not root), the runtime's default seccomp profile. */
export const podSecurity = (uid: number): IPodSecurityContext => ({ runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } });
/** A container's security: no privilege to gain, no capability, nothing writable but its volumes. */
export const containerSecurity: ISecurityContext = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };

/** One service's container: exactly the command, environment and port of its `--processes` child. */
export function serviceContainer(planned: PlannedService, ownStyle: boolean): IContainer {
  const mounts: IVolumeMount[] = [
    { name: 'data', mountPath: CONTAINER_DATA_DIR },
    { name: 'tmp', mountPath: '/tmp' },
    ...(ownStyle ? [{ name: 'style', mountPath: STYLE_DIR, readOnly: true }] : []),
  ];
  return {
    name: planned.service,
    image: ORDERCTL_IMAGE,
    command: CONTAINER_COMMAND,
    args: planned.args,
    env: containerEnv(planned),
    ports: [{ name: HTTP_PORT, containerPort: CONTAINER_PORT, protocol: 'TCP' }],
    startupProbe: probes.startup,
    readinessProbe: probes.readiness,
    livenessProbe: probes.liveness,
    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '384Mi' } },
    securityContext: containerSecurity,
    volumeMounts: mounts,
  };
}

/** A service's Deployment (replicas come from an overlay) and the Service others reach it by. */
export function serviceObjects(planned: PlannedService, ownStyle: boolean): [Deployment, Service] {
  const volumes: IVolume[] = [
    { name: 'data', emptyDir: {} },
    { name: 'tmp', emptyDir: {} },
    ...(ownStyle ? [{ name: 'style', configMap: { name: STYLE_CONFIG_MAP } }] : []),
  ];
  const deployment = new Deployment({
    metadata: { name: planned.service, labels: labelsOf(planned.service, 'service') },
    spec: {
      replicas: 1,
      selector: { matchLabels: selectorOf(planned.service) },
      template: {
        metadata: { labels: labelsOf(planned.service, 'service') },
        spec: {
          automountServiceAccountToken: false,
          // The image's `node` user.
          securityContext: podSecurity(1000),
          // serve drains what it holds on SIGTERM (the gateway first stops taking requests).
          terminationGracePeriodSeconds: 30,
          containers: [serviceContainer(planned, ownStyle)],
          volumes,
        },
      },
    },
  });
  const service = new Service({
    metadata: { name: planned.service, labels: labelsOf(planned.service, 'service') },
    spec: { selector: selectorOf(planned.service), ports: [{ name: HTTP_PORT, port: CONTAINER_PORT, targetPort: HTTP_PORT, protocol: 'TCP' }] },
  });
  return [deployment, service];
}
