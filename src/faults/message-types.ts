import { commandsOf } from '../system/links/gateway-broker-commands.js';
import { knownVariants } from '../variants/index.js';
import { topologyEdges } from '../variants/topology.js';
import type { Variant } from '../variants/variant.js';

/** The message types a style puts on the broker, by the names it gives them (none for a style that uses no broker). */
export function messageTypes(variant: Variant): string[] {
  const types = new Set<string>();
  for (const edge of topologyEdges(variant)) {
    if (edge.by !== 'broker') continue;
    for (const type of edge.what.replace(/ \(push\)$/, '').split(/\s*[,/]\s*/)) if (/^[A-Z][A-Za-z]+$/.test(type)) types.add(type);
  }
  if (variant.commands === 'broker') for (const kind of Object.values(commandsOf(variant))) for (const type of Object.values(kind)) types.add(type);
  return [...types].sort();
}

/** Every message type some known style puts on the broker: what a scenario file may name. */
export const knownMessageTypes = (): string[] => [...new Set(knownVariants().flatMap(messageTypes))].sort();
