import type { Note } from '../note.js';
import type { TraceContext } from '../../tracing/context.js';
import type { IdentityService, RegistrationForm, User } from './identity-service.js';

/** Identity's synchronous follow-ups, where the variant makes a link a REST call (events leave through the outbox). */
export interface IdentityPorts {
  /** Tells billing about the new user before registration answers. */
  userRegistered?(trace: TraceContext | undefined, user: User): Promise<void>;
}

/** Registration: create the user, then let the others know. Undone when the follow-up fails. */
export class RegistrationFlow {
  constructor(
    private readonly identity: IdentityService,
    private readonly ports: IdentityPorts,
    private readonly note: Note,
  ) {}

  /** Registers a user as part of `trace`'s work. */
  async register(trace: TraceContext | undefined, form: RegistrationForm): Promise<User> {
    const user = await this.identity.register(trace, form);
    this.note(trace, 'user created');
    try {
      await this.ports.userRegistered?.(trace, user);
    } catch (error) {
      this.identity.remove(trace, user.id);
      this.note(trace, 'user removed again');
      throw error;
    }
    return user;
  }
}
