import { AppError } from '../../core/errors.js';
import { validate } from '../../http/validate.js';
import { brokerCommands, COMMANDS } from '../../services/gateway/broker-commands.js';
import { restCommands } from '../../services/gateway/rest-commands.js';
import { registrationForm } from '../../services/identity/identity-service.js';
import { NO_ACCOUNT } from '../../services/billing/billing-service.js';
import type { Link, Wiring } from '../wiring.js';
import type { ServiceBus } from '../../broker/service-bus.js';

/** Runs a command; a business refusal (any 4xx) becomes the failure reply event, anything else a nack. */
async function replying(bus: ServiceBus, failedType: string, work: () => Promise<void> | void): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    await bus.publish(failedType, { code: error.status, message: error.message });
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
    await billing.subscribe([COMMANDS.deposit.command, COMMANDS.withdraw.command], ({ userId, amountCents }, delivery) => {
      const kind = delivery.type === COMMANDS.deposit.command ? COMMANDS.deposit : COMMANDS.withdraw;
      return replying(billing, kind.failed, async () => {
        if (kind === COMMANDS.deposit) w.services.billing.deposit(userId, amountCents);
        else {
          const result = w.services.billing.withdraw(userId, amountCents);
          if (!result.ok) throw new AppError(result.reason === NO_ACCOUNT ? 'NOT_FOUND' : 'UNPROCESSABLE', result.reason);
        }
        await billing.publish(kind.ok, { userId });
      });
    });
    await order.subscribe([COMMANDS.order.command], async ({ userId, priceCents, idempotencyKey }) => {
      const placed = await w.flows.order.place(userId, priceCents, idempotencyKey);
      // A retried command for an order already settled: answer again with its outcome.
      if (!placed.created && placed.order.status !== 'pending') await w.ports.ordering.orderSettled(placed.order);
    });
  },
};
