import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeBroker } from '../broker/broker-url.js';
import { openTransport } from '../broker/open-transport.js';
import { configuredTokens } from '../core/tokens.js';
import type { ServiceDirectory } from '../http/service-client.js';
import { bridgeToHarness } from '../system/process-bridge.js';
import { startNode } from '../system/service-node.js';
import { SERVICES, type ServiceName } from '../system/wiring.js';
import { Recorder } from '../tracing/recorder.js';
import { usesBroker, type Variant } from '../variants/variant.js';
import { CliError, EXIT } from './cli-error.js';
import { serveLog } from './serve-log.js';
import { closingOnInterrupt, untilStopped } from './shutdown.js';

/** What `serve --service` is told: everything a container's command line carries. */
export interface ServiceOptions {
  service: string;
  port: number;
  host: string;
  dataDir?: string;
  broker?: string;
  namespace?: string;
  sharedNamespace?: boolean;
  peers?: string;
  jsonLogs?: boolean;
  pidFile?: string;
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
  const signsOrChecks = service === 'identity' || service === 'gateway';
  if (signsOrChecks && !process.env.ORDERCTL_JWT_SECRET && !options.dataDir) {
    throw new CliError(`${service} ${service === 'identity' ? 'signs' : 'checks'} access tokens: set ORDERCTL_JWT_SECRET to the same secret in identity and the gateway`, EXIT.usage);
  }
  const peers = parsePeers(options.peers, service);
  const dataDir = options.dataDir ? resolve(options.dataDir) : await mkdtemp(join(tmpdir(), `orderctl-${service}-`));
  const { node, bridge, stopped } = await closingOnInterrupt(
    (line) => log.info('stopping', line.trim()),
    async (track) => {
      const transport = await openTransport(options.broker, variant, { namespace: options.namespace ?? variant.name, ...(options.sharedNamespace ? { shared: true } : {}) });
      const recorder = new Recorder(true);
      const node = await startNode({
        variant,
        services: [service],
        transport,
        recorder,
        tokens: configuredTokens(dataDir),
        dataDir,
        directory: peers,
        ports: { [service]: options.port },
        host: options.host,
        // Replicas of this service may share its database: a claim another one holds is left to run out.
        releaseClaims: false,
      }).catch(async (error) => {
        await transport.close();
        const inUse = (error as { code?: string }).code === 'EADDRINUSE';
        throw inUse ? new CliError(`port ${options.port} is in use: choose another with --port`) : error;
      });
      track({ close: () => node.close() });
      const bridge = bridgeToHarness(service, node, recorder, transport);
      if (options.pidFile) await writeFile(options.pidFile, `${process.pid}\n`);
      return { node, bridge, stopped: untilStopped() };
    },
  );
  const url = node.urls[service];
  log.info('started', `${service} of ${variant.name} is running on ${url} (broker: ${describeBroker(options.broker, usesBroker(variant))})`, { service, variant: variant.name, url, pid: process.pid });
  bridge.ready(url);
  node.recovery.onPass((counts) => log.info('recovery', `recovery: ${JSON.stringify(counts)}`, { ...counts }));
  // The harness that forked this process went away (killed): nobody will stop us, so stop.
  const orphaned = new Promise<string>((resolve) => process.once('disconnect', () => resolve('the harness went away')));
  const reason = await Promise.race([stopped, orphaned]);
  // Ctrl-C reaches every process of the terminal's group, and the harness then asks again with SIGTERM:
  // a second signal must not cut the drain short (a container runtime's own deadline ends in SIGKILL).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});
  log.info('stopping', `${reason}: shutting down…`, { reason });
  await node.close();
  bridge.close();
  if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
  if (options.pidFile) await rm(options.pidFile, { force: true });
  log.info('stopped', `${service} stopped`);
  process.disconnect?.();
}
