import eventCollaboration from './event-collaboration.js';
import eventNotification from './event-notification.js';
import http from './http.js';
import hybrid from './hybrid.js';
import type { Variant } from './variant.js';

/** The four interaction styles, in the order they are compared. */
export const variants: readonly Variant[] = [http, eventNotification, eventCollaboration, hybrid];

export function findVariant(name: string): Variant {
  const variant = variants.find((v) => v.name === name);
  if (!variant) throw new Error(`unknown variant "${name}" (choose one of: ${variants.map((v) => v.name).join(', ')}, all)`);
  return variant;
}
