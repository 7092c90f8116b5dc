import { AppError, errorBody } from '../../core/errors.js';
import { validate } from '../../http/validate.js';
import { brokerCommands, COMMANDS } from './gateway-broker-commands.js';
import { restCommands } from './gateway-rest-commands.js';
import { registrationForm } from '../../services/identity/identity-service.js';
import { events } from '../events.js';
import { refusal } from '../../services/billing/billing-service.js';
import type { Link, Wiring } from '../wiring.js';
import type { ServiceBus } from '../../broker/service-bus.js';

/** Runs a command (its success reply leaves through the outbox); a refusal (any 4xx) becomes the failure reply event, anything else a nack. */
async function replying(bus: ServiceBus, failedType: string, work: () => Promise<void> | void): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    await bus.publish(failedType, errorBody(error.status, error.message, error.details));
  }
}

/** Gateway → owner service: the client's commands (register, deposit, withdraw, order). */
export const commands: Link<'rest' | 'broker'> = {
  rest(w) {
    w.ports.gateway = restCommands(w.http.gateway);
  },
  async broker(w: Wiring) {
    w.ports.gateway = brokerCommands(w.bus.gateway, w.http.gateway, w.variant.events === 'thin', w.commandTimeoutMs);
    const { identity, billing, order } = w.bus;
    await identity.subscribe([COMMANDS.register.command], (form) =>
      replying(identity, COMMANDS.register.failed, () => w.flows.registration.register(validate(registrationForm, form)).then(() => {})),
    );
    w.relay.billing.route('DepositMade', ({ userId }) => ({ type: COMMANDS.deposit.ok, data: { userId } }));
    w.relay.billing.route('WithdrawalMade', ({ userId }) => ({ type: COMMANDS.withdraw.ok, data: { userId } }));
    await billing.subscribe([COMMANDS.deposit.command, COMMANDS.withdraw.command], ({ userId, amountCents }, delivery) => {
      if (delivery.type === COMMANDS.deposit.command) return replying(billing, COMMANDS.deposit.failed, () => void w.services.billing.deposit(userId, amountCents));
      return replying(billing, COMMANDS.withdraw.failed, () => {
        const result = w.services.billing.withdraw(userId, amountCents);
        if (!result.ok) throw refusal(result.reason);
      });
    });
    await order.subscribe([COMMANDS.order.command], async ({ userId, priceCents, idempotencyKey }) => {
      const placed = await w.flows.order.place(userId, priceCents, idempotencyKey);
      // A retried command for an order already settled: answer again with its outcome.
      if (!placed.created && placed.order.status !== 'pending') {
        const settled = events.orderSettled(w.variant.events, placed.order);
        await order.publish(settled.type, settled.data);
      }
    });
  },
};
