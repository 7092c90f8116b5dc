import { defineVariant } from './variant.js';

/**
 * Thin events on the broker; consumers call the owner back over REST for state.
 * The gateway turns commands into events and holds the client's request until the reply event.
 */
export default defineVariant({
  name: 'event-notification',
  summary: 'thin events on a broker, consumers call back over REST for state',
  commands: 'broker', //          Gateway ~> RegistrationRequested / CreateOrder / ..., waits for the reply event
  events: 'thin', //              events carry ids; Billing and Notification => Order GET /orders/{id}
  links: {
    accountOpening: 'event', //   Identity ~> UserCreated {userId} ~~ Billing
    payment: 'event', //          Order ~> PaymentRequired {orderId} ~~ Billing ~> PaymentCreated | PaymentFailed
    orderOutcome: 'event', //     Order ~> OrderCreated | OrderFailed {orderId} ~~ Notification, Gateway
    recipient: 'rest', //         Notification => Identity GET /users/{id}
  },
});
