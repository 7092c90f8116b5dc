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
