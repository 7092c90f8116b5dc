import { eventName, type Variant } from '../variants/variant.js';

/** The kinds of client action the walk explains. */
export type ActionKind = 'register' | 'login' | 'deposit' | 'withdraw' | 'order' | 'read';

/**
 * What this style does for an action, and why, in two or three sentences. Written from the
 * variant's own declaration (which link is REST, which is an event), so it always says what runs.
 */
export function styleNote(variant: Variant, kind: ActionKind): string {
  const { commands, events, links } = variant;
  const viaBroker = commands === 'broker';
  const thin = events === 'thin';
  switch (kind) {
    case 'register': {
      const gateway = viaBroker
        ? 'The gateway puts RegistrationRequested on the broker and holds your request open until UserCreated (or RegistrationFailed) comes back with the same correlation id.'
        : 'The gateway forwards the form to Identity over REST.';
      const account =
        links.accountOpening === 'rest'
          ? 'Identity calls Billing (PUT /accounts) before it answers, so the account exists when you get 201 — but if Billing is down, registration fails.'
          : `Identity announces UserCreated${thin ? ' (just the id)' : ' (the whole user)'}; Billing opens the account when it consumes it, which may be after you got your answer: the account race.`;
      const copy = links.recipient === 'copy' ? ' Notification keeps its own copy of the user from the same event.' : '';
      const readBack = viaBroker && thin ? ' The event is thin, so the gateway asks Identity for the user before answering.' : '';
      return `${gateway} ${account}${copy}${readBack}`;
    }
    case 'login':
      return 'Login is a plain REST call in every style: the gateway forwards it to Identity, which checks the scrypt hash and signs a JWT.';
    case 'deposit':
    case 'withdraw':
      return viaBroker
        ? `The gateway sends ${kind === 'deposit' ? 'DepositRequested' : 'WithdrawRequested'} through the broker and waits for the success or failure event; Billing applies it exactly once.`
        : 'One synchronous REST call to Billing, which owns the money: the answer tells you at once whether it worked.';
    case 'order': {
      const entry = viaBroker
        ? 'The gateway sends CreateOrder through the broker and waits for OrderCreated or OrderFailed.'
        : links.payment === 'rest'
          ? 'The gateway forwards the order to Order over REST, and the whole chain runs while you wait.'
          : 'Order stores the order as pending and answers 202 at once; the rest happens after, and you poll the order to learn how it ended.';
      const told =
        links.orderOutcome === 'rest'
          ? 'then, right after the commit and while you wait, Notification (POST /notifications), which asks Identity who you are: a slow one delays your answer; a stopped one no longer fails a paid order, the call waits in Order\'s outbox and is made when Notification is back.'
          : `then announces ${eventName(variant, 'OrderCreated')} or ${eventName(variant, 'OrderFailed')} and answers you at once; Notification consumes the event after your answer${links.recipient === 'rest' ? ' and asks Identity who you are' : ', from its own copy of the user'}, so a slow or stopped Notification never delays or fails your order.`;
      const payment =
        links.payment === 'rest'
          ? `Order calls Billing (POST /payments) — a stopped Billing fails your order — ${told}`
          : thin
            ? 'Order announces PaymentRequired with only the id; Billing calls Order back for the amount, then announces PaymentCreated or PaymentFailed; Notification calls Order and Identity back for the details.'
            : 'Order announces CreatePayment with everything Billing needs; Billing answers with PaymentCreated or PaymentFailed; Notification writes the message from its own copy of the user — nobody calls anybody.';
      return `${entry} ${payment}`;
    }
    default:
      return 'Reads are REST calls to the service that owns the data, in every style.';
  }
}
