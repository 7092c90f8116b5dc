import type { Transport } from '../broker/transport.js';
import type { OwnersAnswer, FaultRequest } from '../faults/fault-messages.js';
import type { Hop, Recorder } from '../tracing/recorder.js';
import type { HarnessRequest, ProcessMessage, ProcessStatus } from './harness-messages.js';
import type { ServiceNode } from './service-node.js';
import type { ServiceName } from './wiring.js';

/** How often a service process passes its new hops on to the harness. */
const FLUSH_MS = 20;

/**
 * Connects a service process to the harness that started it (`--processes`), over the IPC channel
 * Node gives a forked process: passes every hop on, answers status and fault requests, and says
 * when a recovery pass did something. Does nothing in a process nobody forked (a container). The
 * transport it reports on is the node's own (with its faults); the one passed is no longer used.
 */
export function bridgeToHarness(service: ServiceName, node: ServiceNode, recorder: Recorder, _transport?: Transport): { ready(url: string): void; close(): void } {
  const send = process.send?.bind(process);
  if (!send) return { ready() {}, close() {} };
  const tell = (message: ProcessMessage) => {
    if (process.connected) send(message);
  };
  let batch: Hop[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    tell({ kind: 'hops', hops: batch });
    batch = [];
  };
  recorder.onHop((hop) => batch.push(hop));
  const timer = setInterval(flush, FLUSH_MS);
  node.recovery.onPass((counts) => tell({ kind: 'recovery', counts }));
  // The harness logs, for every process, when it loses its database or the broker and when it has it back.
  node.watchDependencies((change) => tell({ kind: 'dependency', change }));
  node.transport.watch((change) => tell({ kind: 'dependency', change: { service, dependency: 'broker', ...change } }));
  // A crash in a process of its own is the real thing: killed on the spot; the harness starts it again.
  node.faults.crash = () => process.kill(process.pid, 'SIGKILL');
  const transport = node.transport;

  const handle = async (request: HarnessRequest | FaultRequest): Promise<unknown> => {
    switch (request.kind) {
      case 'status': {
        const cpu = process.cpuUsage();
        const status: ProcessStatus = {
          waiting: node.waiting(),
          inFlight: recorder.inFlight,
          pending: await transport.pending(),
          groups: transport.groups(),
          recovery: node.recovery.totals,
          unrouted: node.unrouted(),
          cpuSeconds: (cpu.user + cpu.system) / 1e6,
          rssMb: process.memoryUsage.rss() / 2 ** 20,
        };
        return status;
      }
      case 'stop-service':
        return node.stopService(service);
      case 'start-service':
        return node.startService(service);
      case 'latency':
        return node.setLatency(service, request.ms);
      case 'capacity':
        return node.setCapacity(request.capacity);
      case 'recover':
        return node.recovery.run(request.options);
      case 'fault':
        return node.fault(request.fault);
      case 'heal':
        return node.heal();
      case 'owners':
        return { owners: node.claimOwners() } satisfies OwnersAnswer;
      case 'release-claims':
        return node.releaseClaims(request.owners);
    }
  };
  const onMessage = (request: HarnessRequest | FaultRequest) => {
    if (!request || typeof request !== 'object' || typeof request.id !== 'number') return;
    handle(request).then(
      (result) => {
        // Every hop recorded before the answer reaches the harness before it.
        flush();
        tell({ kind: 'answer', id: request.id, result });
      },
      (error: Error) => tell({ kind: 'answer', id: request.id, error: error.message }),
    );
  };
  process.on('message', onMessage);
  return {
    ready: (url) => tell({ kind: 'ready', service, url }),
    close() {
      clearInterval(timer);
      flush();
      process.off('message', onMessage);
    },
  };
}
