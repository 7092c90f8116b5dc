import type { ServiceClient } from '../../http/service-client.js';
import type { RecoveryCounts, RecoveryJob } from '../../system/recovery.js';
import type { Payment } from '../billing/billing-service.js';
import type { OrderFlow } from './order-flow.js';
import type { TraceContext } from '../../tracing/context.js';
import type { Order, OrderingService, PaymentOutcome } from './ordering-service.js';

/**
 * How billing says the order's payment ended, charging it if billing never heard of it; undefined when
 * billing cannot be reached, or what billing said when it refused to answer (left for an operator).
 */
async function paymentOf(trace: TraceContext, http: ServiceClient, order: Order, counts: RecoveryCounts): Promise<PaymentOutcome | string | undefined> {
  try {
    let answer = await http.call(trace, 'billing', 'GET', `/payments/${order.id}`);
    if (answer.status === 404) {
      answer = await http.call(trace, 'billing', 'POST', '/payments', { paymentId: order.id, userId: order.userId, amountCents: order.priceCents });
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

/**
 * Ordering's share of the recovery pass. A pending order never has money taken twice or lost:
 * billing is asked about the payment by the order's id (payment ids are order ids, charged once).
 * If billing has it, the order settles with that outcome; if billing never heard of it, billing is
 * asked to charge it now (a late payment message then finds it made and changes nothing); if
 * billing cannot be reached, the order stays pending for the next pass. A saga stalled between two
 * steps has its next step asked again.
 */
export function orderRecovery(orders: OrderingService, flow: OrderFlow, http: ServiceClient): RecoveryJob[] {
  const settlePending: RecoveryJob = async ({ before, counts, traced }) => {
    for (const pending of orders.pendingSince(new Date(before).toISOString())) {
      await traced('order', async (note, trace) => {
        const outcome = await paymentOf(trace, http, pending, counts);
        if (typeof outcome === 'string' || !outcome) {
          counts.ordersWaiting++;
          note(`order ${pending.id} waits: ${outcome ?? 'billing cannot be reached'}`);
          return;
        }
        const { order: settled, changed } = await flow.settle(trace, pending.id, outcome);
        if (!changed) return;
        counts.ordersSettled++;
        note(`order ${pending.id} settled ${settled.status}${settled.reason ? ` (${settled.reason})` : ''}`);
      });
    }
  };
  const resumeSagas: RecoveryJob = async ({ before, counts, traced }) => {
    for (const stalled of orders.stalledSince(new Date(before).toISOString())) {
      await traced('order', async (note, trace) => {
        const resumed = await flow.resume(trace, stalled.id).catch(() => undefined);
        counts.sagasResumed++;
        note(`saga ${stalled.id} (${stalled.saga!.state}) asked its next step again${resumed ? `: now ${resumed.saga!.state}` : ', which could not be made now'}`);
      });
    }
  };
  return [settlePending, resumeSagas];
}
