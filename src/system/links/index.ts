import type { Wiring } from '../wiring.js';
import { accountOpening } from './account-opening.js';
import { commands } from './commands.js';
import { orderOutcome } from './order-outcome.js';
import { payment } from './payment.js';
import { recipient } from './recipient.js';

/** Makes every link the way the variant declares it. */
export async function wireLinks(w: Wiring): Promise<void> {
  const { links } = w.variant;
  await recipient[links.recipient](w);
  await accountOpening[links.accountOpening](w);
  await payment[links.payment](w);
  await orderOutcome[links.orderOutcome](w);
  await commands[w.variant.commands](w);
}
