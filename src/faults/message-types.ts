import { planOf } from '../system/links/index.js';
import { knownVariants } from '../variants/index.js';
import type { Variant } from '../variants/variant.js';

/** The message types a style puts on the broker, by the names it gives them (none for a style that uses no broker): its plan's messages. */
export const messageTypes = (variant: Variant): string[] => planOf(variant).messages;

/** Every message type some known style puts on the broker: what a scenario file may name. */
export const knownMessageTypes = (): string[] => [...new Set(knownVariants().flatMap(messageTypes))].sort();
