import { planOf } from '../system/links/index.js';
import type { Variant } from './variant.js';

/**
 * Compiles a variant into its plan and returns it, or refuses it (PlanRefused) naming each field and
 * why. Every shape it accepts is booted by test/e2e/declaration-space.test.ts with a plain order, a
 * saga that completes and one cancelled after payment.
 */
export function defineVariant(variant: Variant): Variant {
  planOf(variant);
  return Object.freeze(variant);
}
