import pLimit from 'p-limit';
import type { ApiClient } from '../scenarios/api-client.js';
import type { Percentiles } from './bench-protocol.js';
import { percentilesOf } from './percentiles.js';

/** What every load request orders (the probes order 0.01, so the load's orders are told apart from theirs). */
export const LOAD_ORDER = { price: 1 } as const;

/** The load's orders as the services' own records show them. */
export interface OrderOutcomes {
  /** Orders of the load placed in the window that reached a final status, and per second from the window's start to the last of them. */
  completed: number;
  completedPerSecond: number;
  /** Every order placed since `since` that reached a final status, the probes' (other prices) included: what the system's CPU in the window was spent on. */
  finalInWindow: number;
  /** From the order service recording the order to its final status, and to its stored notification. */
  toFinalMs: Percentiles;
  toNotificationMs: Percentiles;
}

interface OrderRecord {
  id: string;
  price: number;
  status: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Reads back, through the public API, every order the load placed since `since` (epoch ms) and each one's
 * notification, once the system is quiet: all of them, however long the run (not a bounded recording).
 */
export async function orderOutcomes(api: ApiClient, tokens: string[], since: number): Promise<OrderOutcomes> {
  const limit = pLimit(8);
  const perUser = await Promise.all(
    tokens.map((token) =>
      limit(async () => {
        const [orders, notifications] = await Promise.all([api.send('orders', 'GET', '/ordering/orders', { token }), api.send('notifications', 'GET', '/notifications', { token })]);
        if (orders.status !== 200 || notifications.status !== 200) throw new Error(`reading a bench customer's orders answered ${orders.status}, notifications ${notifications.status}`);
        return { orders: orders.body as OrderRecord[], notified: new Map((notifications.body as { orderId: string; createdAt: string }[]).map((n) => [n.orderId, Date.parse(n.createdAt)])) };
      }),
    ),
  );
  api.actions.length = 0;
  api.history.length = 0;
  const toFinal: number[] = [];
  const toNotification: number[] = [];
  let lastFinal = since;
  let finalInWindow = 0;
  for (const { orders, notified } of perUser) {
    for (const order of orders) {
      const created = Date.parse(order.createdAt);
      if (created < since || order.status === 'pending') continue;
      finalInWindow++;
      if (order.price !== LOAD_ORDER.price) continue;
      const final = Date.parse(order.updatedAt);
      toFinal.push(final - created);
      lastFinal = Math.max(lastFinal, final);
      const notification = notified.get(order.id);
      if (notification !== undefined) toNotification.push(notification - created);
    }
  }
  return {
    completed: toFinal.length,
    completedPerSecond: toFinal.length / Math.max(0.001, (lastFinal - since) / 1000),
    finalInWindow,
    toFinalMs: percentilesOf(toFinal),
    toNotificationMs: percentilesOf(toNotification),
  };
}
