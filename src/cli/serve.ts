import chalk from 'chalk';
import { Command, Option } from 'commander';
import { rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeBroker, maskUrl } from '../broker/broker-url.js';
import { schemaName } from '../storage/database.js';
import { defaultNamespace, openTransport } from '../broker/open-transport.js';
import { bootSystem, type RunningSystem } from '../system/boot.js';
import { bootProcesses } from '../system/process-system.js';
import type { Replicas } from '../system/process-plan.js';
import { SERVICES } from '../system/wiring.js';
import { usesBroker } from '../variants/variant.js';
import { CliError, EXIT } from './cli-error.js';
import { brokerOption, variantsDirOption, dataDirOption, parsePort, processesOption, replicasOption, selectVariants, storeOption, variantOption } from './options.js';
import { adminToken, startAdmin, writeAdminToken } from './serve-admin.js';
import { DEFAULT_LIMITS } from '../services/gateway/abuse-limits.js';
import { serveLog } from './serve-log.js';
import { serveService } from './serve-service.js';
import { closingOnInterrupt, untilStopped } from './shutdown.js';
import { checkWritableFolder } from '../report/report-folder.js';

/** What each recovery count means, for the log line. */
const RECOVERY_WORDS = {
  ordersSettled: 'stuck order(s) settled',
  ordersCharged: 'of them charged now',
  ordersWaiting: 'order(s) waiting for billing',
  accountsOpened: 'missing account(s) opened',
  notificationsSent: 'waiting notification(s) sent',
  inboxPruned: 'old inbox record(s) pruned',
  keysPruned: 'idempotency key(s) older than a day forgotten',
} as const;

interface ServeOptions {
  variant: string;
  port: number;
  dataDir?: string;
  broker?: string;
  store?: string;
  jsonLogs?: boolean;
  pidFile?: string;
  namespace?: string;
  adminPort?: number;
  service?: string;
  host: string;
  peers?: string;
  sharedNamespace?: boolean;
  processes?: boolean;
  replicas?: Replicas;
  /** False with --no-abuse-limits. */
  abuseLimits: boolean;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('boot a variant and keep it running for any HTTP client until Ctrl-C / SIGTERM')
    .addOption(variantOption(false, 'hybrid'))
    .option('--port <port>', 'gateway port (0 = any free port)', parsePort, 8080)
    .addOption(dataDirOption())
    .addOption(variantsDirOption())
    .addOption(brokerOption())
    .addOption(storeOption())
    .option('--json-logs', 'log one JSON object per line (start, broker lost/regained, stop) instead of text')
    .option('--pid-file <file>', 'write the process id here once serving (removed on stop): `kill $(cat FILE)` stops it')
    .option('--namespace <name>', 'RabbitMQ namespace whose queues (and, with --store, PostgreSQL schemas <namespace>_<service>) are kept across restarts (default with --data-dir: serve-<variant>-<hash of the data dir>; without: throwaway ones; with --service: the variant)')
    .option('--service <name>', `run this one service alone (what a container runs): ${SERVICES.join(', ')}`)
    .addOption(new Option('--peers <list>', 'with --service: where the others are, e.g. gateway=http://gateway:8080,billing=http://billing:8080').env('ORDERCTL_PEERS'))
    .option('--host <address>', 'address to listen on (0.0.0.0 in a container)', '127.0.0.1')
    .addOption(new Option('--shared-namespace', 'with --service: the namespace is throwaway and shared; the harness that started the processes deletes it').hideHelp())
    .addOption(processesOption())
    .addOption(replicasOption())
    .option('--no-abuse-limits', `let one client address register and log in as fast as it likes (a load test from one machine); by default ${DEFAULT_LIMITS.registrationsPerMinute} registrations and ${DEFAULT_LIMITS.loginsPerMinute} logins per address per minute, an account locked for ${DEFAULT_LIMITS.lockoutSeconds / 60} min after ${DEFAULT_LIMITS.wrongPasswordsBeforeLockout} wrong passwords, ${DEFAULT_LIMITS.streamsPerUser} event streams per user`)
    .option('--admin-port <port>', 'operator API on 127.0.0.1 (status, parked messages, replay; see `orderctl parked`); default: the gateway port + 1, or any free port when that one is taken (serve prints it)', parsePort)
    .addHelpText(
      'after',
      `
Examples:
  $ orderctl serve --variant=http --port 8080
  $ curl -s localhost:8080/api/v1/identity/register -H content-type:application/json -d '{"email":"a@b.io","password":"password1"}'
  $ orderctl serve --variant=hybrid --data-dir ./data --pid-file serve.pid --json-logs > serve.log &
  $ kill $(cat serve.pid)           # stops it cleanly (SIGTERM): ports closed, broker drained, files kept in ./data
  $ orderctl serve --variant=hybrid --processes --replicas billing=3 --broker amqp://guest:guest@127.0.0.1:5672
  $ orderctl serve --variant=hybrid --store postgres://postgres@127.0.0.1:5432/orderctl --namespace shop
  $ ORDERCTL_JWT_SECRET=… orderctl serve --service billing --variant=hybrid --broker amqp://… --peers order=http://order:8080 --host 0.0.0.0`,
    )
    .action(async (options: ServeOptions) => {
      const [variant] = selectVariants(options.variant);
      if (options.service) return serveService(variant, { ...options, service: options.service });
      const log = serveLog(!!options.jsonLogs);
      const say = (line: string) => log.info('stopping', line.trim());
      const broker = describeBroker(options.broker, usesBroker(variant));
      const dataDir = options.dataDir && resolve(options.dataDir);
      if (dataDir) await checkWritableFolder(dataDir, '--data-dir', 'keep the databases');
      // A system kept across restarts keeps its broker state too: a namespace of its own on RabbitMQ, a journal with the embedded broker.
      const namespace = options.namespace ?? (dataDir && (options.broker || options.store) ? defaultNamespace(variant, dataDir) : undefined);
      const kept = usesBroker(variant) && options.broker ? namespace : undefined;
      const store = options.store && `PostgreSQL ${maskUrl(options.store)}, ${namespace ? `schemas ${schemaName(namespace, '<service>')} (kept across restarts)` : 'throwaway schemas (dropped on exit)'}`;
      const adminPort = options.adminPort ?? (options.port === 0 ? 0 : options.port + 1);
      // Everything up to the moment the stop signal is awaited runs under the interrupt guard, and a
      // failure after boot (admin port taken, pid file not writable) closes what was started.
      let adminTokenFile = '';
      const { system, admin, facts, stopped } = await closingOnInterrupt(say, async (track) => {
        const booting = options.processes
          ? bootProcesses({
              variant,
              broker: options.broker,
              store: options.store,
              dataDir,
              gatewayPort: options.port,
              replicas: options.replicas,
              namespace,
              // As a container runtime would: a process that dies unasked is started again, and the log says so.
              restart: true,
              limits: options.abuseLimits,
              onExit: ({ service, pid, reason, restarted }) =>
                log.warn('process-exited', `the ${service} process (pid ${pid}) ended unasked (${reason})${restarted ? ': starting it again' : ''}`, { service, pid, reason, restarted }),
              onRestart: ({ service, replica, attempt, delayMs, outcome, error }) =>
                outcome === 'started'
                  ? log.info('process-restarted', `the ${service} process is back (attempt ${attempt}, after ${delayMs} ms)`, { service, replica, attempt, delayMs })
                  : log.warn('process-restart-failed', `the ${service} process did not start (attempt ${attempt}): ${error}; trying again with a longer pause`, { service, replica, attempt, delayMs, error }),
            })
          : openTransport(options.broker, variant, { dataDir, namespace }).then((transport) => {
              transport.watch?.((change) => {
                if (!change.up) log.warn('broker-lost', `lost the connection to ${broker} (${change.detail}): commands that need it answer 503 until it is back; events wait in the outboxes`, { detail: change.detail });
                else log.info('broker-regained', `${broker} is back: consumers resume and the outbox relays publish what waited`);
              });
              return bootSystem({ variant, transport, gatewayPort: options.port, dataDir, ...(options.abuseLimits ? { limits: DEFAULT_LIMITS } : {}), ...(options.store ? { store: { url: options.store, namespace } } : {}) });
            });
        const system: RunningSystem = await booting.catch((error) => {
          const inUse = (error as { code?: string }).code === 'EADDRINUSE';
          throw inUse ? new CliError(`port ${options.port} is in use: choose another with --port (0 picks a free one)`) : error;
        });
        const facts = { variant: variant.name, gateway: `${system.gatewayUrl}/api/v1`, broker, ...(kept ? { namespace: kept } : {}), ...(store ? { store } : {}), dataDir: system.dataDir, pid: process.pid };
        let admin: Awaited<ReturnType<typeof startAdmin>> | undefined;
        const token = adminToken();
        try {
          adminTokenFile = await writeAdminToken(system.dataDir, token);
          admin = await startAdmin(system, adminPort, facts, token).catch((error) => {
            const inUse = (error as { code?: string }).code === 'EADDRINUSE';
            if (!inUse) throw error;
            // The default (the gateway port + 1) may be taken by chance: a default must not fail, so any free port is used and printed.
            if (options.adminPort === undefined) return startAdmin(system, 0, facts, token);
            throw new CliError(`admin port ${adminPort} is in use: choose another with --admin-port (0 picks a free one)`);
          });
          track(admin);
          if (options.pidFile) {
            await writeFile(options.pidFile, `${process.pid}\n`).catch((error: NodeJS.ErrnoException) => {
              throw new CliError(`cannot write the pid file ${options.pidFile}: ${error.code === 'ENOENT' ? 'no such folder' : error.message}`, EXIT.usage);
            });
          }
          return { system, admin, facts, stopped: untilStopped() };
        } catch (error) {
          await admin?.close();
          await system.close();
          throw error;
        }
      });
      const fields = { ...facts, admin: admin.url, adminTokenFile };
      const processes = system.processes?.();
      if (options.jsonLogs) log.info('started', `${variant.name} is running`, { ...fields, services: system.urls, ...(processes ? { processes, namespace: system.namespace } : {}) });
      else {
        log.info('started', `${chalk.bold(variant.name)} is running (${variant.summary}) on ${broker}.`);
        log.info('started', `Gateway: ${chalk.cyan(`${system.gatewayUrl}/api/v1`)}`);
        for (const [name, url] of Object.entries(system.urls)) {
          const pids = processes?.filter((p) => p.service === name).map((p) => p.pid);
          if (name !== 'gateway' || pids) log.info('started', chalk.dim(`  ${name.padEnd(13)} ${url}${pids ? `  (pid ${pids.join(', ')})` : ''}`));
        }
        log.info('started', chalk.dim(`Admin:     ${admin.url}, token in ${adminTokenFile} (orderctl parked --admin ${admin.url} --admin-token-file ${adminTokenFile})`));
        if (kept) log.info('started', chalk.dim(`Broker namespace: ${kept} (kept across restarts)`));
        log.info('started', chalk.dim(`Databases: ${store || `${system.dataDir}${options.dataDir ? '' : ' (temporary, removed on exit)'}`}`));
        log.info('started', `Press Ctrl-C to stop.${options.pidFile ? chalk.dim(` (pid ${process.pid} in ${options.pidFile})`) : ''}`);
      }
      system.watchDependencies((change) => {
        const what = change.dependency === 'store' ? 'its database' : 'the broker';
        if (!change.up) log.warn(`${change.dependency}-lost`, `${change.service} lost ${what} (${change.detail}): it answers 503 for what needs it, and tries again`, { ...change });
        else log.info(`${change.dependency}-regained`, `${change.service} has ${what} back`, { ...change });
      });
      system.recovery.onPass((counts) => {
        const did = Object.entries(counts).filter(([, n]) => n > 0).map(([what, n]) => `${n} ${RECOVERY_WORDS[what as keyof typeof RECOVERY_WORDS] ?? what}`);
        if (did.length) log.info('recovery', `recovery: ${did.join(', ')}`, { ...counts });
      });
      const reason = await stopped;
      log.info('stopping', `${options.jsonLogs ? '' : '\n'}${reason}: shutting down…`, { reason });
      await admin.close();
      await system.close();
      if (options.pidFile) await rm(options.pidFile, { force: true });
      log.info('stopped', 'Stopped: ports closed, broker drained, databases closed.');
    });
}
