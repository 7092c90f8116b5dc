import type { Link } from '../wiring.js';

/**
 * Gateway → every service: reads, logins and the saga's customer commands, REST in every style; and
 * what no other service needs to hear of (billing keeps its refunds in its own ledger).
 */
export const queries: Link<'rest'> = {
  rest: {
    declare: () => ({
      calls: [
        { from: 'gateway', to: 'identity', call: 'POST /login' },
        { from: 'gateway', to: 'identity', call: 'GET /users/{id}' },
        { from: 'gateway', to: 'identity', call: 'PUT /users/{id}' },
        { from: 'gateway', to: 'billing', call: 'GET /accounts/{id}' },
        { from: 'gateway', to: 'order', call: 'GET /orders' },
        { from: 'gateway', to: 'order', call: 'GET /orders/{id}' },
        { from: 'gateway', to: 'order', call: 'POST /orders/{id}/cancel' },
        { from: 'gateway', to: 'notification', call: 'GET /notifications' },
        { from: 'gateway', to: 'stock', call: 'GET /items' },
        { from: 'gateway', to: 'delivery', call: 'GET /zones' },
        { from: 'gateway', to: 'order', call: 'POST /orders/{id}/received' },
      ],
      absorbs: { billing: { PaymentRefunded: 'billing keeps it in its own ledger; no other service needs to hear of it' } },
      explain: {
        login: 'Login is a plain REST call in every style: the gateway forwards it to Identity, which checks the scrypt hash and signs a JWT.',
        read: 'Reads are REST calls to the service that owns the data, in every style.',
      },
    }),
    sides: {},
  },
};
