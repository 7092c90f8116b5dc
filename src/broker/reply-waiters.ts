import { AppError } from '../core/errors.js';
import { HEADERS, type Message, type RequestOptions } from './transport.js';

interface Waiter {
  correlationId: string;
  types: string[];
  resolve: (message: Message) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Requests waiting for their reply, matched by correlation id and reply type; every transport keeps one. */
export class ReplyWaiters {
  private readonly waiters = new Set<Waiter>();

  /** Waits for the reply to `request`; `send` puts the request on the broker once the wait is registered. */
  wait(request: Message, options: RequestOptions, send: () => Promise<void>): Promise<Message> {
    const correlationId = request.headers[HEADERS.correlationId];
    if (!correlationId) return Promise.reject(new AppError('INTERNAL', `request ${request.type} has no ${HEADERS.correlationId} header`));
    return new Promise<Message>((resolve, reject) => {
      const waiter: Waiter = {
        correlationId,
        types: options.replyTypes,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new AppError('REPLY_TIMEOUT', `no ${options.replyTypes.join(' / ')} reply to ${request.type} within ${options.timeoutMs} ms`));
        }, options.timeoutMs),
      };
      this.waiters.add(waiter);
      send().catch((error) => {
        if (!this.waiters.delete(waiter)) return;
        clearTimeout(waiter.timer);
        reject(error);
      });
    });
  }

  /** Hands `message` (a copy of it) to every wait it answers. */
  answer(message: Message): void {
    for (const waiter of this.waiters) {
      if (waiter.correlationId !== message.headers[HEADERS.correlationId] || !waiter.types.includes(message.type)) continue;
      this.waiters.delete(waiter);
      clearTimeout(waiter.timer);
      const copy = structuredClone(message);
      setImmediate(() => waiter.resolve(copy));
    }
  }

  /** The transport is closing: every wait ends with TRANSPORT_CLOSED. */
  closeAll(): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new AppError('TRANSPORT_CLOSED', 'the broker was closed before the reply arrived'));
    }
    this.waiters.clear();
  }
}
