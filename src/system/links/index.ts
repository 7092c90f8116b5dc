import type { ServiceName, Side, Wiring } from '../wiring.js';
import { accountOpening } from './account-opening.js';
import { commands } from './commands.js';
import { orderOutcome } from './order-outcome.js';
import { payment } from './payment.js';
import { push } from './push.js';
import { recipient } from './recipient.js';
import { saga } from './choreography.js';
import { dispatch, reservation } from './saga-steps.js';
import { linkOf } from '../../variants/variant.js';

/** Every link as the variant declares it, as the sides each service plays in it. */
export function linkSides(variant: Wiring['variant']): Partial<Record<ServiceName, Side>>[] {
  const { links } = variant;
  const steps = variant.saga === 'choreography' ? [saga.choreography] : [reservation[linkOf(variant, 'reservation') as 'rest' | 'event'], dispatch[linkOf(variant, 'dispatch') as 'rest' | 'event']];
  return [recipient[links.recipient], accountOpening[links.accountOpening], payment[links.payment], orderOutcome[links.orderOutcome], ...steps, commands[variant.commands], push[variant.push ?? 'none']];
}

/** Makes every link the way the variant declares it, wiring only the sides of the services this process runs. */
export async function wireLinks(w: Wiring, local: readonly ServiceName[]): Promise<void> {
  for (const sides of linkSides(w.variant)) {
    for (const service of local) await sides[service]?.(w);
  }
}
