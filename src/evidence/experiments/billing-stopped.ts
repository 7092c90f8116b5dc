import { median } from '../../core/stats.js';
import { ApiClient } from '../../scenarios/api-client.js';
import { customersWithMoney, placeOrder } from '../customers.js';
import { checkpoint, withSystem, type Experiment } from '../experiment.js';
import { answersSaid, ok, ordersWhileStopped, servicePart } from '../orders-while-stopped.js';
import { shareOf } from '../trace-figures.js';

/** Billing stopped while orders come in: are they refused, kept waiting, or taken and finished later? */
export const billingStopped: Experiment = {
  id: 'billing-stopped',
  title: 'Orders while billing is stopped',
  how: (s) =>
    `On a fresh system (gateways wait ${s.replyTimeoutMs / 1000} s for a reply event before answering 504), ${s.orders} customers with money each place one order at the same moment while billing is stopped. Once every answer is in, billing starts again, the system settles, one recovery pass runs at once (the pass a system runs by itself every 5 s, here without its 30 s grace) and the system settles again; then each customer's orders are read, and money, final statuses and notifications are checked through the public API.`,
  measures: () => [
    { id: 'billingDownAcceptedShare', label: 'orders accepted (2xx) while billing is stopped', unit: 'share', how: '2xx answers over orders placed' },
    { id: 'billingDownFailedShare', label: 'orders refused or timed out while billing is stopped', unit: 'share', how: 'answers that were not 2xx over orders placed' },
    { id: 'billingDownAnswerMs', label: 'answer p50 while billing is stopped', unit: 'ms', how: 'median answer time seen by the client' },
    { id: 'billingDownSucceededShare', label: 'orders that ended succeeded once billing was back', unit: 'share', how: 'orders found succeeded afterwards over orders placed (the client did not ask again)' },
    { id: 'billingDownMisleadingShare', label: 'told of a failure, yet succeeded', unit: 'share', how: 'orders answered with an error that ended succeeded, over orders placed' },
    { id: 'billingDownConsistent', label: 'consistent afterwards', unit: 'yes=1', how: '1 when money is conserved, every order is final and has one notification (the invariants of the scenarios), else 0' },
  ],
  async run(context) {
    const { orders } = context.settings;
    return withSystem(context, async (system) => {
      const api = new ApiClient(system.gatewayUrl);
      const customers = await customersWithMoney(system, api, orders);
      await system.settle();
      checkpoint(context);
      const trial = await ordersWhileStopped(system, api, customers, servicePart(system, 'billing'), { place: async (c) => [await placeOrder(api, c)], invariants: ['money-conserved', 'orders-final', 'one-notification-per-order'] });
      const answers = trial.answers.map(([a]) => a);
      const succeeded = (i: number) => trial.orders[i].some((o) => o.status === 'succeeded');
      const figures = {
        billingDownAcceptedShare: shareOf(answers, (a) => ok(a.status)),
        billingDownFailedShare: shareOf(answers, (a) => !ok(a.status)),
        billingDownAnswerMs: median(answers.map((a) => a.ms)),
        billingDownSucceededShare: shareOf(customers, (_c, i) => succeeded(i)),
        billingDownMisleadingShare: shareOf(customers, (_c, i) => !ok(answers[i].status) && succeeded(i)),
        billingDownConsistent: trial.problems.length === 0 ? 1 : 0,
      };
      return { figures, samples: Object.fromEntries(Object.keys(figures).map((id) => [id, orders])), notes: { billingDownAnswers: answersSaid(answers), billingDownConsistent: trial.problems.length ? trial.problems.join('; ') : trial.summary } };
    });
  },
};
