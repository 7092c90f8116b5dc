import { describe, expect, test } from 'vitest';
import { historyProblem, judge, type OrderView, type UserSnapshot } from '../../src/scenarios/invariants.js';

const history = (...statuses: string[]) => statuses.map((status, i) => ({ status, at: `2025-01-01T00:00:0${i}Z` }));
const plain = (id: string, price: number, status: string): OrderView => ({ id, price, status });
const saga = (id: string, price: number, status: string, items: Record<string, number>, path: string[] = defaultPath(status)): OrderView => ({
  id,
  price,
  status,
  items: Object.entries(items).map(([sku, quantity]) => ({ sku, quantity })),
  history: history(...path),
});
function defaultPath(status: string): string[] {
  const forward = ['created', 'paid', 'reserved', 'delivering', 'done'];
  return status === 'cancelled' ? ['created', 'cancelled'] : forward.slice(0, forward.indexOf(status) + 1);
}
const user = (alias: string, money: { in: number; out?: number; balance: number }, orders: OrderView[], notified: string[] = []): UserSnapshot => ({
  alias,
  depositedCents: money.in * 100,
  withdrawnCents: (money.out ?? 0) * 100,
  balanceCents: money.balance * 100,
  orders,
  notifications: notified.map((orderId) => ({ orderId })),
});

describe('money-conserved', () => {
  test('paid in = balances + plain orders that succeeded + saga orders delivering or done; a cancelled saga order costs nothing', () => {
    const ann = user('ann', { in: 100, out: 10, balance: 30 }, [
      plain('p1', 20, 'succeeded'),
      plain('p2', 500, 'failed'),
      saga('s1', 25, 'delivering', { lamp: 1 }),
      saga('s2', 15, 'done', { lamp: 1 }),
      saga('s3', 70, 'cancelled', { lamp: 9 }),
    ]);
    expect(judge(['money-conserved'], [ann]).problems).toEqual([]);
    expect(judge(['money-conserved'], [ann]).body.money).toEqual({ depositedMinusWithdrawn: 90, balances: 30, succeededOrders: 20, sagaOrdersPaid: 40 });
  });

  test('a cancelled saga order that was not refunded, or one delivering that was never charged, breaks it', () => {
    const notRefunded = user('bo', { in: 100, balance: 30 }, [saga('s1', 70, 'cancelled', { lamp: 1 })]);
    expect(judge(['money-conserved'], [notRefunded]).problems).toEqual(['money not conserved: in 100 ≠ balances 30 + orders 0']);
    const neverCharged = user('cy', { in: 100, balance: 100 }, [saga('s1', 70, 'delivering', { lamp: 1 })]);
    expect(judge(['money-conserved'], [neverCharged]).problems).toEqual(['money not conserved: in 100 ≠ balances 100 + orders 0 + saga orders delivering or done 70']);
  });

  test('is summed over every user: one user short is not made good by another', () => {
    const a = user('a', { in: 50, balance: 40 }, [plain('p1', 10, 'succeeded')]);
    const b = user('b', { in: 50, balance: 45 }, []);
    expect(judge(['money-conserved'], [a, b]).problems).toEqual(['money not conserved: in 100 ≠ balances 85 + orders 10']);
  });
});

describe('orders-final and sagas-final', () => {
  test('plain orders are final once succeeded or failed; saga orders once done or cancelled', () => {
    const u = user('u', { in: 0, balance: 0 }, [plain('p1', 1, 'succeeded'), plain('p2', 1, 'failed'), saga('s1', 1, 'done', { a: 1 }), saga('s2', 1, 'cancelled', { a: 1 })]);
    expect(judge(['orders-final'], [u]).problems).toEqual([]);
    const open = user('u', { in: 0, balance: 0 }, [plain('p1', 1, 'pending'), saga('s1', 1, 'delivering', { a: 1 })]);
    expect(judge(['orders-final'], [open]).problems).toEqual(['2 order(s) not final (e.g. p1 is pending)']);
  });

  test('a saga order may rest delivering (waiting for the receipt), not under way', () => {
    const resting = user('u', { in: 0, balance: 0 }, [saga('s1', 1, 'delivering', { a: 1 }), saga('s2', 1, 'done', { a: 1 }), saga('s3', 1, 'cancelled', { a: 1 }, ['created', 'paid', 'reserved', 'delivering', 'cancelled']), plain('p1', 1, 'pending')]);
    expect(judge(['sagas-final'], [resting]).problems).toEqual([]);
    const busy = user('u', { in: 0, balance: 0 }, [saga('s1', 1, 'paid', { a: 1 }), saga('s2', 1, 'reserved', { a: 1 })]);
    expect(judge(['sagas-final'], [busy]).problems).toEqual(['2 saga order(s) still under way (e.g. s1 is paid)']);
  });

  test("a saga order's history starts at created, moves only as the saga does, never repeats, and ends where the order is", () => {
    expect(historyProblem(saga('s', 1, 'done', { a: 1 }))).toBeUndefined();
    expect(historyProblem(saga('s', 1, 'cancelled', { a: 1 }, ['created', 'paid', 'reserved', 'cancelled']))).toBeUndefined();
    expect(historyProblem(saga('s', 1, 'done', { a: 1 }, ['created', 'paid', 'paid', 'reserved', 'delivering', 'done']))).toBe("s's history moves from paid to paid, which the saga never does (created → paid → paid → reserved → delivering → done)");
    expect(historyProblem(saga('s', 1, 'delivering', { a: 1 }, ['created', 'reserved', 'delivering']))).toMatch(/moves from created to reserved/);
    expect(historyProblem(saga('s', 1, 'done', { a: 1 }, ['created', 'cancelled', 'done']))).toMatch(/moves from cancelled to done/);
    expect(historyProblem(saga('s', 1, 'paid', { a: 1 }, ['paid']))).toMatch(/starts at paid, not created/);
    expect(historyProblem(saga('s', 1, 'done', { a: 1 }, ['created', 'paid', 'reserved', 'delivering']))).toMatch(/s is done but its history ends at delivering/);
    expect(historyProblem({ id: 's', price: 1, status: 'created', items: [{ sku: 'a', quantity: 1 }] })).toBe('s has no history');
    const u = user('u', { in: 0, balance: 0 }, [saga('s1', 1, 'done', { a: 1 }, ['created', 'done'])]);
    expect(judge(['sagas-final'], [u]).problems).toEqual(["s1's history moves from created to done, which the saga never does (created → done)"]);
  });
});

describe('one-notification-per-order', () => {
  test('one per plain order and per saga order done or cancelled; none for one still delivering', () => {
    const u = user('u', { in: 0, balance: 0 }, [plain('p1', 1, 'succeeded'), saga('s1', 1, 'done', { a: 1 }), saga('s2', 1, 'cancelled', { a: 1 }), saga('s3', 1, 'delivering', { a: 1 })], ['s2', 'p1', 's1']);
    expect(judge(['one-notification-per-order'], [u]).problems).toEqual([]);
  });

  test('a notification for a delivering order, a missing one or one twice breaks it', () => {
    const early = user('u', { in: 0, balance: 0 }, [saga('s1', 1, 'delivering', { a: 1 })], ['s1']);
    expect(judge(['one-notification-per-order'], [early]).problems).toEqual(['u: 1 notification(s) for 0 final order(s) (1 saga order(s) not final yet)']);
    const missing = user('u', { in: 0, balance: 0 }, [saga('s1', 1, 'cancelled', { a: 1 })], []);
    expect(judge(['one-notification-per-order'], [missing]).problems).toEqual(['u: 0 notification(s) for 1 order(s)']);
    const twice = user('u', { in: 0, balance: 0 }, [plain('p1', 1, 'failed')], ['p1', 'p1']);
    expect(judge(['one-notification-per-order'], [twice]).problems).toEqual(['u: 2 notification(s) for 1 order(s)']);
  });
});

describe('stock-balanced', () => {
  const catalog = [
    { sku: 'last-lamp', initial: 3 },
    { sku: 'vase', initial: 5 },
  ];
  const orders = [
    saga('s1', 1, 'delivering', { 'last-lamp': 1, vase: 2 }),
    saga('s2', 1, 'done', { 'last-lamp': 1 }),
    saga('s3', 1, 'cancelled', { 'last-lamp': 1 }, ['created', 'paid', 'reserved', 'delivering', 'cancelled']),
    saga('s4', 1, 'reserved', { vase: 1 }),
    saga('s5', 1, 'delivering', { book: 4 }),
  ];

  test('initial = available + reserved + items of the orders delivering or done, for each of the scenario\'s own items', () => {
    const items = [
      { sku: 'book', available: 0, reserved: 0 },
      { sku: 'last-lamp', available: 1, reserved: 0 },
      { sku: 'vase', available: 2, reserved: 1 },
    ];
    const verdict = judge(['stock-balanced'], [user('u', { in: 0, balance: 0 }, orders)], { catalog, items });
    expect(verdict.problems).toEqual([]);
    expect(verdict.body.stock).toEqual(['last-lamp 3 = 1 + 0 + 2', 'vase 5 = 2 + 1 + 2']);
  });

  test('an item sold twice, one lost, or one gone from the catalog is reported', () => {
    const soldTwice = [
      { sku: 'last-lamp', available: 0, reserved: 0 },
      { sku: 'vase', available: 2, reserved: 1 },
    ];
    expect(judge(['stock-balanced'], [user('u', { in: 0, balance: 0 }, [...orders, saga('s6', 1, 'delivering', { 'last-lamp': 2 })])], { catalog, items: soldTwice }).problems).toEqual([
      'stock of last-lamp not balanced: 3 at first ≠ 0 available + 0 reserved + 4 in orders delivering or done',
    ]);
    const lost = [
      { sku: 'last-lamp', available: 1, reserved: 0 },
      { sku: 'vase', available: 2, reserved: 0 },
    ];
    expect(judge(['stock-balanced'], [user('u', { in: 0, balance: 0 }, orders)], { catalog, items: lost }).problems).toEqual([
      'stock of vase not balanced: 5 at first ≠ 2 available + 0 reserved + 2 in orders delivering or done',
    ]);
    expect(judge(['stock-balanced'], [user('u', { in: 0, balance: 0 }, orders)], { catalog, items: lost.slice(0, 1) }).problems).toEqual(['stock: vase is not in the catalog any more']);
  });

  test('orders of every user count', () => {
    const items = [
      { sku: 'last-lamp', available: 0, reserved: 0 },
      { sku: 'vase', available: 5, reserved: 0 },
    ];
    const winners = ['a', 'b', 'c'].map((alias) => user(alias, { in: 0, balance: 0 }, [saga(`${alias}1`, 1, 'delivering', { 'last-lamp': 1 })]));
    const losers = ['d', 'e'].map((alias) => user(alias, { in: 0, balance: 0 }, [saga(`${alias}1`, 1, 'cancelled', { 'last-lamp': 1 })]));
    expect(judge(['stock-balanced'], [...winners, ...losers], { catalog, items }).problems).toEqual([]);
  });
});
