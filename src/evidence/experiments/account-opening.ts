import { median } from '../../core/stats.js';
import { ApiClient, type ApiResponse } from '../../scenarios/api-client.js';
import type { RunningSystem } from '../../system/boot.js';
import { register, type Customer } from '../customers.js';
import { checkpoint, withSystem, type Experiment } from '../experiment.js';
import { shareOf, traceCounts } from '../trace-figures.js';

/** Registers `count` customers one at a time: the registered ones, and every answer. */
async function registerSome(system: RunningSystem, api: ApiClient, count: number): Promise<{ customers: Customer[]; answers: ApiResponse[] }> {
  const customers: Customer[] = [];
  const answers: ApiResponse[] = [];
  for (let i = 0; i < count; i++) {
    const result = await register(system, api);
    if ('refused' in result) answers.push(result.refused);
    else (customers.push(result), answers.push(result.registration));
  }
  return { customers, answers };
}

/** Milliseconds from each registration's answer to its account being opened (negative: before), as recorded. */
const windows = (system: RunningSystem, customers: Customer[]) => customers.map((c) => traceCounts(system.recorder.trace(c.registration.traceId))?.accountAfterAnswerMs).filter((w) => w !== undefined);

/** Does the account exist when the client is told it is registered, and when it first needs it? */
export const accountOpening: Experiment = {
  id: 'account-opening',
  title: 'The account, right after registration',
  how: (s) =>
    `On a fresh system, ${s.orders} customers register one at a time as it is, then ${s.orders} with billing slowed by ${s.slowMs} ms; the recording says when each account was opened against when the client had its answer. Then ${s.orders} customers register at the same moment and each deposits 1.00 the instant its answer arrives (with a token signed at once: no login in between). Last, ${s.orders} register while billing is stopped; billing starts again, the system settles, one recovery pass runs at once, and each registered customer's account is read.`,
  measures: (s) => [
    { id: 'accountAfterAnswerShare', label: 'accounts opened after the answer', unit: 'share', how: 'registrations whose account was opened after the client had its 201, nothing slowed' },
    { id: 'accountAfterAnswerSlowShare', label: `accounts opened after the answer, billing +${s.slowMs} ms`, unit: 'share', how: 'the same with billing slowed' },
    { id: 'accountWindowSlowMs', label: `account opened after the answer p50, billing +${s.slowMs} ms`, unit: 'ms', how: 'median time from the client\'s answer to the account being opened, billing slowed (negative: before the answer)' },
    { id: 'registrationMs', label: 'registration answer p50', unit: 'ms', how: 'median registration answer time, nothing slowed' },
    { id: 'registrationDelayMs', label: 'added to registration by a slow billing', unit: 'ms', how: 'median registration answer with billing slowed minus without' },
    { id: 'firstUseFailShare', label: 'first deposits that found no account', unit: 'share', how: 'deposits sent the instant registration answered that were answered 404 (no account)' },
    { id: 'registeredWhileBillingDownShare', label: 'registrations accepted while billing is stopped', unit: 'share', how: '201 answers over registrations while billing was stopped' },
    { id: 'accountsLaterShare', label: 'of those, accounts there once billing is back', unit: 'share', how: 'accounts found (GET /billing/account 200) over registrations accepted while billing was stopped' },
  ],
  async run(context) {
    const { orders, slowMs } = context.settings;
    return withSystem(context, async (system) => {
      const api = new ApiClient(system.gatewayUrl);
      const plain = await registerSome(system, api, orders);
      checkpoint(context);
      await system.setLatency('billing', slowMs);
      const slowed = await registerSome(system, api, orders);
      await system.setLatency('billing', 0);
      await system.settle();
      checkpoint(context);
      const firstUse = await Promise.all(
        Array.from({ length: orders }, async () => {
          const result = await register(system, api);
          if ('refused' in result) return undefined;
          return (await api.send('deposit', 'POST', '/billing/account/deposit', { token: result.token, body: { amount: 1 } })).status;
        }),
      );
      await system.settle();
      checkpoint(context);
      await system.stopService('billing');
      const down = await registerSome(system, api, orders);
      await system.startService('billing');
      await system.settle(30_000);
      await system.recovery.run({ graceMs: 0, full: true });
      await system.settle(30_000);
      const accounts = await Promise.all(down.customers.map(async (c) => (await api.send('check', 'GET', '/billing/account', { token: c.token })).status));
      const plainWindows = windows(system, plain.customers);
      const slowWindows = windows(system, slowed.customers);
      const deposits = firstUse.filter((s) => s !== undefined);
      const registrationMs = median(plain.answers.map((a) => a.ms));
      const figures = {
        accountAfterAnswerShare: shareOf(plainWindows, (w) => w > 0),
        accountAfterAnswerSlowShare: shareOf(slowWindows, (w) => w > 0),
        accountWindowSlowMs: median(slowWindows),
        registrationMs,
        registrationDelayMs: median(slowed.answers.map((a) => a.ms)) - registrationMs,
        firstUseFailShare: shareOf(deposits, (s) => s === 404),
        registeredWhileBillingDownShare: shareOf(down.answers, (a) => a.status === 201),
        accountsLaterShare: shareOf(accounts, (s) => s === 200),
      };
      const samples = {
        accountAfterAnswerShare: plainWindows.length,
        accountAfterAnswerSlowShare: slowWindows.length,
        accountWindowSlowMs: slowWindows.length,
        registrationMs: orders,
        registrationDelayMs: orders,
        firstUseFailShare: deposits.length,
        registeredWhileBillingDownShare: orders,
        accountsLaterShare: accounts.length,
      };
      return { figures, samples, notes: { registeredWhileBillingDownShare: `answers: ${[...new Set(down.answers.map((a) => a.status))].sort().join(', ')}` } };
    });
  },
};
