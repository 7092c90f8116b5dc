import type { Note } from '../note.js';
import type { NotificationService, OrderFacts, Recipient, StoredNotification } from './notification-service.js';

/** Where notification learns who a user is; the variant decides: ask identity (REST) or its own copy. */
export interface NotificationPorts {
  /** The user, or undefined when it cannot be known now (no copy yet, identity unreachable): the outcome then waits. */
  recipient(userId: string): Promise<Recipient | undefined>;
}

/** What became of an order's outcome: sent (stored), or waiting for its recipient. */
export type NotifyResult = { notification: StoredNotification } | { waiting: true; orderId: string };

/** Tells a user how their order went. */
export class NotificationFlow {
  constructor(
    private readonly notifications: NotificationService,
    private readonly ports: NotificationPorts,
    private readonly note: Note,
  ) {}

  /** Sends the message about an order once; without a recipient yet, keeps it waiting (in the same write as the delivery's inbox record). */
  async orderSettled(facts: OrderFacts): Promise<NotifyResult> {
    const recipient = await this.ports.recipient(facts.userId);
    if (!recipient) {
      const { notification } = this.notifications.awaitRecipient(facts);
      if (notification) return { notification };
      this.note('notification waits for its recipient');
      return { waiting: true, orderId: facts.orderId };
    }
    const { notification, created } = this.notifications.notifyOrder(facts, recipient);
    if (created) this.note('notification stored and sent');
    return { notification };
  }

  /** Sends the waiting outcomes whose recipient can be found now; returns the ids of their orders. */
  async retryWaiting(): Promise<string[]> {
    const sent: string[] = [];
    for (const facts of this.notifications.waitingFor()) {
      const recipient = await this.ports.recipient(facts.userId);
      if (!recipient) continue;
      if (this.notifications.notifyOrder(facts, recipient).created) sent.push(facts.orderId);
    }
    return sent;
  }
}
