import { defineVariant } from './variant.js';

/**
 * Every call synchronous REST. The client waits while the order is paid and the
 * notification is sent; response time is the sum of every hop.
 */
export default defineVariant({
  name: 'http',
  summary: 'every call synchronous REST',
  commands: 'rest', //            Client => Gateway => owner service
  events: 'full', //              (no events are published)
  links: {
    accountOpening: 'rest', //    Identity => Billing PUT /accounts/{userId}
    payment: 'rest', //           Order => Billing POST /payments
    orderOutcome: 'rest', //      Order => Notification POST /notifications
    recipient: 'rest', //         Notification => Identity GET /users/{id}
  },
});
