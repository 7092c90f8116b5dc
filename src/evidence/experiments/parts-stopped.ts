import { ApiClient } from '../../scenarios/api-client.js';
import type { OrderView } from '../../scenarios/invariants.js';
import type { StoppableService } from '../../system/boot.js';
import { pct, THRESHOLDS as T } from '../conditions.js';
import { addItem, customersWithMoney, placeOrder, placeSaga } from '../customers.js';
import { checkpoint, withSystem, type Experiment, type ExperimentResult } from '../experiment.js';
import { answersSaid, brokerPart, ok, ordersWhileStopped, servicePart, type StoppedTrial } from '../orders-while-stopped.js';
import { BACKEND, shareOf } from '../trace-figures.js';

/** The parts stopped in turn: every service behind the gateway, then the broker. */
export const PARTS: readonly string[] = [...BACKEND, 'broker'];
/** The figure id of the share of orders accepted (2xx) while `part` was stopped. */
export const acceptedWithout = (part: string) => `acceptedWithout:${part}`;
/** The figure id of the share of orders placed while `part` was stopped that completed once it was back. */
export const completedWithout = (part: string) => `completedWithout:${part}`;
/** The figure id of "consistent once `part` was back" (1 yes, 0 no). */
export const consistentWithout = (part: string) => `consistentWithout:${part}`;

const INVARIANTS = ['money-conserved', 'orders-final', 'sagas-final', 'one-notification-per-order', 'stock-balanced'] as const;
/** An order come to its good end: a plain order succeeded, a saga's handed to delivery. */
const completed = (o: OrderView) => (o.items?.length ? o.status === 'delivering' || o.status === 'done' : o.status === 'succeeded');

/** Does the `i`th customer of a part place an order of the saga (every other one), rather than a plain order? */
const placesSaga = (i: number) => i % 2 === 1;

/** One part's figures and notes, from what its trial gave. */
function partResult(part: string, trial: StoppedTrial): ExperimentResult {
  const answers = trial.answers.flat();
  const placed = answers.length;
  const sagas = trial.orders.filter((_o, i) => placesSaga(i));
  const plain = trial.orders.filter((_o, i) => !placesSaga(i));
  const done = (orders: OrderView[][]) => orders.flat().filter(completed).length;
  const figures = {
    [acceptedWithout(part)]: shareOf(answers, (a) => ok(a.status)),
    [completedWithout(part)]: done(trial.orders) / placed,
    [consistentWithout(part)]: trial.problems.length ? 0 : 1,
  };
  const notes = {
    [acceptedWithout(part)]: answersSaid(answers),
    [completedWithout(part)]: `plain ${done(plain)} of ${plain.length} succeeded, sagas ${done(sagas)} of ${sagas.length} handed to delivery`,
    [consistentWithout(part)]: trial.problems.length ? trial.problems.join('; ') : trial.summary,
  };
  return { figures, samples: Object.fromEntries(Object.keys(figures).map((id) => [id, placed])), notes };
}

/** Every service behind the gateway, then the broker, stopped in turn while orders come in: which one's stop keeps orders from completing? */
export const partsStopped: Experiment = {
  id: 'parts-stopped',
  title: 'Orders while each part is stopped in turn',
  how: (s) =>
    `On one fresh system per repeat, each service behind the gateway (${BACKEND.join(', ')}) and then the broker (cut: no service reaches it) is stopped in turn; the gateway is not stopped: it is the client's entry, the one door every style has. For each part, ${s.orders} new customers with money each place one order at the same moment while it is stopped, every other one an order of the saga (an item of the experiment's own, delivered to a served city), the others plain orders; gateways wait ${s.replyTimeoutMs / 1000} s for a reply event before answering 504. Once every answer is in, the part starts again, the system settles, one recovery pass runs at once (without its 30 s grace) and the system settles again; then the orders are read (completed: a plain order succeeded, a saga handed to delivery; the client did not ask again), every saga handed to delivery is received, and money, final orders, the sagas' histories, notifications and the item's stock are checked through the public API before the next part is stopped. A part is a single point of failure when fewer than ${pct(T.half)} of the orders placed while it was stopped completed. Where the gateway hands an order to the order service by REST, an order placed while that service is stopped never reaches it: it is refused and never made (the client must place it again), so it does not complete.`,
  measures: () => [
    ...PARTS.flatMap((p) => [
      { id: acceptedWithout(p), label: `accepted (2xx) without ${p}`, unit: 'share', how: `2xx answers over orders placed while ${p} was stopped` },
      { id: completedWithout(p), label: `completed without ${p}`, unit: 'share', how: `orders placed while ${p} was stopped found succeeded (plain) or handed to delivery (saga) once it was back, over orders placed` },
      { id: consistentWithout(p), label: `consistent once ${p} is back`, unit: 'yes=1', how: '1 when the invariants hold for its customers and item, else 0' },
    ]),
    { id: 'singlePoints', label: 'single points of failure besides the broker', unit: 'parts', how: `services whose stop left fewer than ${pct(T.half)} of the orders placed meanwhile completed` },
    { id: 'partsStoppedConsistent', label: 'consistent after every stop', unit: 'yes=1', how: '1 when the invariants held after every part was back, else 0' },
  ],
  async run(context) {
    return withSystem(context, async (system) => {
      const api = new ApiClient(system.gatewayUrl);
      const parts = [...BACKEND.map((s) => servicePart(system, s as StoppableService)), brokerPart(system)];
      const results: ExperimentResult[] = [];
      for (const part of parts) {
        const customers = await customersWithMoney(system, api, context.settings.orders);
        const item = await addItem(system, context.settings.orders);
        await system.settle();
        checkpoint(context);
        const trial = await ordersWhileStopped(system, api, customers, part, { place: async (c, i) => [await (placesSaga(i) ? placeSaga(api, c, item.sku) : placeOrder(api, c))], invariants: [...INVARIANTS], catalog: [item] });
        results.push(partResult(part.name, trial));
      }
      const perPart = Object.assign({}, ...results.map((r) => r.figures)) as Record<string, number>;
      const single = BACKEND.filter((s) => perPart[completedWithout(s)] < T.half);
      const figures = { singlePoints: single.length, partsStoppedConsistent: PARTS.every((p) => perPart[consistentWithout(p)] === 1) ? 1 : 0, ...perPart };
      const samples = { singlePoints: BACKEND.length, partsStoppedConsistent: PARTS.length, ...Object.assign({}, ...results.map((r) => r.samples)) };
      return { figures, samples, notes: { singlePoints: single.join(', ') || 'none', ...Object.assign({}, ...results.map((r) => r.notes)) } };
    });
  },
};
