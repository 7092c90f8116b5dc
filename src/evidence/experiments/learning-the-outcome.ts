import { probeClient } from '../../bench/client-probe.js';
import { median } from '../../core/stats.js';
import { ApiClient } from '../../scenarios/api-client.js';
import { answersOrdersLater } from '../../variants/variant.js';
import { customersWithMoney, placeOrder } from '../customers.js';
import { withSystem, type Experiment } from '../experiment.js';

/** How a client learns how its order ended: in the answer, or later by polling or by push. */
export const learningTheOutcome: Experiment = {
  id: 'learning-the-outcome',
  title: 'How the client learns how its order ended',
  how: (s) =>
    `On a fresh system, one customer orders one order at a time. Where the style answers orders at once (201/422), it places ${s.orders} orders and learns each outcome from the answer. Where it answers 202, it orders for ${s.clientSeconds} s and learns each outcome both ways at once: reading the order every 100 ms, and, where the style pushes, on the order's event stream (the bench's client probe).`,
  measures: () => [
    { id: 'readsToLearn', label: 'reads to learn the outcome', unit: 'reads', how: 'GET requests of the order after its answer until its final status, per order (0: the answer said it)' },
    { id: 'learnMs', label: 'outcome known by polling p50', unit: 'ms', how: 'median time from the request to the outcome known to a client polling every 100 ms (the answer time where the answer says it)' },
    { id: 'pushAvailable', label: 'outcome pushed', unit: 'yes=1', how: '1 when the client can subscribe to its order and be told the outcome' },
    { id: 'pushMs', label: 'outcome known by push p50', unit: 'ms', how: 'median time from the request to the outcome on the order\'s event stream' },
  ],
  async run(context) {
    return withSystem(context, async (system) => {
      const api = new ApiClient(system.gatewayUrl);
      const [customer] = await customersWithMoney(system, api, 1);
      if (!answersOrdersLater(system.variant)) {
        const answers = [];
        for (let i = 0; i < context.settings.orders; i++) answers.push(await placeOrder(api, customer));
        const n = answers.length;
        return { figures: { readsToLearn: 0, learnMs: median(answers.map((a) => a.ms)), pushAvailable: 0 }, samples: { readsToLearn: n, learnMs: n, pushAvailable: n } };
      }
      const push = system.variant.push === 'sse';
      const probe = await probeClient(system.gatewayUrl, customer.token, { seconds: context.settings.clientSeconds, pollEveryMs: 100, push, signal: context.signal });
      const n = probe.orders;
      return {
        figures: { readsToLearn: probe.readsPerOrder, learnMs: probe.pollMs.p50, pushAvailable: push ? 1 : 0, ...(probe.pushMs ? { pushMs: probe.pushMs.p50 } : {}) },
        samples: { readsToLearn: n, learnMs: n, pushAvailable: n, ...(probe.pushMs ? { pushMs: n } : {}) },
      };
    });
  },
};
