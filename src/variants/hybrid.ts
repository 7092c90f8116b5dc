import { defineVariant } from './variant.js';

/**
 * Simple operations synchronous, complex ones asynchronous: the gateway is a plain proxy,
 * deposit and withdraw are one REST call, registration and ordering finish through events
 * (an order is answered 202 pending; the client polls it).
 */
export default defineVariant({
  name: 'hybrid',
  summary: 'simple operations synchronous, registration and ordering asynchronous (202 + polling)',
  commands: 'rest', //            Client => Gateway => owner service; never the broker
  events: 'full', //              events carry what their consumers need
  links: {
    accountOpening: 'event', //   Identity ~> UserCreated {user} ~~ Billing, Notification (after answering 201)
    payment: 'event', //          Order answers 202, ~> CreatePayment ~~ Billing ~> PaymentCreated | PaymentFailed
    orderOutcome: 'event', //     Order ~> OrderCreated | OrderFailed {order} ~~ Notification
    recipient: 'copy', //         Notification reads its own copy of the user
  },
});
