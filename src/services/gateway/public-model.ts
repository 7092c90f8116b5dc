import { fromCents } from '../../core/money.js';

/** Internal (cents) bodies turned into the public API's shapes (decimal money). */
export const publicModel = {
  order: (o: any) =>
    o && {
      id: o.id,
      price: fromCents(o.priceCents),
      status: o.saga?.state ?? o.status,
      ...(o.reason ? { reason: o.reason } : {}),
      ...(o.saga ? { items: o.saga.items, address: o.saga.address, history: o.saga.history } : {}),
      createdAt: o.createdAt,
      updatedAt: o.updatedAt,
    },
  account: (a: any) => ({ amount: fromCents(a.amountCents), createdAt: a.createdAt, updatedAt: a.updatedAt }),
  notification: (n: any) => ({ id: n.id, message: n.message, ...(n.orderId ? { orderId: n.orderId } : {}), createdAt: n.createdAt }),
};
