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
        return {
          recipient: async (trace, userId) => {
            try {
              return await w.http.expect(trace, 'identity', 'GET', `/users/${userId}`);
            } catch (error) {
              // Identity away (or not knowing the user yet): the outcome waits, and the recovery pass asks again.
              if (error instanceof AppError) return undefined;
              throw error;
            }
          },
        };
      },
    },
  },
  copy: {
    declare: (v) => ({
      refuses: [
        ...(v.links.accountOpening !== 'event' ? [{ field: 'links.recipient', reason: 'a copy of users needs UserCreated events (links.accountOpening: event)' }] : []),
        ...(v.events === 'thin' ? [{ field: 'links.recipient', reason: 'thin events carry no user to copy (events: full)' }] : []),
      ],
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
        await w.bus.subscribe([eventName(w.variant, 'UserCreated')], (user: User, _delivery, trace) => {
          w.service.keepProfile(trace, user);
        });
        // No copy yet (UserCreated still on its way): the outcome waits in notification's own database.
        return { recipient: async (_trace, userId) => w.service.profile(userId) };
      },
    },
  },
};
