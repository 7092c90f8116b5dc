import { describe, expect, test } from 'vitest';
import { amountSchema, formatCents, toCents } from '../../src/core/money.js';

describe('money', () => {
  test.each([
    [1000, 100000],
    [0.01, 1],
    [0.29, 29],
    [19.99, 1999],
    [1_000_000_000, 100_000_000_000],
  ])('%s is %s cents', (amount, cents) => {
    expect(amountSchema.parse(amount)).toBe(cents);
  });

  test.each([
    [0, 'greater than 0'],
    [-5, 'greater than 0'],
    [10.005, 'two decimals'],
    [1e-7, 'two decimals'],
    [1_000_000_000.01, 'at most'],
    [Infinity, 'finite'],
    [Number.NaN, 'finite'],
    ['10', 'must be a number'],
    [null, 'must be a number'],
    [undefined, 'is required'],
  ])('rejects %s (%s)', (amount, message) => {
    const result = amountSchema.safeParse(amount);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toContain(message);
  });

  test('formats cents with two decimals', () => {
    expect(formatCents(60000)).toBe('600.00');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(-1234)).toBe('-12.34');
    expect(toCents(0.1 + 0.2)).toBe(30);
  });
});
