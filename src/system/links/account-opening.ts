import type { User } from '../../services/identity/identity-service.js';
import { events, type UserCreated } from '../events.js';
import type { Link } from '../wiring.js';

/** Identity → Billing: the account of a new user. */
export const accountOpening: Link<'rest' | 'event'> = {
  rest(w) {
    w.ports.identity.userRegistered = async (user) => {
      await w.http.identity.expect('billing', 'PUT', `/accounts/${user.id}`);
    };
  },
  async event(w) {
    w.relay.identity.route('UserRegistered', (user: User) => ({ type: 'UserCreated', data: events.userCreated(w.variant.events, user) }));
    await w.bus.billing.subscribe(['UserCreated'], (e: UserCreated) => {
      w.services.billing.openAccount(events.userIdOf(e));
    });
  },
};
