import { CREDENTIALS_ENV, LIMITS_ENV } from './mesh.js';
import { SERVICES, type ServiceName } from './wiring.js';

/** Identity signs access tokens and the gateway checks them: both need the one secret. */
export const handlesTokens = (service: ServiceName) => service === 'identity' || service === 'gateway';

/** Why styles with events cannot run as separate processes without a broker, in one line. */
export const brokerNeeded = (variants: string[]) =>
  `--processes with ${variants.join(', ')}: messages between processes need a broker; add --broker amqp://guest:guest@127.0.0.1:5672 (the embedded one lives inside one process)`;

/** How many processes of each service (1 unless given). */
export type Replicas = Partial<Record<ServiceName, number>>;

/** Where the services of a deployment find each other and their broker, and where they keep their data. */
export interface Deployment {
  variant: string;
  broker?: string;
  namespace: string;
  /** Throwaway namespace shared by the processes (the harness deletes it); kept otherwise. */
  sharedNamespace?: boolean;
  host: string;
  /** Port each service listens on. */
  port(service: ServiceName): number | string;
  /** Base URL at which the others reach `service`. */
  url(service: ServiceName): string;
  dataDir: string;
  /** PostgreSQL URL (SQLite files in `dataDir` when absent); each service's schema is `<namespace>_<service>`. */
  store?: string;
  replicas: Replicas;
}

/** One service of a deployment: the command its processes run and how many of them. */
export interface PlannedService {
  service: ServiceName;
  replicas: number;
  /** Arguments of `orderctl` (the same in a container's command and in a `--processes` child). */
  args: string[];
  /** Its environment: the broker URL goes here rather than on the command line, where `ps` would show its password. */
  env: Record<string, string>;
}

/**
 * The processes of a deployment, one entry per service. `--processes` starts exactly these, and
 * docker-compose.yml is written from them (scripts/compose.ts), so both run the same commands.
 */
export function planProcesses(d: Deployment): PlannedService[] {
  const peers = SERVICES.map((s) => `${s}=${d.url(s)}`).join(',');
  return SERVICES.map((service) => ({
    service,
    replicas: d.replicas[service] ?? 1,
    args: [
      'serve',
      '--service', service,
      '--variant', d.variant,
      ...(d.broker || d.store ? ['--namespace', d.namespace] : []),
      ...(d.broker && d.sharedNamespace ? ['--shared-namespace'] : []),
      '--host', d.host,
      '--port', String(d.port(service)),
      '--data-dir', d.dataDir,
      '--peers', peers,
      '--json-logs',
    ],
    // URLs go in the environment rather than on the command line, where `ps` would show their passwords.
    env: { ...(d.broker ? { ORDERCTL_BROKER: d.broker } : {}), ...(d.store ? { ORDERCTL_STORE: d.store } : {}) } as Record<string, string>,
  }));
}

/** Where a service's process gets what its command line must not show: its links' credentials, the gateway's abuse limits, the token secret. */
export interface ServiceEnvSources<T> {
  credentials: T;
  limits: T;
  tokenSecret: T;
}

/**
 * The environment a harness adds to a planned service's own (`env`), by name: the same names whether
 * `--processes` fills them with values or a Kubernetes manifest with references to Secrets.
 */
export const serviceEnv = <T>(planned: PlannedService, from: ServiceEnvSources<T>): Record<string, T> => ({
  [CREDENTIALS_ENV]: from.credentials,
  [LIMITS_ENV]: from.limits,
  ...(handlesTokens(planned.service) ? { ORDERCTL_JWT_SECRET: from.tokenSecret } : {}),
});

/** `billing=3,notification=2` → replicas per service (each at least 1, at most 16). */
export function parseReplicas(text: string): Replicas {
  const replicas: Replicas = {};
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const match = /^([a-z]+)=(\d+)$/.exec(entry);
    if (!match) throw new Error(`"${entry}" is not service=count (e.g. billing=3)`);
    const [, name, count] = match;
    if (!(SERVICES as readonly string[]).includes(name)) throw new Error(`"${name}" is not a service (${SERVICES.join(', ')})`);
    const n = Number(count);
    if (n < 1 || n > 16) throw new Error(`${name}=${count}: from 1 to 16 processes`);
    replicas[name as ServiceName] = n;
  }
  return replicas;
}
