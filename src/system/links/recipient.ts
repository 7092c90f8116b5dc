import { AppError } from '../../core/errors.js';
import type { User } from '../../services/identity/identity-service.js';
import { eventName } from '../../variants/variant.js';
import type { Link } from '../wiring.js';

/** Notification → Identity: who a user is, asked each time or kept as a copy. */
export const recipient: Link<'rest' | 'copy'> = {
  rest: {
    declare: () => ({
      calls: [{ from: 'notification', to: 'identity', call: 'GET /users/{id}' }],
      ports: { notification: ['recipient'] },
      explain: { order: 'Notification asks Identity who you are (GET /users/{id}) before it writes the message.' },
    }),
    sides: {
      notification(w) {
        w.ports.notification.recipient = async (userId) => {
          try {
            return await w.http.notification.expect('identity', 'GET', `/users/${userId}`);
          } catch (error) {
            // Identity away (or not knowing the user yet): the outcome waits, and the recovery pass asks again.
            if (error instanceof AppError) return undefined;
            throw error;
          }
        };
      },
    },
  },
  copy: {
    declare: (v) => ({
      consumes: { notification: [eventName(v, 'UserCreated')] },
      ports: { notification: ['recipient'] },
      explain: {
        register: ` Notification keeps its own copy of the user from the same ${eventName(v, 'UserCreated')} event.`,
        order: 'Notification writes the message from its own copy of the user: it asks nobody.',
      },
    }),
    sides: {
      async notification(w) {
        // The copy and whatever waited for it are written together.
        await w.bus.notification.subscribe([eventName(w.variant, 'UserCreated')], (user: User) => {
          w.services.notification.keepProfile(user);
        });
        // No copy yet (UserCreated still on its way): the outcome waits in notification's own database.
        w.ports.notification.recipient = async (userId) => w.services.notification.profile(userId);
      },
    },
  },
};
