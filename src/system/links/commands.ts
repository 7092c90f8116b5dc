import { AppError, errorBody } from '../../core/errors.js';
import { validate } from '../../http/validate.js';
import { brokerCommands, COMMANDS, commandsOf, orderAnswer } from './gateway-broker-commands.js';
import { restCommands } from './gateway-rest-commands.js';
import { orderCommand } from '../../services/ordering/ordering-routes.js';
import { registrationForm } from '../../services/identity/identity-service.js';
import type { Movement } from '../../services/billing/billing-service.js';
import type { Order } from '../../services/ordering/ordering-service.js';
import type { Store } from '../../storage/store.js';
import type { TraceContext } from '../../tracing/context.js';
import { linkOf } from '../../variants/variant.js';
import type { Link } from '../wiring.js';

/**
 * Runs a command whose success reply leaves through the outbox; a refusal (any 4xx) becomes the
 * failure reply, anything else a nack. A refusal changes nothing (the write that refused rolled
 * back, or it came before any), so the failure reply is written with the delivery's inbox record
 * in one transaction: it leaves through the outbox, and a redelivery finds both or neither.
 */
async function replying(trace: TraceContext, store: Store, failedType: string, work: () => Promise<unknown> | unknown): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    store.write(trace, () => store.send(failedType, errorBody(error.status, error.message)));
  }
}

/** Gateway → owner service: the client's commands (register, deposit, withdraw, order). */
export const commands: Link<'rest' | 'broker'> = {
  rest: {
    declare: () => ({
      calls: [
        { from: 'gateway', to: 'identity', call: 'POST /register' },
        { from: 'gateway', to: 'billing', call: 'POST /accounts/{id}/deposit' },
        { from: 'gateway', to: 'billing', call: 'POST /accounts/{id}/withdraw' },
        { from: 'gateway', to: 'order', call: 'POST /orders' },
      ],
      ports: { gateway: ['commands'] },
      absorbs: {
        order: { OrderAnswerDue: 'a REST command is answered in its response' },
        billing: { DepositMade: 'a REST command is answered in its response', WithdrawalMade: 'a REST command is answered in its response' },
      },
      explain: {
        register: 'The gateway forwards the form to Identity over REST.',
        deposit: 'One synchronous REST call to Billing, which owns the money: the answer tells you at once whether it worked.',
        withdraw: 'One synchronous REST call to Billing, which owns the money: the answer tells you at once whether it worked.',
        order: 'The gateway forwards the order to Order over REST.',
      },
    }),
    sides: {
      gateway(w) {
        return { commands: restCommands(w.http) };
      },
    },
  },
  broker: {
    declare: (v) => {
      const c = commandsOf(v);
      const restLinks = (['accountOpening', 'payment', 'orderOutcome', 'reservation', 'dispatch'] as const).filter((l) => linkOf(v, l) === 'rest');
      return {
        refuses: restLinks.length
          ? [{ field: 'commands', reason: `commands over the broker need every link to be an event (links.${restLinks[0]} is rest): the gateway waits for the reply event of a chain that a REST link would answer elsewhere` }]
          : [],
        sends: { gateway: [c.register.command, c.deposit.command, c.withdraw.command, c.order.command], identity: [c.register.failed], billing: [c.deposit.failed, c.withdraw.failed, c.deposit.ok, c.withdraw.ok], order: [c.order.rejected] },
        routes: { billing: { DepositMade: { messages: [c.deposit.ok] }, WithdrawalMade: { messages: [c.withdraw.ok] } }, order: { OrderAnswerDue: { messages: [c.order.answered] } } },
        consumes: {
          identity: [c.register.command],
          billing: [c.deposit.command, c.withdraw.command],
          order: [c.order.command],
          gateway: [c.register.ok, c.register.failed, c.deposit.ok, c.deposit.failed, c.withdraw.ok, c.withdraw.failed, c.order.ok, c.order.failed, c.order.answered, c.order.rejected],
        },
        calls: v.events === 'thin' ? [{ from: 'gateway', to: 'identity', call: 'GET /users/{id}' }] : [],
        ports: { gateway: ['commands'] },
        explain: {
          register: `The gateway puts ${c.register.command} on the broker and holds your request open until ${c.register.ok} (or ${c.register.failed}) comes back with the same correlation id.${v.events === 'thin' ? ' The event is thin, so the gateway asks Identity for the user before answering.' : ''}`,
          deposit: `The gateway sends ${c.deposit.command} through the broker and waits for the success or failure event; Billing applies it exactly once.`,
          withdraw: `The gateway sends ${c.withdraw.command} through the broker and waits for the success or failure event; Billing applies it exactly once.`,
          order: `The gateway sends ${c.order.command} through the broker and waits for ${c.order.ok} or ${c.order.failed}.`,
        },
      };
    },
    sides: {
    gateway(w) {
      return { commands: brokerCommands(w.bus, w.http, w.variant, w.commandTimeoutMs) };
    },
    async identity(w) {
      await w.bus.subscribe([COMMANDS.register.command], (form, _delivery, trace) =>
        replying(trace, w.store, COMMANDS.register.failed, () => w.flow.register(trace, validate(registrationForm, form))),
      );
    },
    async billing(w) {
      w.relay.route('DepositMade', ({ userId }) => ({ type: COMMANDS.deposit.ok, data: { userId } }));
      w.relay.route('WithdrawalMade', ({ userId }) => ({ type: COMMANDS.withdraw.ok, data: { userId } }));
      await w.bus.subscribe([COMMANDS.deposit.command, COMMANDS.withdraw.command], ({ userId, amountCents, idempotencyKey }, delivery, trace) => {
        const kind: Movement = delivery.type === COMMANDS.deposit.command ? 'deposit' : 'withdraw';
        const reply = COMMANDS[kind];
        // One write: the movement (or its stored outcome), the inbox record and the reply.
        w.store.write(trace, () => {
          const outcome = w.service.move(trace, kind, userId, amountCents, idempotencyKey);
          if (outcome.status >= 400) w.store.send(reply.failed, errorBody(outcome.status, outcome.message ?? 'refused'), { aggregate: userId });
          // A repeat moves no money and raises no DepositMade / WithdrawalMade: its stored success is answered here.
          else if (outcome.replayed) w.store.send(reply.ok, { userId }, { aggregate: userId });
        });
      });
    },
    async order(w) {
      // A repeat of an order (same Idempotency-Key) is answered from the stored order: at once when it is settled, else when it settles.
      w.relay.route('OrderAnswerDue', (o: Order) => ({ type: COMMANDS.order.answered, data: orderAnswer(o) }));
      await w.bus.subscribe([COMMANDS.order.command], (command, _delivery, trace) =>
        replying(trace, w.store, COMMANDS.order.rejected, () => {
          const { userId, priceCents, idempotencyKey, items, address } = validate(orderCommand, command);
          return w.flow.place(trace, userId, priceCents, idempotencyKey, trace.correlationId, items && address ? { items, address } : undefined);
        }),
      );
    },
    },
  },
};
