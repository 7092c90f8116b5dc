import { randomBytes } from 'node:crypto';
import { toCents } from '../core/money.js';
import type { ApiClient, ApiResponse } from '../scenarios/api-client.js';
import type { OwnItem, UserState } from '../scenarios/run-context.js';
import type { RunningSystem } from '../system/boot.js';
import { ExperimentError } from './experiment.js';

/** Money each prepared customer deposits. */
export const DEPOSIT = 1_000;
const run = randomBytes(4).toString('hex');
let next = 0;

/** A customer as the experiments use it: what the invariants check, plus the registration's answer. */
export interface Customer extends UserState {
  id: string;
  token: string;
  registration: ApiResponse;
}

/** New credentials, unique in this process. */
export function credentials(): { email: string; password: string; alias: string } {
  const alias = `evidence-${run}-${next++}`;
  return { alias, email: `${alias}@example.test`, password: 'evidence-password' };
}

/**
 * Registers a customer and signs a token for it with the system's own key (what logging in would give,
 * without logging in: the customer can act the moment it is registered), or the answer that refused it.
 */
export async function register(system: RunningSystem, api: ApiClient): Promise<Customer | { refused: ApiResponse }> {
  const { alias, email, password } = credentials();
  const registration = await api.send('register', 'POST', '/identity/register', { body: { email, password } });
  if (registration.status !== 201) return { refused: registration };
  const id = String(registration.body.id);
  const token = await system.tokens.issue({ id, email });
  return { alias, email, password, id, token, registration, depositedCents: 0, withdrawnCents: 0, movedKeys: new Set<string>() };
}

/** Deposits `amount`, asking again while the account is not there yet (styles that open it later). */
export async function deposit(api: ApiClient, customer: Customer, amount = DEPOSIT): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const answer = await api.send('deposit', 'POST', '/billing/account/deposit', { token: customer.token, body: { amount } });
    if (answer.status === 204) break;
    if (attempt > 100) throw new ExperimentError(`a deposit was answered ${answer.status} a hundred times`);
    await new Promise((r) => setTimeout(r, 20));
  }
  customer.depositedCents += toCents(amount);
}

/** Registers `count` customers one after another, each with money. */
export async function customersWithMoney(system: RunningSystem, api: ApiClient, count: number): Promise<Customer[]> {
  const customers: Customer[] = [];
  for (let i = 0; i < count; i++) {
    const customer = await register(system, api);
    if ('refused' in customer) throw new ExperimentError(`registering a customer was answered ${customer.refused.status}`);
    await deposit(api, customer);
    customers.push(customer);
  }
  return customers;
}

/** Places an order of `price` as `customer`. */
export const placeOrder = (api: ApiClient, customer: Customer, price = 1) => api.send('order', 'POST', '/ordering/orders', { token: customer.token, body: { price } });

/** Where the experiments' sagas are delivered: a city in the default delivery zones. */
export const SERVED = { city: 'Paris', street: '1 rue de Rivoli' };

/** Places an order of the saga (one of `sku`, delivered to `address`) as `customer`. */
export const placeSaga = (api: ApiClient, customer: Customer, sku: string, address = SERVED) =>
  api.send('saga', 'POST', '/ordering/orders', { token: customer.token, body: { price: 1, items: [{ sku, quantity: 1 }], address } });

/** Adds an item of the experiment's own to the catalog through stock's internal API (what a scenario's setup does), `available` of it. */
export async function addItem(system: RunningSystem, available: number): Promise<OwnItem> {
  const item = { sku: credentials().alias, name: 'What an evidence experiment orders', available };
  const added = await fetch(`${system.urls.stock}/items`, { method: 'POST', headers: { 'content-type': 'application/json', ...system.operatorHeaders('stock') }, body: JSON.stringify([item]) });
  if (added.status !== 201) throw new ExperimentError(`adding an item to the catalog was answered ${added.status}`);
  return { sku: item.sku, initial: available };
}
