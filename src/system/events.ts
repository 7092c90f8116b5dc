import type { User } from '../services/identity/identity-service.js';
import type { Payment } from '../services/billing/billing-service.js';
import { settledStatus, type Order } from '../services/ordering/ordering-service.js';
import { eventName, type Variant } from '../variants/variant.js';

/** What an event carries: `thin` = ids (consumers call the owner back), `full` = the state consumers need. */
export type EventStyle = 'thin' | 'full';

/** Payload of UserCreated. */
export type UserCreated = { userId: string } | User;

/** Payload of PaymentCreated / PaymentFailed. */
export type PaymentSettled = { orderId: string; reason?: string } | { paymentId: string; userId: string; amountCents: number; reason?: string };

/** Payload of OrderCreated / OrderFailed. */
export type OrderSettled = { orderId: string; reason?: string } | (Omit<Order, 'id' | 'updatedAt'> & { orderId: string });

/** The message contract in one place: type names and payloads, thin or full. */
export const events = {
  userCreated: (style: EventStyle, user: User): UserCreated => (style === 'thin' ? { userId: user.id } : user),
  userIdOf: (e: UserCreated): string => ('userId' in e ? e.userId : e.id),
  paymentRequest: (style: EventStyle, order: Order) =>
    style === 'thin'
      ? { type: 'PaymentRequired', data: { orderId: order.id } }
      : { type: 'CreatePayment', data: { paymentId: order.id, userId: order.userId, amountCents: order.priceCents } },
  paymentSettled: (variant: Pick<Variant, 'events' | 'names'>, payment: Payment): { type: string; data: PaymentSettled } => ({
    type: eventName(variant, payment.status === 'succeeded' ? 'PaymentCreated' : 'PaymentFailed'),
    data:
      variant.events === 'thin'
        ? { orderId: payment.id, ...(payment.reason ? { reason: payment.reason } : {}) }
        : { paymentId: payment.id, userId: payment.userId, amountCents: payment.amountCents, ...(payment.reason ? { reason: payment.reason } : {}) },
  }),
  paymentIdOf: (e: PaymentSettled): string => ('orderId' in e ? e.orderId : e.paymentId),
  orderSettled: (variant: Pick<Variant, 'events' | 'names'>, order: Order): { type: string; data: OrderSettled } => {
    const { id, updatedAt: _updated, ...rest } = order;
    return {
      type: eventName(variant, settledStatus(order) === 'succeeded' ? 'OrderCreated' : 'OrderFailed'),
      data: variant.events === 'thin' ? { orderId: id, ...(order.reason ? { reason: order.reason } : {}) } : { orderId: id, ...rest },
    };
  },
} as const;
