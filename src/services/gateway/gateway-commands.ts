import type { RegistrationForm } from '../identity/identity-service.js';
import type { TraceContext } from '../../tracing/context.js';
import type { SagaRequest } from '../ordering/ordering-service.js';

/** What the gateway relays to the client: a status and an internal body (amounts in cents). */
export interface Reply {
  status: number;
  body?: any;
}

/** How the gateway gets a command done, as part of the client request's `trace`; the variant decides: one REST call to the owner, or a command event and its reply. */
export interface GatewayCommands {
  register(trace: TraceContext, form: RegistrationForm): Promise<Reply>;
  deposit(trace: TraceContext, userId: string, amountCents: number, idempotencyKey?: string): Promise<Reply>;
  withdraw(trace: TraceContext, userId: string, amountCents: number, idempotencyKey?: string): Promise<Reply>;
  /** Places an order; with `saga` (items and address) one that runs the saga. */
  placeOrder(trace: TraceContext, userId: string, priceCents: number, idempotencyKey?: string, saga?: SagaRequest): Promise<Reply>;
}
