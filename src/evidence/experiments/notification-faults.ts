import { median } from '../../core/stats.js';
import { ApiClient } from '../../scenarios/api-client.js';
import { customersWithMoney, placeOrder, type Customer } from '../customers.js';
import { checkpoint, withSystem, type Experiment } from '../experiment.js';
import { shareOf } from '../trace-figures.js';

const ok = (status: number) => status >= 200 && status < 300;

/** Notification slowed, then stopped: does the order wait for it, or fail with it? */
export const notificationFaults: Experiment = {
  id: 'notification-faults',
  title: 'Orders with notification slowed and stopped',
  how: (s) =>
    `On a fresh system, one customer places ${s.orders} orders one at a time as they are, then ${s.orders} with notification slowed by ${s.slowMs} ms, then ${s.orders} with notification stopped (its port closed, its consumers stopped). Then notification starts again, the system settles, and the customer's notifications are counted against its succeeded orders.`,
  measures: (s) => [
    { id: 'baseAnswerMs', label: 'order answer p50', unit: 'ms', how: 'median answer time with nothing slowed' },
    { id: 'slowNotificationAnswerMs', label: `order answer p50, notification +${s.slowMs} ms`, unit: 'ms', how: `median answer time with notification slowed by ${s.slowMs} ms` },
    { id: 'notificationDelayMs', label: 'added to the answer by a slow notification', unit: 'ms', how: 'the second median minus the first' },
    { id: 'notificationDownFailShare', label: 'orders failed with notification stopped', unit: 'share', how: 'answers that were not 2xx while notification was stopped' },
    { id: 'notificationDownAnswerMs', label: 'order answer p50, notification stopped', unit: 'ms', how: 'median answer time while notification was stopped' },
    { id: 'notifiedShare', label: 'succeeded orders notified once notification is back', unit: 'share', how: 'notifications over succeeded orders, after notification started again and the system settled' },
  ],
  async run(context) {
    const { orders, slowMs } = context.settings;
    return withSystem(context, async (system) => {
      const api = new ApiClient(system.gatewayUrl);
      const [customer] = await customersWithMoney(system, api, 1);
      const some = async (c: Customer) => {
        checkpoint(context);
        const answers = [];
        for (let i = 0; i < orders; i++) answers.push(await placeOrder(api, c));
        return answers;
      };
      const base = await some(customer);
      await system.setLatency('notification', slowMs);
      const slowed = await some(customer);
      await system.setLatency('notification', 0);
      await system.settle();
      await system.stopService('notification');
      const down = await some(customer);
      await system.startService('notification');
      await system.settle(30_000);
      const placed = await api.send('check', 'GET', '/ordering/orders', { token: customer.token });
      const notified = await api.send('check', 'GET', '/notifications', { token: customer.token });
      const succeeded = Array.isArray(placed.body) ? placed.body.filter((o: { status: string }) => o.status === 'succeeded').length : 0;
      const figures = {
        baseAnswerMs: median(base.map((a) => a.ms)),
        slowNotificationAnswerMs: median(slowed.map((a) => a.ms)),
        notificationDelayMs: median(slowed.map((a) => a.ms)) - median(base.map((a) => a.ms)),
        notificationDownFailShare: shareOf(down, (a) => !ok(a.status)),
        notificationDownAnswerMs: median(down.map((a) => a.ms)),
        notifiedShare: succeeded ? Math.min(1, (Array.isArray(notified.body) ? notified.body.length : 0) / succeeded) : 0,
      };
      return { figures, samples: { ...Object.fromEntries(Object.keys(figures).map((id) => [id, orders])), notifiedShare: succeeded } };
    });
  },
};
