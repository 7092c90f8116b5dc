import { defineVariant } from './variant.js';

/**
 * Events carry the full state; no REST between services. Each service keeps its own
 * copy of what it needs (Notification keeps every user's profile from UserCreated).
 */
export default defineVariant({
  name: 'event-collaboration',
  summary: 'events carry the full state, no REST between services',
  commands: 'broker', //          Gateway ~> RegistrationRequested / CreateOrder / ..., waits for the reply event
  events: 'full', //              events carry what their consumers need
  links: {
    accountOpening: 'event', //   Identity ~> UserCreated {user} ~~ Billing, Notification, Gateway
    payment: 'event', //          Order ~> CreatePayment ~~ Billing ~> PaymentCreated | PaymentFailed
    orderOutcome: 'event', //     Order ~> OrderCreated | OrderFailed {order} ~~ Notification, Gateway
    recipient: 'copy', //         Notification reads its own copy of the user
  },
});
