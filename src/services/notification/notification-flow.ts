import type { Note } from '../note.js';
import type { TraceContext } from '../../tracing/context.js';
import type { NotificationService, OrderFacts, Recipient, StoredNotification } from './notification-service.js';

/** Where notification learns who a user is; the variant decides: ask identity (REST) or its own copy. */
export interface NotificationPorts {
  /** The user, or undefined when it cannot be known now (no copy yet, identity unreachable): the outcome then waits. */
  recipient(trace: TraceContext | undefined, userId: string): Promise<Recipient | undefined>;
  /** With thin events: the facts of a settled order, read from its owner; undefined when they cannot be read now. */
  orderDetails?(trace: TraceContext | undefined, orderId: string): Promise<OrderFacts | undefined>;
}

/** What became of an order's outcome: sent (stored), or waiting for its recipient. */
export type NotifyResult = { notification: StoredNotification } | { waiting: true; orderId: string };

/** Tells a user how their order went; each method works as part of the `trace` it is given. */
export class NotificationFlow {
  constructor(
    private readonly notifications: NotificationService,
    private readonly ports: NotificationPorts,
    private readonly note: Note,
  ) {}

  /** Sends the message about an order once; without a recipient yet, keeps it waiting (in the same write as the delivery's inbox record). */
  async orderSettled(trace: TraceContext | undefined, facts: OrderFacts): Promise<NotifyResult> {
    const recipient = await this.ports.recipient(trace, facts.userId);
    if (!recipient) {
      const { notification } = this.notifications.awaitRecipient(trace, facts);
      if (notification) return { notification };
      this.note(trace, 'notification waits for its recipient');
      return { waiting: true, orderId: facts.orderId };
    }
    const { notification, created } = this.notifications.notifyOrder(trace, facts, recipient);
    if (created) this.note(trace, 'notification stored and sent');
    return { notification };
  }

  /** An order settled and only its id is known (thin events): reads its details and tells the user, or keeps the id to read them later. */
  async orderSettledById(trace: TraceContext | undefined, orderId: string): Promise<NotifyResult> {
    const facts = await this.ports.orderDetails?.(trace, orderId);
    if (!facts) {
      this.notifications.awaitDetails(trace, orderId);
      this.note(trace, "notification waits for the order's details");
      return { waiting: true, orderId };
    }
    return this.orderSettled(trace, facts);
  }

  /** Sends the waiting outcomes whose details and recipient can be found now; returns the ids of their orders. */
  async retryWaiting(trace: TraceContext | undefined): Promise<string[]> {
    const sent: string[] = [];
    for (const orderId of this.notifications.waitingForDetails()) {
      const facts = await this.ports.orderDetails?.(trace, orderId);
      if (!facts) continue;
      const result = await this.orderSettled(trace, facts);
      this.notifications.detailsRead(trace, orderId);
      if ('notification' in result) sent.push(orderId);
    }
    for (const facts of this.notifications.waitingFor()) {
      const recipient = await this.ports.recipient(trace, facts.userId);
      if (!recipient) continue;
      if (this.notifications.notifyOrder(trace, facts, recipient).created) sent.push(facts.orderId);
    }
    return sent;
  }
}
