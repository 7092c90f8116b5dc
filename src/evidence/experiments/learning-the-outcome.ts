import { probeClient } from '../../bench/client-probe.js';
import { median } from '../../core/stats.js';
import { ApiClient } from '../../scenarios/api-client.js';
import { answersOrdersLater } from '../../variants/variant.js';
import { customersWithMoney, DEPOSIT, placeOrder } from '../customers.js';
import { shareOf } from '../trace-figures.js';
import { withSystem, type Experiment } from '../experiment.js';

/** How a client learns how its order ended: in the answer, or later by polling or by push. */
export const learningTheOutcome: Experiment = {
  id: 'learning-the-outcome',
  title: 'How the client learns how its order ended',
  how: (s) =>
    `On a fresh system, one customer first places ${s.orders} orders of more than its balance, one at a time, and the answers are counted. Then it orders one order at a time. Where the style answers orders at once (201/422), it places ${s.orders} orders and learns each outcome from the answer. Where it answers 202, it orders for ${s.clientSeconds} s and learns each outcome both ways at once: reading the order every 100 ms, and, where the style pushes, on the order's event stream (the bench's client probe).`,
  measures: () => [
    { id: 'refusedAtOnceShare', label: 'orders beyond the balance refused in the answer (422)', unit: 'share', how: '422 answers over orders of more than the balance (the rest are 202: refused later)' },
    { id: 'readsToLearn', label: 'reads to learn the outcome', unit: 'reads', how: 'GET requests of the order after its answer until its final status, per order (0: the answer said it)' },
    { id: 'learnMs', label: 'outcome known by polling p50', unit: 'ms', how: 'median time from the request to the outcome known to a client polling every 100 ms (the answer time where the answer says it)' },
    { id: 'pushAvailable', label: 'outcome pushed', unit: 'yes=1', how: '1 when the client can subscribe to its order and be told the outcome' },
    { id: 'pushMs', label: 'outcome known by push p50', unit: 'ms', how: 'median time from the request to the outcome on the order\'s event stream' },
  ],
  async run(context) {
    return withSystem(context, async (system) => {
      const api = new ApiClient(system.gatewayUrl);
      const { orders } = context.settings;
      const [customer] = await customersWithMoney(system, api, 1);
      const refused = [];
      for (let i = 0; i < orders; i++) refused.push(await placeOrder(api, customer, DEPOSIT * 2));
      await system.settle();
      const beyond = { figures: { refusedAtOnceShare: shareOf(refused, (a) => a.status === 422) }, samples: { refusedAtOnceShare: orders } };
      if (!answersOrdersLater(system.variant)) {
        const answers = [];
        for (let i = 0; i < orders; i++) answers.push(await placeOrder(api, customer));
        return { figures: { ...beyond.figures, readsToLearn: 0, learnMs: median(answers.map((a) => a.ms)), pushAvailable: 0 }, samples: { ...beyond.samples, readsToLearn: orders, learnMs: orders, pushAvailable: orders } };
      }
      const push = system.variant.push === 'sse';
      const probe = await probeClient(system.gatewayUrl, customer.token, { seconds: context.settings.clientSeconds, pollEveryMs: 100, push, signal: context.signal });
      const n = probe.orders;
      return {
        figures: { ...beyond.figures, readsToLearn: probe.readsPerOrder, learnMs: probe.pollMs.p50, pushAvailable: push ? 1 : 0, ...(probe.pushMs ? { pushMs: probe.pushMs.p50 } : {}) },
        samples: { ...beyond.samples, readsToLearn: n, learnMs: n, pushAvailable: n, ...(probe.pushMs ? { pushMs: n } : {}) },
      };
    });
  },
};
