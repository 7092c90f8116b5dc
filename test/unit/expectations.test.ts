import { describe, expect, test } from 'vitest';
import { check, describe as describeValues, expectationFor, matches } from '../../src/scenarios/expectations.js';

describe('expectations', () => {
  test('objects match by the keys they name; a list against one value means "one of"', () => {
    expect(matches({ status: 'failed', price: 5, id: 'x' }, { status: 'failed' })).toBe(true);
    expect(matches({ status: 'failed' }, { status: 'succeeded' })).toBe(false);
    expect(matches(202, [201, 202])).toBe(true);
    expect(matches(500, [201, 202])).toBe(false);
    expect(matches([{ a: 1 }, { a: 2 }], [{ a: 1 }, { a: 2 }])).toBe(true);
    expect(matches([{ a: 1 }], [{ a: 1 }, { a: 2 }])).toBe(false);
  });

  test('a variant listed under except gets its own expectation instead', () => {
    expect(expectationFor({ answer: 201 }, { hybrid: { answer: 202 } }, 'hybrid')).toEqual({ answer: 202 });
    expect(expectationFor({ answer: 201 }, { hybrid: { answer: 202 } }, 'http')).toEqual({ answer: 201 });
    // A trait of the style's declaration stands for every style that has it; a style's own name comes first.
    expect(expectationFor({ answer: 201 }, { 'answers-orders-later': { answer: 202 } }, 'mine', ['answers-orders-later'])).toEqual({ answer: 202 });
    expect(expectationFor({ answer: 201 }, { 'answers-orders-later': { answer: 202 } }, 'mine', [])).toEqual({ answer: 201 });
    expect(expectationFor({ answer: 201 }, { 'answers-orders-later': { answer: 202 }, mine: { answer: 200 } }, 'mine', ['answers-orders-later'])).toEqual({ answer: 200 });
  });

  test('check reports each key that did not hold, and shows only what it checked', () => {
    const body = [{ id: '1', message: 'Your order for 600.00$ has been successfully processed', createdAt: 'x' }];
    const ok = check({ answer: 200, count: 1, latest: { message: body[0].message } }, 200, body);
    expect(ok.problems).toEqual([]);
    expect(describeValues(ok.seen)).toBe('answer 200, count 1, latest message Your order for 600.00$ has been successfully processed');

    const bad = check({ answer: 201, amount: 400, message: 'not enough' }, 500, { amount: 300, message: 'internal error' });
    expect(bad.problems).toEqual(['answer: expected 201, got 500', 'amount: expected 400, got 300', 'message: expected not enough, got internal error']);
  });

  test('answers of a crowd must all be among the allowed ones', () => {
    expect(check({ answers: [201, 422] }, 200, { answers: { 201: 3, 422: 7 } }).problems).toEqual([]);
    expect(check({ answers: [201, 422] }, 200, { answers: { 201: 3, 500: 1 } }).problems).toHaveLength(1);
  });
});

describe('an order history', () => {
  const body = { status: 'cancelled', history: [{ status: 'created', at: 't1' }, { status: 'paid', at: 't2' }, { status: 'cancelled', at: 't3' }] };

  test('is matched by its statuses, in order, all of them', () => {
    expect(check({ history: ['created', 'paid', 'cancelled'] }, 200, body).problems).toEqual([]);
    expect(check({ history: ['created', 'cancelled'] }, 200, body).problems).toEqual(['history: expected created → cancelled, got created → paid → cancelled']);
    expect(check({ history: ['created', 'paid', 'reserved', 'cancelled'] }, 200, body).problems).toHaveLength(1);
    expect(check({ history: ['created'] }, 200, {}).problems).toEqual(['history: expected created, got nothing']);
  });

  test('a list of histories means one of them', () => {
    const oneOf = { history: [['created', 'cancelled'], ['created', 'paid', 'cancelled']] };
    expect(check(oneOf, 200, body).problems).toEqual([]);
    expect(check({ history: [['created', 'cancelled'], ['created', 'paid', 'reserved', 'cancelled']] }, 200, body).problems).toHaveLength(1);
    expect(describeValues(oneOf)).toBe('history created → cancelled | created → paid → cancelled');
    expect(describeValues(check(oneOf, 200, body).seen)).toBe('history created → paid → cancelled');
  });

  test("an order's items are matched line by line", () => {
    const order = { items: [{ sku: 'last-lamp', quantity: 1 }, { sku: 'book', quantity: 2 }] };
    expect(check({ items: [{ sku: 'last-lamp', quantity: 1 }, { sku: 'book', quantity: 2 }] }, 200, order).problems).toEqual([]);
    expect(check({ items: [{ sku: 'last-lamp', quantity: 1 }] }, 200, order).problems).toHaveLength(1);
  });
});

test('what was seen reads plainly: items as quantities, and the whole object when none of the keys expected is there', () => {
  const order = { items: [{ sku: 'vase', quantity: 2 }, { sku: 'book', quantity: 1 }] };
  expect(describeValues(check({ items: [{ sku: 'vase', quantity: 2 }, { sku: 'book', quantity: 1 }] }, 200, order).seen)).toBe('items 2 vase, 1 book');
  expect(check({ reasons: { 'only 0 of lamp available, 1 asked': 17 } }, 200, { reasons: { 'reservation failed': 17 } }).problems).toEqual([
    'reasons: expected {"only 0 of lamp available, 1 asked":17}, got {"reservation failed":17}',
  ]);
});
