import type { ServiceClient } from '../http/service-client.js';
import type { Payment } from '../services/billing/billing-service.js';
import type { IdentityService } from '../services/identity/identity-service.js';
import type { NotificationFlow } from '../services/notification/notification-flow.js';
import type { OrderFlow } from '../services/ordering/order-flow.js';
import type { Order, OrderingService, PaymentOutcome } from '../services/ordering/ordering-service.js';
import type { Store } from '../storage/store.js';
import { newSpanId, newTraceId, withTrace } from '../tracing/context.js';
import type { Recorder } from '../tracing/recorder.js';

/** What recovery passes did. */
export interface RecoveryCounts {
  /** Pending orders (older than the grace period) driven to their final status. */
  ordersSettled: number;
  /** Sagas stalled between two steps (older than the grace period) whose next step was asked again. */
  sagasResumed: number;
  /** Of those, orders whose payment billing had never heard of, so the pass asked billing to charge it (taken or declined). */
  ordersCharged: number;
  /** Pending orders left pending because billing could not be reached: nothing is guessed, the next pass asks again. */
  ordersWaiting: number;
  /** Billing accounts opened for registered users that had none. */
  accountsOpened: number;
  /** Order outcomes that waited for their recipient and were sent now. */
  notificationsSent: number;
  /** Inbox records removed after the retention window. */
  inboxPruned: number;
}

/** Tuning of the recovery pass. */
export interface RecoveryOptions {
  /** How old pending work must be before the pass touches it (default 30 s: far longer than any normal flow). */
  graceMs?: number;
  /** How often boot runs the pass (default 5 s). */
  everyMs?: number;
  /** How long inbox records are kept (default 7 days): a message redelivered later than that is no longer recognised. */
  inboxRetentionMs?: number;
}

/** One pass, as tests or an operator ask for it. */
export interface RunOptions {
  /** Overrides the grace period for this pass (0: everything pending now). */
  graceMs?: number;
  /** Checks every registered user for an account, not only those registered since the last pass. */
  full?: boolean;
}

/** The recovery pass of a running system: runs by itself every few seconds; `run` makes one now. */
export interface Recovery {
  /** Runs one pass now (after the one in progress, if any) and returns what it did. */
  run(options?: RunOptions): Promise<RecoveryCounts>;
  /** What every pass so far did, and how many passes ran. */
  readonly totals: RecoveryCounts & { passes: number };
  /** Hears every pass that did something (what serve logs). */
  onPass(listener: (counts: RecoveryCounts) => void): void;
}

/**
 * What the pass works with in one process: the parts of the services it runs (each present only
 * where that service runs here) and their stores. Billing is always asked over HTTP, as its callers
 * ask it, so the pass works the same whether billing runs in this process or another.
 */
export interface RecoveryDeps {
  order?: { service: OrderingService; flow: OrderFlow; http: ServiceClient };
  identity?: { service: IdentityService; http: ServiceClient };
  notification?: { flow: NotificationFlow };
  stores: Store[];
  recorder: Recorder;
}

const zero = (): RecoveryCounts => ({ ordersSettled: 0, sagasResumed: 0, ordersCharged: 0, ordersWaiting: 0, accountsOpened: 0, notificationsSent: 0, inboxPruned: 0 });
/** `YYYY-MM-DD HH:MM:SS` (UTC), how identity stores creation times. */
const sqlTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const PAGE = 500;

/**
 * Drives stuck work to an end. The rule for a pending order never takes money twice and never
 * loses it: billing is asked about the payment by the order's id (payment ids are order ids, and
 * billing charges a payment id once). If billing has it, the order settles with that outcome; if
 * billing never heard of it, billing is asked to charge it now (the order was placed, and a late
 * payment message finds the payment made and changes nothing) and the order settles with what
 * billing answers; if billing cannot be reached, the order stays pending and the next pass asks
 * again. Also opens missing accounts, sends outcomes whose recipient is known by now, and prunes
 * the inbox. Each action is a note on the recorder (`recovery: …`) and a count.
 */
export class RecoveryPass implements Recovery {
  readonly totals = { ...zero(), passes: 0 };
  private readonly listeners: ((counts: RecoveryCounts) => void)[] = [];
  private readonly graceMs: number;
  private readonly everyMs: number;
  private readonly retentionMs: number;
  private running: Promise<unknown> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private scannedUntil = '';

  constructor(
    private readonly deps: RecoveryDeps,
    options: RecoveryOptions = {},
  ) {
    this.graceMs = options.graceMs ?? 30_000;
    this.everyMs = options.everyMs ?? 5_000;
    this.retentionMs = options.inboxRetentionMs ?? 7 * 24 * 3_600_000;
  }

  /** Runs a pass now and then every `everyMs`. */
  start(): void {
    const tick = () => {
      this.run().catch(() => {
        // A store closing under the pass: the next one (or the next boot) goes on.
      });
    };
    this.timer = setInterval(tick, this.everyMs).unref();
    tick();
  }

  /** Stops the timer and waits for the pass in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running.catch(() => {});
  }

  onPass(listener: (counts: RecoveryCounts) => void): void {
    this.listeners.push(listener);
  }

  run(options: RunOptions = {}): Promise<RecoveryCounts> {
    const pass = this.running.catch(() => {}).then(() => this.pass(options));
    this.running = pass;
    return pass;
  }

  private async pass({ graceMs = this.graceMs, full = false }: RunOptions): Promise<RecoveryCounts> {
    const counts = zero();
    const before = Date.now() - graceMs;
    if (this.deps.order) await this.orders(this.deps.order, before, counts);
    if (this.deps.order) await this.sagas(this.deps.order, before, counts);
    if (this.deps.identity) await this.accounts(this.deps.identity, before, full, counts);
    if (this.deps.notification) await this.notifications(this.deps.notification.flow, counts);
    for (const store of this.deps.stores) counts.inboxPruned += store.pruneInbox(this.retentionMs);
    this.totals.passes++;
    for (const key of Object.keys(counts) as (keyof RecoveryCounts)[]) this.totals[key] += counts[key];
    if (Object.values(counts).some((n) => n > 0)) for (const listener of this.listeners) listener(counts);
    return counts;
  }

  /** Runs `work` in a trace of its own, with `note` recording on it as `service`. */
  private traced<T>(service: string, work: (note: (label: string) => void) => T): T {
    const context = { service, traceId: newTraceId(), spanId: newSpanId() };
    const note = (label: string) => this.deps.recorder.local(service, context.traceId, context.spanId, `recovery: ${label}`);
    return withTrace(context, () => work(note));
  }

  private async sagas(order: NonNullable<RecoveryDeps['order']>, before: number, counts: RecoveryCounts): Promise<void> {
    for (const stalled of order.service.stalledSince(new Date(before).toISOString())) {
      await this.traced('order', async (note) => {
        const resumed = await order.flow.resume(stalled.id).catch(() => undefined);
        counts.sagasResumed++;
        note(`saga ${stalled.id} (${stalled.saga!.state}) asked its next step again${resumed ? `: now ${resumed.saga!.state}` : ', which could not be made now'}`);
      });
    }
  }

  private async orders(order: NonNullable<RecoveryDeps['order']>, before: number, counts: RecoveryCounts): Promise<void> {
    for (const pending of order.service.pendingSince(new Date(before).toISOString())) {
      await this.traced('order', async (note) => {
        const outcome = await this.paymentOf(order.http, pending, counts);
        if (typeof outcome === 'string' || !outcome) {
          counts.ordersWaiting++;
          note(`order ${pending.id} waits: ${outcome ?? 'billing cannot be reached'}`);
          return;
        }
        const { order: settled, changed } = await order.flow.settle(pending.id, outcome);
        if (!changed) return;
        counts.ordersSettled++;
        note(`order ${pending.id} settled ${settled.status}${settled.reason ? ` (${settled.reason})` : ''}`);
      });
    }
  }

  /**
   * How billing says the order's payment ended, charging it if billing never heard of it; undefined when
   * billing cannot be reached, or what billing said when it refused to answer (left for an operator).
   */
  private async paymentOf(http: ServiceClient, order: Order, counts: RecoveryCounts): Promise<PaymentOutcome | string | undefined> {
    try {
      let answer = await http.call('billing', 'GET', `/payments/${order.id}`);
      if (answer.status === 404) {
        answer = await http.call('billing', 'POST', '/payments', { paymentId: order.id, userId: order.userId, amountCents: order.priceCents });
        if (answer.status === 201 || answer.status === 422) counts.ordersCharged++;
      }
      const payment = (answer.status === 422 ? answer.body?.payment : answer.body) as Payment | undefined;
      if (answer.status >= 400 && answer.status < 500 && answer.status !== 422) return `billing refused (${answer.status}: ${answer.body?.message ?? 'no message'}), left pending for an operator`;
      if (answer.status >= 300 && answer.status !== 422) return undefined;
      if (!payment?.status) return undefined;
      return payment.status === 'succeeded' ? { status: 'succeeded' } : { status: 'failed', reason: payment.reason ?? 'payment declined' };
    } catch {
      return undefined;
    }
  }

  /** Asks billing, a page of users at a time, to open the accounts it does not have; when billing cannot be reached, the next pass scans the same users again. */
  private async accounts(identity: NonNullable<RecoveryDeps['identity']>, before: number, full: boolean, counts: RecoveryCounts): Promise<void> {
    const until = sqlTime(before);
    const from = full ? '' : this.scannedUntil;
    let after = { createdAt: from, id: '' };
    for (;;) {
      const users = identity.service.usersCreatedBetween(from, until, PAGE, after);
      if (users.length) {
        const opened = await this.traced('identity', async (note) => {
          const answer = await identity.http.call<{ opened: string[] }>('billing', 'POST', '/accounts/open-missing', { userIds: users.map((u) => u.id) }).catch(() => undefined);
          if (answer?.status !== 200) return false;
          for (const userId of answer.body.opened) note(`account opened for user ${userId}`);
          counts.accountsOpened += answer.body.opened.length;
          return true;
        });
        if (!opened) return;
      }
      if (users.length < PAGE) break;
      after = users[users.length - 1];
    }
    if (until > this.scannedUntil) this.scannedUntil = until;
  }

  private async notifications(flow: NotificationFlow, counts: RecoveryCounts): Promise<void> {
    await this.traced('notification', async (note) => {
      for (const orderId of await flow.retryWaiting()) {
        counts.notificationsSent++;
        note(`notification for order ${orderId} sent`);
      }
    });
  }
}
