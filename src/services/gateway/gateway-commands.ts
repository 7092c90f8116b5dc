import type { RegistrationForm } from '../identity/identity-service.js';
import type { SagaRequest } from '../ordering/ordering-service.js';

/** What the gateway relays to the client: a status and an internal body (amounts in cents). */
export interface Reply {
  status: number;
  body?: any;
}

/** How the gateway gets a command done; the variant decides: one REST call to the owner, or a command event and its reply. */
export interface GatewayCommands {
  register(form: RegistrationForm): Promise<Reply>;
  deposit(userId: string, amountCents: number, idempotencyKey?: string): Promise<Reply>;
  withdraw(userId: string, amountCents: number, idempotencyKey?: string): Promise<Reply>;
  /** Places an order; with `saga` (items and address) one that runs the saga. */
  placeOrder(userId: string, priceCents: number, idempotencyKey?: string, saga?: SagaRequest): Promise<Reply>;
}
