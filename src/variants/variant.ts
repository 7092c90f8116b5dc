import type { EventStyle } from '../system/events.js';

/** How one link between two services is made: a synchronous REST call or an event on the broker. */
export type LinkStyle = 'rest' | 'event';

/** The whole shape of an interaction style: which link is REST, which is an event, who keeps copies. */
export interface Variant {
  name: string;
  /** One line for listings. */
  summary: string;
  /** Client-facing commands (register, deposit, withdraw, order): the gateway calls the owner over REST, or sends a command event and waits for the reply event. */
  commands: 'rest' | 'broker';
  /** What events carry: ids only (consumers call back over REST) or the state they need. */
  events: EventStyle;
  links: {
    /** Identity → Billing: opening the account of a new user. */
    accountOpening: LinkStyle;
    /** Order → Billing: charging an order. */
    payment: LinkStyle;
    /** Order → Notification: telling how an order ended. */
    orderOutcome: LinkStyle;
    /** Notification → Identity: who the user is; `copy` = notification keeps its own copy from UserCreated. */
    recipient: 'rest' | 'copy';
  };
}

/**
 * Checks that a variant's choices fit together and returns it. Every combination it accepts keeps
 * the exactly-once promise (each link's REST follow-up leaves through the outbox, each event
 * consumer writes once with its inbox record): test/e2e/exactly-once-combinations.test.ts boots
 * every accepted combination with every message delivered twice.
 */
export function defineVariant(variant: Variant): Variant {
  const { commands, links, events } = variant;
  const problems: string[] = [];
  const eventLinks = [links.accountOpening, links.payment, links.orderOutcome];
  if (commands === 'broker' && eventLinks.includes('rest')) problems.push('commands over the broker need every link to be an event');
  if (links.recipient === 'copy' && links.accountOpening !== 'event') problems.push('a copy of users needs UserCreated events');
  if (links.recipient === 'copy' && events === 'thin') problems.push('thin events carry no user to copy');
  if (problems.length) throw new Error(`variant ${variant.name}: ${problems.join('; ')}`);
  return Object.freeze(variant);
}

/** Does this style put anything on the broker? (`http` never does, so it needs none.) */
export function usesBroker(variant: Variant): boolean {
  const { commands, links } = variant;
  return commands === 'broker' || [links.accountOpening, links.payment, links.orderOutcome].includes('event') || links.recipient === 'copy';
}
