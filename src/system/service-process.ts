import cluster, { type Worker } from 'node:cluster';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { AppError } from '../core/errors.js';
import type { FaultReport } from '../faults/fault.js';
import type { OwnersAnswer, FaultRequest } from '../faults/fault-messages.js';
import type { Hop } from '../tracing/recorder.js';
import type { HarnessRequest, ProcessMessage, ProcessStatus } from './harness-messages.js';
import type { PlannedService } from './process-plan.js';
import type { RecoveryCounts } from './recovery.js';
import type { DependencyChange } from './service-node.js';
import type { ServiceName } from './wiring.js';

/** Every request the harness sends a service process. */
export type ProcessRequest = HarnessRequest | FaultRequest;

/** What a service process answers to each kind of request. */
export interface ProcessAnswers {
  status: ProcessStatus;
  'stop-service': void;
  'start-service': void;
  latency: void;
  capacity: void;
  recover: RecoveryCounts;
  fault: void;
  heal: FaultReport;
  owners: OwnersAnswer;
  'release-claims': void;
}

/** A request before it gets its id. */
export type Ask<K extends ProcessRequest['kind'] = ProcessRequest['kind']> = K extends ProcessRequest['kind'] ? Omit<Extract<ProcessRequest, { kind: K }>, 'id'> : never;

/** What the harness hears from a process besides answers. */
export interface ProcessHooks {
  hops(hops: Hop[]): void;
  recovery(counts: RecoveryCounts): void;
  /** It lost its store or the broker, or has it back. */
  dependency?(change: DependencyChange): void;
  /** It ended after it served (`signal` when killed). */
  exited(process: ServiceProcess, code: number | null, signal: string | null): void;
}

const BIN = fileURLToPath(new URL('../../bin/orderctl', import.meta.url));
/** How long the harness waits for a process to answer a request (status, a fault) before it counts it as stuck. */
const ANSWER_MS = 10_000;

/**
 * One OS process of `--processes`: one replica of one service, forked from `orderctl serve-service`.
 * It is spawned at construction; `started` resolves once it serves (rejects, with its last lines, when it
 * ends first); `ask` sends a typed request over its IPC channel and resolves with the typed answer.
 */
export class ServiceProcess {
  readonly worker: Worker;
  exited = false;
  /** It said it serves (and so answers requests). */
  ready = false;
  /** Its last status answer. */
  status?: ProcessStatus;
  readonly started: Promise<void>;
  /** The last lines it wrote, to say why it could not start. */
  private readonly output: string[] = [];
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 1;

  constructor(
    readonly planned: PlannedService,
    readonly replica: number,
    env: Record<string, string>,
    hooks: ProcessHooks,
  ) {
    cluster.setupPrimary({ exec: BIN, args: planned.args, execArgv: [], silent: !process.env.ORDERCTL_DEBUG_PROCESSES });
    this.worker = cluster.fork({ ...planned.env, ...env, ORDERCTL_REPLICA: String(replica), FORCE_COLOR: '0' });
    const keep = (chunk: Buffer) => {
      this.output.push(...chunk.toString().split('\n').filter(Boolean));
      this.output.splice(0, Math.max(0, this.output.length - 20));
    };
    this.worker.process.stdout?.on('data', keep);
    this.worker.process.stderr?.on('data', keep);
    this.started = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (message: ProcessMessage) => {
        if (message.kind === 'ready') {
          this.ready = true;
          resolve();
        } else if (message.kind === 'hops') hooks.hops(message.hops);
        else if (message.kind === 'recovery') hooks.recovery(message.counts);
        else if (message.kind === 'dependency') hooks.dependency?.(message.change);
        else if (message.kind === 'answer') {
          const pending = this.waiting.get(message.id);
          this.waiting.delete(message.id);
          if (message.error) pending?.reject(new AppError('UPSTREAM_FAILED', `${this.service}: ${message.error}`));
          else pending?.resolve(message.result);
        }
      });
      this.worker.on('exit', (code, signal) => {
        this.exited = true;
        for (const [id, pending] of this.waiting) (this.waiting.delete(id), pending.reject(new AppError('UPSTREAM_FAILED', `${this.service} exited`)));
        if (!this.ready) return reject(new AppError('UPSTREAM_FAILED', `${this.service} stopped while starting (${signal ?? `exit code ${code}`}): ${this.output.slice(-5).join(' | ') || 'no output'}`));
        hooks.exited(this, code, signal);
      });
    });
    // A process that never starts is reported by whoever awaits `started`.
    this.started.catch(() => {});
  }

  get service(): ServiceName {
    return this.planned.service;
  }

  get pid(): number {
    return this.worker.process.pid!;
  }

  /** Sends a request (once the process is ready) and resolves with its answer; rejects when the process has exited, cannot be asked, or does not answer in time. */
  async ask<R extends Ask>(request: R): Promise<ProcessAnswers[R['kind']]> {
    if (this.exited) throw new AppError('UPSTREAM_FAILED', `${this.service} (pid ${this.pid}) has exited`);
    // A process listens for requests from when it says it is ready: one asked while it starts (its port may already answer) is asked then.
    if (!this.ready) await this.started;
    const id = this.nextId++;
    return new Promise<ProcessAnswers[R['kind']]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new AppError('UPSTREAM_TIMEOUT', `${this.service} (pid ${this.pid}) did not answer within ${ANSWER_MS / 1000} s`));
      }, ANSWER_MS);
      const settle =
        <A extends unknown[]>(done: (...args: A) => void) =>
        (...args: A) => {
          clearTimeout(timer);
          done(...args);
        };
      this.waiting.set(id, { resolve: settle(resolve as (v: unknown) => void), reject: settle(reject) });
      // A process that died a moment ago (a crash) has its channel closed before its exit is seen: that is a failed request, not an error event.
      this.worker.send({ ...request, id } as ProcessRequest, (error: Error | null) => {
        if (!error || !this.waiting.has(id)) return;
        this.waiting.get(id)!.reject(new AppError('UPSTREAM_FAILED', `${this.service} (pid ${this.pid}) cannot be asked: ${error.message}`));
        this.waiting.delete(id);
      });
    });
  }

  /** Asks for its status and keeps it. */
  async refresh(): Promise<ProcessStatus> {
    this.status = await this.ask({ kind: 'status' });
    return this.status;
  }

  kill(signal: NodeJS.Signals): void {
    this.worker.process.kill(signal);
  }

  /** SIGTERM, and SIGKILL after `forceAfterMs`; resolves once it has exited. */
  stop(forceAfterMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      const force = setTimeout(() => this.kill('SIGKILL'), forceAfterMs);
      this.worker.once('exit', () => (clearTimeout(force), resolve()));
      this.kill('SIGTERM');
    });
  }

  /** Has it died (gone, or a zombie not reaped yet)? Its exit event may come a moment later. */
  async dead(): Promise<boolean> {
    const stat = await readFile(`/proc/${this.pid}/stat`, 'utf8').catch(() => '');
    return !stat || /^\S+ \(.*\) [ZX]/s.test(stat);
  }
}
