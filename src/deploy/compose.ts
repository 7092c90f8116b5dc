import { stringify } from 'yaml';
import { MESH_SECRET_ENV } from '../system/mesh.js';
import { handlesTokens, planProcesses, type Deployment } from '../system/process-plan.js';

/** The port every service listens on inside its container. */
export const CONTAINER_PORT = 8080;

/** The deployment docker-compose.yml describes: each service a container named after it, RabbitMQ as `rabbitmq`, PostgreSQL as `postgres`. */
export const composeDeployment: Deployment = {
  variant: '${ORDERCTL_VARIANT:-hybrid}',
  broker: 'amqp://guest:guest@rabbitmq:5672',
  store: 'postgres://orderctl:orderctl@postgres:5432/orderctl',
  namespace: '${ORDERCTL_VARIANT:-hybrid}',
  host: '0.0.0.0',
  port: () => CONTAINER_PORT,
  url: (service) => `http://${service}:${CONTAINER_PORT}`,
  dataDir: '/data',
  replicas: {},
};

/** The images of the broker and the database, the same in docker-compose.yml and the Kubernetes manifests. */
export const INFRA_IMAGES = { rabbitmq: 'rabbitmq:3.13-management', postgres: 'postgres:15' } as const;

const HEADER = `# Written by \`npm run compose\` (scripts/compose.ts) from the same plan \`orderctl serve --processes\`
# starts, so a container runs exactly the command a --processes child runs. Do not edit by hand.
#
#   ORDERCTL_JWT_SECRET=$(openssl rand -hex 32) ORDERCTL_MESH_SECRET=$(openssl rand -hex 32) ORDERCTL_VARIANT=hybrid docker compose up --build
#   docker compose up --scale billing=3 --scale notification=2     # replicas: competing consumers, DNS round-robin
#   curl localhost:8080/api/v1/health
#
# Only the gateway publishes a port. Inside the network a service answers only the services its
# style links to it, each proving it with its link's credential (made from ORDERCTL_MESH_SECRET).
# Each service keeps its data in its own schema (<variant>_<service>) of the database orderctl in
# the postgres container, created on first use.
`;

/** docker-compose.yml as text. */
export function composeFile(): string {
  const services: Record<string, unknown> = {
    rabbitmq: {
      image: INFRA_IMAGES.rabbitmq,
      healthcheck: { test: ['CMD', 'rabbitmq-diagnostics', '-q', 'ping'], interval: '5s', timeout: '5s', retries: 20 },
    },
    postgres: {
      image: INFRA_IMAGES.postgres,
      environment: { POSTGRES_USER: 'orderctl', POSTGRES_PASSWORD: 'orderctl', POSTGRES_DB: 'orderctl' },
      volumes: ['postgres-data:/var/lib/postgresql/data'],
      healthcheck: { test: ['CMD', 'pg_isready', '-U', 'orderctl', '-d', 'orderctl'], interval: '5s', timeout: '5s', retries: 20 },
    },
  };
  for (const planned of planProcesses(composeDeployment)) {
    services[planned.service] = {
      build: '.',
      image: 'orderctl:latest',
      command: planned.args,
      environment: {
        ...planned.env,
        [MESH_SECRET_ENV]: `\${${MESH_SECRET_ENV}:?set ${MESH_SECRET_ENV} to one secret for every service: it makes the credential of each link}`,
        ...(handlesTokens(planned.service) ? { ORDERCTL_JWT_SECRET: '${ORDERCTL_JWT_SECRET:?set ORDERCTL_JWT_SECRET to one secret for identity and the gateway}' } : {}),
      },
      depends_on: { rabbitmq: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } },
      ...(planned.service === 'gateway' ? { ports: [`\${ORDERCTL_PORT:-8080}:${CONTAINER_PORT}`] } : {}),
      restart: 'unless-stopped',
    };
  }
  return HEADER + stringify({ version: '3.8', services, volumes: { 'postgres-data': {} } }, { lineWidth: 0 });
}
