import type { User } from '../../services/identity/identity-service.js';
import type { Link } from '../wiring.js';

/** Notification → Identity: who a user is, asked each time or kept as a copy. */
export const recipient: Link<'rest' | 'copy'> = {
  rest(w) {
    w.ports.notification.recipient = (userId) => w.http.notification.expect('identity', 'GET', `/users/${userId}`);
  },
  async copy(w) {
    await w.bus.notification.subscribe(['UserCreated'], (user: User) => {
      w.services.notification.keepProfile(user);
    });
    w.ports.notification.recipient = async (userId) => {
      const profile = w.services.notification.profile(userId);
      // No copy yet: UserCreated is still on its way. Throwing nacks the event; the broker redelivers it later.
      if (!profile) throw new Error(`no copy of user ${userId} yet`);
      return profile;
    };
  },
};
