import { median } from '../../core/stats.js';
import { ApiClient } from '../../scenarios/api-client.js';
import { customersWithMoney, placeOrder } from '../customers.js';
import { checkpoint, withSystem, type Experiment } from '../experiment.js';
import { meanOf, shareOf, traceCounts } from '../trace-figures.js';

const MEASURES = [
  { id: 'definiteShare', of: 'orders', label: 'orders answered with their outcome (201/422)', unit: 'share', how: 'answers 201 or 422 over all order answers (the rest are 202: the outcome comes later)' },
  { id: 'hopsPerOrder', of: 'orders', label: 'hops per order', unit: 'hops', how: 'HTTP exchanges, messages put on the broker and deliveries in an order\'s trace' },
  { id: 'messagesPerOrder', of: 'orders', label: 'messages per order', unit: 'messages', how: 'messages put on the broker in an order\'s trace' },
  { id: 'participantsPerOrder', of: 'orders', label: 'services an order touches', unit: 'services', how: 'distinct services (gateway included) in an order\'s trace' },
  { id: 'restBetweenPerOrder', of: 'orders', label: 'REST calls between services per order', unit: 'calls', how: 'HTTP requests whose caller and callee are both services behind the gateway, per order' },
  { id: 'restBetweenPerRegistration', of: 'registrations', label: 'REST calls between services per registration', unit: 'calls', how: 'the same, per registration' },
  { id: 'billingCallsPerOrder', of: 'orders', label: 'REST calls billing makes per order', unit: 'calls', how: 'HTTP requests from billing to any service, per order' },
  { id: 'readsPerRequest', of: 'both', label: 'reads of other services per request', unit: 'reads', how: 'GET requests a service (the gateway included) made to another, per registration or order' },
  { id: 'correlationPerRequest', of: 'both', label: 'replies the gateway matched by correlation id, per request', unit: 'replies', how: 'deliveries to the gateway that resume a waiting request, per registration or order: each is a correlation entry the gateway held while the client waited' },
  { id: 'gatewayMessagesPerOrder', of: 'orders', label: 'messages the gateway sends or receives per order', unit: 'messages', how: 'messages the gateway put on the broker or had delivered, per order' },
  { id: 'waitedHops', of: 'orders', label: 'service hops the answer waits through', unit: 'hops', how: 'requests and deliveries handled by a service behind the gateway that ended before the client\'s answer, per order' },
  { id: 'deliveriesBeforeAnswer', of: 'orders', label: 'broker deliveries before the answer', unit: 'deliveries', how: 'deliveries that ended before the client\'s answer, per order' },
  { id: 'afterAnswerShare', of: 'orders', label: 'hops after the answer', unit: 'share', how: 'hops of an order (local work left out) that ended after the client had its answer, over all its hops' },
  { id: 'brokeredShare', of: 'both', label: 'hand-overs through the broker', unit: 'share', how: 'deliveries to services behind the gateway over those plus REST requests to them, in registrations and orders' },
  { id: 'copiesPerRegistration', of: 'registrations', label: 'copies of a user kept per registration', unit: 'copies', how: 'local notes "profile copied" (a service storing another\'s data) per registration' },
  { id: 'restPeers', of: 'both', label: 'REST caller→callee pairs between services', unit: 'pairs', how: 'distinct caller→callee pairs of REST calls between services behind the gateway, over every registration and order: the addresses services must know' },
  { id: 'orderAnswerMs', of: 'orders', label: 'order answer p50', unit: 'ms', how: 'median time from the order request reaching the gateway to its answer, from the recording' },
  { id: 'outcomeKnownMs', of: 'settled', label: 'order outcome known p50', unit: 'ms', how: 'median time from the order request reaching the gateway until its outcome is known: the answer where it says the outcome (201/422), else the order settling (a 202 is not the outcome), from the recording' },
  { id: 'notifiedMs', of: 'notified', label: 'order notification stored p50', unit: 'ms', how: 'median time from the order request reaching the gateway to its notification being stored, from the recording' },
  { id: 'httpPerOrder', of: 'orders', label: 'HTTP calls per order', unit: 'calls', how: 'HTTP exchanges in an order\'s trace, the client\'s own included' },
] as const;


/** One request at a time, recorded: what a registration and an order cause in each style. */
export const recordedRequests: Experiment = {
  id: 'recorded-requests',
  title: 'Registrations and orders, recorded hop by hop',
  how: (s) =>
    `On a fresh system, ${s.orders} customers register one after another and each places one order of 1.00 (with money enough), one at a time, with nothing slowed or stopped. Every HTTP exchange and message is recorded; the figures are counted from each request's trace.`,
  measures: () => MEASURES.map(({ of: _of, ...m }) => m),
  async run(context) {
    return withSystem(context, async (system) => {
      const api = new ApiClient(system.gatewayUrl);
      const customers = await customersWithMoney(system, api, context.settings.orders);
      checkpoint(context);
      const orders = [];
      for (const customer of customers) orders.push(await placeOrder(api, customer));
      await system.settle();
      const counts = (traceIds: string[]) => traceIds.map((id) => traceCounts(system.recorder.trace(id))).filter((c) => c !== undefined);
      const ordered = counts(orders.map((o) => o.traceId));
      const registered = counts(customers.map((c) => c.registration.traceId));
      const both = [...ordered, ...registered];
      const brokered = both.reduce((n, c) => n + c.brokered, 0);
      const called = both.reduce((n, c) => n + c.called, 0);
      const hops = ordered.reduce((n, c) => n + c.hops - 1, 0);
      const pairs = [...new Set(both.flatMap((c) => c.restPairs))].sort();
      const figures: Record<string, number> = {
        definiteShare: shareOf(orders, (o) => o.status === 201 || o.status === 422),
        hopsPerOrder: meanOf(ordered, (c) => c.hops),
        messagesPerOrder: meanOf(ordered, (c) => c.messages),
        participantsPerOrder: meanOf(ordered, (c) => c.participants),
        restBetweenPerOrder: meanOf(ordered, (c) => c.restBetweenServices),
        restBetweenPerRegistration: meanOf(registered, (c) => c.restBetweenServices),
        billingCallsPerOrder: meanOf(ordered, (c) => c.billingCalls),
        readsPerRequest: meanOf(both, (c) => c.reads),
        correlationPerRequest: meanOf(both, (c) => c.correlationWaits),
        gatewayMessagesPerOrder: meanOf(ordered, (c) => c.gatewayMessages),
        waitedHops: meanOf(ordered, (c) => c.waitedHops),
        deliveriesBeforeAnswer: meanOf(ordered, (c) => c.deliveriesBeforeAnswer),
        afterAnswerShare: hops ? ordered.reduce((n, c) => n + c.afterAnswer, 0) / hops : 0,
        brokeredShare: brokered + called ? brokered / (brokered + called) : 0,
        copiesPerRegistration: meanOf(registered, (c) => c.copies),
        restPeers: pairs.length,
        orderAnswerMs: median(ordered.map((c) => c.answerMs)),
        httpPerOrder: meanOf(ordered, (c) => c.http),
      };
      const known = ordered.flatMap((c) => (c.status === 202 ? (c.toFinalMs === undefined ? [] : [c.toFinalMs]) : [c.answerMs]));
      const notified = ordered.flatMap((c) => (c.toNotificationMs === undefined ? [] : [c.toNotificationMs]));
      if (known.length) figures.outcomeKnownMs = median(known);
      if (notified.length) figures.notifiedMs = median(notified);
      const counted = { orders: ordered.length, registrations: registered.length, both: both.length, settled: known.length, notified: notified.length };
      const samples = Object.fromEntries(MEASURES.map((m) => [m.id, counted[m.of]]));
      return { figures, samples, notes: { restPeers: pairs.length ? pairs.join(', ') : 'none' } };
    });
  },
};
