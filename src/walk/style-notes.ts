import { planOf } from '../system/links/index.js';
import type { Variant } from '../variants/variant.js';

/** The kinds of client action the walk explains. */
export type ActionKind = 'register' | 'login' | 'deposit' | 'withdraw' | 'order' | 'read';

/**
 * What this style does for an action, and why, in a few sentences: what each of its links' ways
 * declares for that action, in the order the links are made, so it always says what runs.
 */
export function styleNote(variant: Variant, kind: ActionKind): string {
  const order = ['commands', 'queries', 'accountOpening', 'payment', 'reservation', 'dispatch', 'saga', 'orderOutcome', 'recipient', 'push'];
  const ways = [...planOf(variant).ways].sort((a, b) => order.indexOf(a.link) - order.indexOf(b.link));
  return ways
    .map((w) => w.declaration.explain?.[kind])
    .filter(Boolean)
    .join(' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}
