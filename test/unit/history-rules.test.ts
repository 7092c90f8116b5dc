import { describe, expect, test } from 'vitest';
import type { HistoryEntry } from '../../src/scenarios/api-client.js';
import { judgeHistory, HISTORY_RULE_NAMES } from '../../src/scenarios/history-rules.js';

let clock = 0;
/** One exchange, answered 1 ms after it was asked, after every earlier one. */
const seen = (method: string, path: string, status: number, body?: unknown, key?: string): HistoryEntry => {
  clock += 2;
  return { kind: 'x', method, path, status, body, ...(key ? { key } : {}), startedAt: clock, endedAt: clock + 1 };
};
const read = (id: string, status: string) => seen('GET', `/ordering/orders/${id}`, 200, { id, status });

describe('history rules', () => {
  test('a saga moving forward and then cancelled, a plain order settling, a repeated key answered alike: every rule holds', () => {
    const history = [
      seen('POST', '/ordering/orders', 202, { id: 's', status: 'created' }, 'k1'),
      read('s', 'paid'),
      seen('POST', '/ordering/orders', 201, { id: 's', status: 'paid' }, 'k1'),
      seen('POST', '/ordering/orders/s/cancel', 202, { id: 's', status: 'cancelled' }),
      seen('POST', '/delivery/orders/s/received', 409, { message: 'cancelled' }),
      seen('POST', '/ordering/orders', 202, { id: 'p', status: 'pending' }),
      seen('GET', '/ordering/orders', 200, [{ id: 'p', status: 'succeeded' }, { id: 's', status: 'cancelled' }]),
      seen('POST', '/billing/account/deposit', 503, undefined, 'd1'),
      seen('POST', '/billing/account/deposit', 204, undefined, 'd1'),
      seen('POST', '/billing/account/deposit', 204, undefined, 'd1'),
    ];
    expect(judgeHistory(HISTORY_RULE_NAMES, history)).toEqual([]);
  });

  test('each rule names what it saw break', () => {
    expect(judgeHistory(['statuses-in-order'], [read('a', 'reserved'), read('a', 'paid')])).toEqual(['statuses-in-order: order a was shown reserved (read) and later paid (read): an order never moves that way']);
    expect(judgeHistory(['final-stays-final'], [read('b', 'succeeded'), seen('GET', '/ordering/orders', 200, [{ id: 'b', status: 'failed' }])])).toEqual([
      'final-stays-final: order b was shown final succeeded (read) and later failed (listed)',
    ]);
    expect(judgeHistory(['repeat-key-first-answer'], [seen('POST', '/ordering/orders', 201, { id: 'c1', status: 'succeeded' }, 'k'), seen('POST', '/ordering/orders', 201, { id: 'c2', status: 'succeeded' }, 'k')])).toEqual([
      'repeat-key-first-answer: /ordering/orders with key k made order c1, then answered with order c2 when asked again',
    ]);
    expect(judgeHistory(['repeat-key-first-answer'], [seen('POST', '/billing/account/withdraw', 422, {}, 'w'), seen('POST', '/billing/account/withdraw', 204, undefined, 'w')])).toEqual([
      'repeat-key-first-answer: /billing/account/withdraw with key w was answered 422, then 204 when asked again',
    ]);
    expect(judgeHistory(['cancelled-never-received'], [seen('POST', '/ordering/orders/d/cancel', 202, { id: 'd', status: 'cancelled' }), seen('POST', '/delivery/orders/d/received', 204)])).toEqual([
      'cancelled-never-received: order d was confirmed received (204) and shown cancelled (cancel answered)',
    ]);
  });

  test('a key is scoped to its user and its body: two users with one key, a key reused for another body (422, no order), are no repeats', () => {
    const as = (token: string, sent: string, status: number, body: unknown) => ({ ...seen('POST', '/ordering/orders', status, body, 'k'), token, sent });
    const history = [
      as('ann', '{"price":1}', 201, { id: 'a1', status: 'succeeded' }),
      as('bob', '{"price":1}', 201, { id: 'b1', status: 'succeeded' }),
      as('ann', '{"price":2}', 422, { code: 422, message: 'key used for another request' }),
      as('ann', '{"price":1}', 201, { id: 'a1', status: 'succeeded' }),
    ];
    expect(judgeHistory(['repeat-key-first-answer'], history)).toEqual([]);
    expect(judgeHistory(['repeat-key-first-answer'], [...history, as('bob', '{"price":1}', 201, { id: 'b2', status: 'succeeded' })])).toEqual([
      'repeat-key-first-answer: /ordering/orders with key k made order b1, then answered with order b2 when asked again',
    ]);
  });

  test('answers that overlap in time are not ordered: a read asked before an earlier answer came may show an older status', () => {
    const late = { kind: 'x', method: 'GET', path: '/ordering/orders/e', status: 200, body: { id: 'e', status: 'created' }, startedAt: 1, endedAt: 10 };
    const early = { kind: 'x', method: 'GET', path: '/ordering/orders/e', status: 200, body: { id: 'e', status: 'paid' }, startedAt: 2, endedAt: 5 };
    expect(judgeHistory(HISTORY_RULE_NAMES, [early, late])).toEqual([]);
  });
});
