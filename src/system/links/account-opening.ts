import type { User } from '../../services/identity/identity-service.js';
import { events, type UserCreated } from '../events.js';
import { eventName } from '../../variants/variant.js';
import type { Link } from '../wiring.js';

/** Identity → Billing: the account of a new user. */
export const accountOpening: Link<'rest' | 'event'> = {
  rest: {
    declare: () => ({
      routes: { identity: { UserRegistered: { to: 'billing', call: 'PUT /accounts/{id}' } } },
      ports: { identity: ['userRegistered'] },
      explain: { register: 'Identity calls Billing (PUT /accounts) before it answers, so the account exists when you get 201 — but if Billing is down, registration fails.' },
    }),
    sides: {
      identity(w) {
        // The call leaves through identity's outbox (written with the user); registration makes it at once
        // and is undone when it fails. Cut off in between, the relay makes it after the restart (PUT is idempotent).
        w.relay.call('UserRegistered', (user: User) => ({ to: 'billing', method: 'PUT', path: `/accounts/${user.id}` }));
        return { userRegistered: (_trace, user) => w.relay.deliverNow(user.id) };
      },
    },
  },
  event: {
    declare: (v) => ({
      routes: { identity: { UserRegistered: { messages: [eventName(v, 'UserCreated')] } } },
      consumes: { billing: [eventName(v, 'UserCreated')] },
      explain: {
        register: `Identity announces ${eventName(v, 'UserCreated')}${v.events === 'thin' ? ' (just the id)' : ' (the whole user)'}; Billing opens the account when it consumes it, which may be after you got your answer: the account race.`,
      },
    }),
    sides: {
      identity(w) {
        w.relay.route('UserRegistered', (user: User) => ({ type: eventName(w.variant, 'UserCreated'), data: events.userCreated(w.variant.events, user) }));
      },
      async billing(w) {
        await w.bus.subscribe([eventName(w.variant, 'UserCreated')], (e: UserCreated, _delivery, trace) => {
          w.service.openAccount(trace, events.userIdOf(e));
        });
      },
    },
  },
};
