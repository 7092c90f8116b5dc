import type { Note } from '../note.js';
import type { IdentityService, RegistrationForm, User } from './identity-service.js';

/** Identity's synchronous follow-ups, where the variant makes a link a REST call (events leave through the outbox). */
export interface IdentityPorts {
  /** Tells billing about the new user before registration answers. */
  userRegistered?(user: User): Promise<void>;
}

/** Registration: create the user, then let the others know. Undone when the follow-up fails. */
export class RegistrationFlow {
  constructor(
    private readonly identity: IdentityService,
    private readonly ports: IdentityPorts,
    private readonly note: Note,
  ) {}

  async register(form: RegistrationForm): Promise<User> {
    const user = await this.identity.register(form);
    this.note('user created');
    try {
      await this.ports.userRegistered?.(user);
    } catch (error) {
      this.identity.remove(user.id);
      this.note('user removed again');
      throw error;
    }
    return user;
  }
}
