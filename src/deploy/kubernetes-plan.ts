import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { planProcesses, serviceEnv, type Deployment, type PlannedService, type Replicas } from '../system/process-plan.js';
import { variants } from '../variants/index.js';
import { usesBroker, type Variant } from '../variants/variant.js';
import { CREDENTIALS_ENV } from '../system/mesh.js';
import { CONTAINER_PORT } from './compose.js';

/** How a container starts orderctl: the image's entry point, written out so the manifest says it (as a `--processes` child runs `node bin/orderctl`). */
export const CONTAINER_COMMAND = ['node', 'bin/orderctl'];
/** Where a container keeps what a service writes besides its database (an emptyDir). */
export const CONTAINER_DATA_DIR = '/data';
/** Where a style file of the user's is mounted (from a ConfigMap) in every container. */
export const STYLE_DIR = '/etc/orderctl';
export const STYLE_FILE = 'style.yaml';

/** The Secrets the manifests refer to, by the environment variable each one carries. */
export const SECRET_OF: Record<string, string> = {
  ORDERCTL_BROKER: 'orderctl-broker',
  ORDERCTL_STORE: 'orderctl-store',
  ORDERCTL_JWT_SECRET: 'orderctl-jwt',
};
/** The Secret holding one service's link credentials (ORDERCTL_CREDENTIALS). */
export const credentialsSecret = (service: string) => `${service}-credentials`;

/** Is this style one of the built-in ones (every image has its file), rather than a file of the user's? */
const builtIn = (variant: Variant) => variants.includes(variant);

/**
 * The deployment the manifests describe: every service a Deployment and a Service named after it on
 * port 8080, the style's data in PostgreSQL (schemas `<style>_<service>`) and its messages on RabbitMQ
 * (queues `orderctl.<style>.…`), both reached through URLs kept in Secrets.
 */
export function clusterDeployment(variant: Variant, replicas: Replicas = {}): Deployment {
  return {
    variant: builtIn(variant) ? variant.name : `${STYLE_DIR}/${STYLE_FILE}`,
    // The URLs themselves are never written: each becomes a reference to its Secret (see containerEnv).
    ...(usesBroker(variant) ? { broker: `secret:${SECRET_OF.ORDERCTL_BROKER}` } : {}),
    store: `secret:${SECRET_OF.ORDERCTL_STORE}`,
    namespace: variant.name,
    host: '0.0.0.0',
    port: () => CONTAINER_PORT,
    url: (service) => `http://${service}:${CONTAINER_PORT}`,
    dataDir: CONTAINER_DATA_DIR,
    replicas,
  };
}

/** The processes of a style on the cluster: the plan `--processes` starts, for the cluster's addresses. */
export const clusterPlan = (variant: Variant, replicas: Replicas = {}): PlannedService[] => planProcesses(clusterDeployment(variant, replicas));

const fromSecret = (name: string, key: string): IEnvVar['valueFrom'] => ({ secretKeyRef: { name, key } });

/**
 * A container's environment: the plan's own (a URL with a password comes from its Secret) and what a
 * harness adds, under the same names as for a `--processes` child, each credential from a Secret.
 */
export function containerEnv(planned: PlannedService): IEnvVar[] {
  const own = Object.entries(planned.env).map(([name, value]): IEnvVar => (SECRET_OF[name] ? { name, valueFrom: fromSecret(SECRET_OF[name], name) } : { name, value }));
  const added = serviceEnv<Omit<IEnvVar, 'name'>>(planned, {
    credentials: { valueFrom: fromSecret(credentialsSecret(planned.service), CREDENTIALS_ENV) },
    // What `serve --processes` gives its children by default: the public API's abuse limits apply.
    limits: { value: 'on' },
    tokenSecret: { valueFrom: fromSecret(SECRET_OF.ORDERCTL_JWT_SECRET, 'ORDERCTL_JWT_SECRET') },
  });
  return [...own, ...Object.entries(added).map(([name, source]) => ({ name, ...source }))];
}
