import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeBroker } from '../broker/broker-url.js';
import { openTransport } from '../broker/open-transport.js';
import { configuredTokens } from '../core/tokens.js';
import type { ServiceDirectory } from '../http/service-client.js';
import { bridgeToHarness } from '../system/process-bridge.js';
import { planOf } from '../system/links/index.js';
import { credentialsFromEnv, CREDENTIALS_ENV, LIMITS_ENV, MESH_SECRET_ENV } from '../system/mesh.js';
import { DEFAULT_LIMITS } from '../services/gateway/abuse-limits.js';
import { handlesTokens } from '../system/process-plan.js';
import { startNode } from '../system/service-node.js';
import { SERVICES, type ServiceName } from '../system/wiring.js';
import { Recorder } from '../tracing/recorder.js';
import { usesBroker, type Variant } from '../variants/variant.js';
import { CliError, EXIT } from './cli-error.js';
import { serveLog } from './serve-log.js';
import { closingOnInterrupt, untilStopped } from './shutdown.js';
import { makeFolders } from '../core/make-folders.js';
import { capacityFromEnv } from '../system/capacity.js';

/** What `serve --service` is told: everything a container's command line carries. */
export interface ServiceOptions {
  service: string;
  port: number;
  host: string;
  dataDir?: string;
  broker?: string;
  store?: string;
  namespace?: string;
  sharedNamespace?: boolean;
  peers?: string;
  jsonLogs?: boolean;
  pidFile?: string;
  processes?: boolean;
  replicas?: unknown;
  adminPort?: number;
  /** False with --no-abuse-limits. */
  abuseLimits?: boolean;
}

/** `gateway=http://gateway:8080,billing=http://billing:8080` → a directory of the other services. */
export function parsePeers(text: string | undefined, self: ServiceName): ServiceDirectory {
  const directory: ServiceDirectory = new Map();
  for (const entry of (text ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const [name, url] = entry.split(/=(.*)/s);
    if (!(SERVICES as readonly string[]).includes(name)) throw new CliError(`--peers: "${name}" is not a service (${SERVICES.join(', ')})`, EXIT.usage);
    if (!/^https?:\/\/[^/]+$/.test(url ?? '')) throw new CliError(`--peers: ${name} needs a base URL such as http://${name}:8080, not "${url ?? ''}"`, EXIT.usage);
    if (name !== self) directory.set(name, url);
  }
  return directory;
}

/** The service name given to `--service`, checked. */
export function serviceName(name: string): ServiceName {
  if (!(SERVICES as readonly string[]).includes(name)) throw new CliError(`--service must be one of ${SERVICES.join(', ')}, not "${name}"`, EXIT.usage);
  return name as ServiceName;
}

/** Runs one service of `variant` alone, until a signal (or the harness that started it goes away). */
export async function serveService(variant: Variant, options: ServiceOptions): Promise<void> {
  const service = serviceName(options.service);
  const log = serveLog(!!options.jsonLogs);
  if (usesBroker(variant) && !options.broker) {
    throw new CliError(`${variant.name} sends messages between services: across processes they need a broker; give --broker amqp://… (the embedded one lives inside one process)`, EXIT.usage);
  }
  if (options.processes || options.replicas || options.adminPort !== undefined) {
    throw new CliError('--service runs one process of one service: --processes, --replicas and --admin-port belong to a serve of the whole system', EXIT.usage);
  }
  if (handlesTokens(service) && !process.env.ORDERCTL_JWT_SECRET) {
    throw new CliError(`${service} ${service === 'identity' ? 'signs' : 'checks'} access tokens: set ORDERCTL_JWT_SECRET to the same secret in identity and the gateway`, EXIT.usage);
  }
  const credentials = credentialsFromEnv(planOf(variant), service);
  if (!credentials) {
    throw new CliError(`${service} takes calls only from the services linked to it: set ${CREDENTIALS_ENV} (a harness does) or ${MESH_SECRET_ENV} to one secret in every service`, EXIT.usage);
  }
  const peers = parsePeers(options.peers, service);
  const unknown = SERVICES.filter((name) => name !== service && !peers.has(name));
  if (unknown.length) log.warn('peers-missing', `no address for ${unknown.join(', ')} (--peers): calls to ${unknown.length > 1 ? 'them' : 'it'} will fail`, { missing: unknown });
  if (options.dataDir) await makeFolders(resolve(options.dataDir));
  const dataDir = options.dataDir ? resolve(options.dataDir) : await mkdtemp(join(tmpdir(), `orderctl-${service}-`));
  const removeTemp = () => (options.dataDir ? Promise.resolve() : rm(dataDir, { recursive: true, force: true }));
  const broker = describeBroker(options.broker, usesBroker(variant));
  // Started by a harness (--processes): it stops us with SIGTERM, gateway first; a Ctrl-C reaching the whole
  // process group must not stop us out of that order. (A worker whose harness dies is ended by Node's cluster module.)
  const harnessed = process.connected;
  if (harnessed) for (const signal of ['SIGINT', 'SIGHUP'] as const) process.on(signal, () => {});
  const { node, bridge, stopped } = await closingOnInterrupt(
    (line) => log.info('stopping', line.trim()),
    async (track) => {
      const transport = await openTransport(options.broker, variant, { namespace: options.namespace ?? variant.name, ...(options.sharedNamespace ? { shared: true } : {}) }).catch(async (error) => {
        await removeTemp();
        throw error;
      });
      transport.watch?.((change) => {
        if (!change.up) log.warn('broker-lost', `lost the connection to ${broker} (${change.detail}): events wait in the outbox until it is back`, { detail: change.detail });
        else log.info('broker-regained', `${broker} is back`);
      });
      const recorder = new Recorder(true);
      const node = await startNode({
        variant,
        services: [service],
        transport,
        recorder,
        tokens: configuredTokens(dataDir),
        credentials: { [service]: credentials },
        ...(process.env[LIMITS_ENV] === 'off' || options.abuseLimits === false ? {} : { limits: DEFAULT_LIMITS }),
        dataDir,
        // The schema prefix is the namespace, as the broker's queues are named in it.
        ...(options.store ? { store: { url: options.store, prefix: options.namespace ?? variant.name } } : {}),
        directory: peers,
        ports: { [service]: options.port },
        host: options.host,
        // Replicas of this service may share its database: a claim another one holds is left to run out.
        releaseClaims: false,
        capacity: capacityFromEnv(),
      }).catch(async (error) => {
        await transport.close();
        await removeTemp();
        const inUse = (error as { code?: string }).code === 'EADDRINUSE';
        throw inUse ? new CliError(`port ${options.port} is in use: choose another with --port`) : error;
      });
      track({ close: () => node.close().then(removeTemp) });
      const bridge = bridgeToHarness(service, node, recorder, transport);
      if (options.pidFile) await writeFile(options.pidFile, `${process.pid}\n`);
      return { node, bridge, stopped: untilStopped(harnessed ? ['SIGTERM'] : undefined) };
    },
  );
  const url = node.urls[service];
  log.info('started', `${service} of ${variant.name} is running on ${url} (broker: ${broker})`, { service, variant: variant.name, url, pid: process.pid });
  bridge.ready(url);
  node.recovery.onPass((counts) => log.info('recovery', `recovery: ${JSON.stringify(counts)}`, { ...counts }));
  const reason = await stopped;
  // A second signal must not cut the drain short (a container runtime's own deadline ends in SIGKILL).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});
  log.info('stopping', `${reason}: shutting down…`, { reason });
  await node.close();
  bridge.close();
  await removeTemp();
  if (options.pidFile) await rm(options.pidFile, { force: true });
  log.info('stopped', `${service} stopped`);
  process.disconnect?.();
}
