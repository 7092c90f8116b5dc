import { StatefulSet } from 'kubernetes-models/apps/v1';
import { Service } from 'kubernetes-models/v1';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { INFRA_IMAGES } from './compose.js';
import { SECRET_OF } from './kubernetes-plan.js';
import { containerSecurity, labelsOf, podSecurity, selectorOf } from './kubernetes-services.js';

/** The database and user the in-cluster PostgreSQL makes on first start; its password is generated (secrets/store.env). */
export const POSTGRES = { name: 'postgres', port: 5432, user: 'orderctl', database: 'orderctl' } as const;
/** The in-cluster RabbitMQ and its user; its password is generated (secrets/broker.env). */
export const RABBITMQ = { name: 'rabbitmq', port: 5672, user: 'orderctl' } as const;

/** The URL the services reach the in-cluster PostgreSQL at, with `password`. */
export const postgresUrl = (password: string) => `postgres://${POSTGRES.user}:${password}@${POSTGRES.name}:${POSTGRES.port}/${POSTGRES.database}`;
/** The URL the services reach the in-cluster RabbitMQ at, with `password`. */
export const rabbitmqUrl = (password: string) => `amqp://${RABBITMQ.user}:${password}@${RABBITMQ.name}:${RABBITMQ.port}`;

/** Only orderctl's services may open connections to `name` on `port`. */
function onlyServices(name: string, port: string): NetworkPolicy {
  return new NetworkPolicy({
    metadata: { name: `${name}-from-services`, labels: labelsOf(name, name === POSTGRES.name ? 'database' : 'broker') },
    spec: {
      podSelector: { matchLabels: selectorOf(name) },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'orderctl', 'app.kubernetes.io/component': 'service' } } }], ports: [{ port, protocol: 'TCP' }] }],
    },
  });
}

/** A StatefulSet of one pod with a volume of its own, its headless Service, and who may reach it. */
function stateful(name: string, component: 'database' | 'broker', port: number, container: Omit<IContainer, 'name' | 'ports'>, dataPath: string, size: string, uid: number) {
  const set = new StatefulSet({
    metadata: { name, labels: labelsOf(name, component) },
    spec: {
      serviceName: name,
      replicas: 1,
      selector: { matchLabels: selectorOf(name) },
      template: {
        metadata: { labels: labelsOf(name, component) },
        spec: {
          automountServiceAccountToken: false,
          securityContext: podSecurity(uid),
          containers: [{ name, ...container, ports: [{ name, containerPort: port, protocol: 'TCP' }], securityContext: { ...containerSecurity, readOnlyRootFilesystem: false }, volumeMounts: [{ name: 'data', mountPath: dataPath }] }],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } } }],
    },
  });
  const service = new Service({
    metadata: { name, labels: labelsOf(name, component) },
    spec: { clusterIP: 'None', selector: selectorOf(name), ports: [{ name, port, targetPort: name, protocol: 'TCP' }] },
  });
  return [set, service, onlyServices(name, name)];
}

const fromSecret = (secret: string, key: string) => ({ valueFrom: { secretKeyRef: { name: secret, key } } });

/** PostgreSQL in the cluster: one pod, its data on a volume claim, its password from the store's Secret. */
export function postgresObjects() {
  const ready = ['pg_isready', '-h', '127.0.0.1', '-U', POSTGRES.user, '-d', POSTGRES.database];
  return stateful(
    POSTGRES.name,
    'database',
    POSTGRES.port,
    {
      image: INFRA_IMAGES.postgres,
      env: [
        { name: 'POSTGRES_USER', value: POSTGRES.user },
        { name: 'POSTGRES_DB', value: POSTGRES.database },
        { name: 'POSTGRES_PASSWORD', ...fromSecret(SECRET_OF.ORDERCTL_STORE, 'POSTGRES_PASSWORD') },
        // A folder of the volume's own: initdb wants an empty one it owns.
        { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
      ],
      readinessProbe: { exec: { command: ready }, periodSeconds: 5, timeoutSeconds: 3 },
      livenessProbe: { exec: { command: ready }, initialDelaySeconds: 30, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    },
    '/var/lib/postgresql/data',
    '5Gi',
    999,
  );
}

/** RabbitMQ in the cluster: one pod, its queues on a volume claim, its password from the broker's Secret. */
export function rabbitmqObjects() {
  return stateful(
    RABBITMQ.name,
    'broker',
    RABBITMQ.port,
    {
      image: INFRA_IMAGES.rabbitmq,
      env: [
        { name: 'RABBITMQ_DEFAULT_USER', value: RABBITMQ.user },
        { name: 'RABBITMQ_DEFAULT_PASS', ...fromSecret(SECRET_OF.ORDERCTL_BROKER, 'RABBITMQ_DEFAULT_PASS') },
      ],
      readinessProbe: { exec: { command: ['rabbitmq-diagnostics', '-q', 'ping'] }, periodSeconds: 10, timeoutSeconds: 10 },
      livenessProbe: { exec: { command: ['rabbitmq-diagnostics', '-q', 'status'] }, initialDelaySeconds: 60, periodSeconds: 30, timeoutSeconds: 15, failureThreshold: 4 },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    },
    '/var/lib/rabbitmq',
    '2Gi',
    999,
  );
}
