import { expect, test } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import { hashPassword, verifyPassword } from '../../src/services/identity/passwords.js';

test('a password checks against its own hash only', async () => {
  const stored = await hashPassword('right-password');
  expect(await verifyPassword('right-password', stored)).toBe(true);
  expect(await verifyPassword('wrong-password', stored)).toBe(false);
  expect(await verifyPassword('right-password', 'md5$x$y')).toBe(false);
});

test('a flood of hashes is not queued without end: past the queue, one is refused at once with 503, and the queued ones all finish', async () => {
  const outcomes = await Promise.allSettled(Array.from({ length: 205 }, (_, i) => hashPassword(`password-${i}`)));
  const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason);
  expect(refused.length).toBeGreaterThan(0);
  for (const reason of refused) {
    expect(reason).toBeInstanceOf(AppError);
    expect((reason as AppError).status).toBe(503);
  }
  expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBeGreaterThanOrEqual(200);
});

test('each hash keeps its cost: hashes made at the default cost, at a cheaper one, and in the old form without one all verify', async () => {
  const cheap = await hashPassword('p');
  expect(cheap).toMatch(new RegExp(`^scrypt\\$${process.env.ORDERCTL_SCRYPT_COST ?? 16384}\\$`));
  const saved = process.env.ORDERCTL_SCRYPT_COST;
  process.env.ORDERCTL_SCRYPT_COST = '';
  try {
    const full = await hashPassword('p');
    expect(full).toMatch(/^scrypt\$16384\$/);
    expect(await verifyPassword('p', full)).toBe(true);
    // The form hashes had before they kept their cost: made at 16384.
    const [, , salt, key] = full.split('$');
    expect(await verifyPassword('p', `scrypt$${salt}$${key}`)).toBe(true);
    expect(await verifyPassword('q', `scrypt$${salt}$${key}`)).toBe(false);
    expect(await verifyPassword('p', `scrypt$1024$${salt}$${key}`)).toBe(false);
    process.env.ORDERCTL_SCRYPT_COST = '1000';
    await expect(hashPassword('p')).rejects.toThrow('ORDERCTL_SCRYPT_COST must be a power of two');
  } finally {
    process.env.ORDERCTL_SCRYPT_COST = saved;
  }
  expect(await verifyPassword('p', cheap)).toBe(true);
  expect(await verifyPassword('p', 'scrypt$3$c2FsdA==$a2V5')).toBe(false);
});
