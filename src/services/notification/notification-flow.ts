import type { Note } from '../note.js';
import type { NotificationService, OrderFacts, Recipient, StoredNotification } from './notification-service.js';

/** Where notification learns who a user is; the variant decides: ask identity (REST) or its own copy. */
export interface NotificationPorts {
  recipient(userId: string): Promise<Recipient>;
}

/** Tells a user how their order went. */
export class NotificationFlow {
  constructor(
    private readonly notifications: NotificationService,
    private readonly ports: NotificationPorts,
    private readonly note: Note,
  ) {}

  async orderSettled(facts: OrderFacts): Promise<StoredNotification> {
    const recipient = await this.ports.recipient(facts.userId);
    const { notification, created } = this.notifications.notifyOrder(facts, recipient);
    if (created) this.note('notification stored and sent');
    return notification;
  }
}
