import { z } from 'zod';

/** Largest amount one operation may move, in whole currency units. */
export const MAX_AMOUNT = 1_000_000_000;

const TWO_DECIMALS = /^-?\d+(\.\d{1,2})?$/;

/**
 * A public money amount: a JSON number > 0 with at most two decimals and at most
 * MAX_AMOUNT. Parses to integer cents, which is all the services ever store.
 */
export const amountSchema = z
  .number({
    error: (issue) => (issue.input === undefined ? 'is required' : typeof issue.input === 'number' ? 'must be a finite number' : 'must be a number'),
  })
  .refine((n) => n > 0, 'must be greater than 0')
  .refine((n) => n <= MAX_AMOUNT, `must be at most ${MAX_AMOUNT}`)
  .refine((n) => TWO_DECIMALS.test(String(n)), 'must have at most two decimals')
  .transform(toCents);

/** Integer cents, as carried between services. */
export const centsSchema = z.number().int().positive().max(MAX_AMOUNT * 100);

export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

export function fromCents(cents: number): number {
  return cents / 100;
}

/** `60000` -> `"600.00"`. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
