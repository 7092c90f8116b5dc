import type { User } from '../../services/identity/identity-service.js';
import { events, type UserCreated } from '../events.js';
import { eventName } from '../../variants/variant.js';
import type { Link } from '../wiring.js';

/** Identity → Billing: the account of a new user. */
export const accountOpening: Link<'rest' | 'event'> = {
  rest: {
    identity(w) {
      // The call leaves through identity's outbox (written with the user); registration makes it at once
      // and is undone when it fails. Cut off in between, the relay makes it after the restart (PUT is idempotent).
      w.relay.identity.call('UserRegistered', (user: User) => ({ to: 'billing', method: 'PUT', path: `/accounts/${user.id}` }));
      w.ports.identity.userRegistered = (user) => w.relay.identity.deliverNow(user.id);
    },
  },
  event: {
    identity(w) {
      w.relay.identity.route('UserRegistered', (user: User) => ({ type: eventName(w.variant, 'UserCreated'), data: events.userCreated(w.variant.events, user) }));
    },
    async billing(w) {
      await w.bus.billing.subscribe([eventName(w.variant, 'UserCreated')], (e: UserCreated) => {
        w.services.billing.openAccount(events.userIdOf(e));
      });
    },
  },
};
