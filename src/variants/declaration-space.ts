import type { z } from 'zod';
import { variantFile } from './variant-file.js';
import type { Variant } from './variant.js';

/** A declaration's shape: the choices that decide how the style is wired (not its name, names or resilience). */
export type Shape = Pick<Variant, 'commands' | 'events' | 'links' | 'saga'>;

/** The values a field of the style schema allows: an enum's options, and `undefined` first when the field may be left out. */
function choices(field: z.ZodType): (string | undefined)[] {
  const def = field.def as { type: string; innerType?: z.ZodType };
  if (def.type === 'optional') return [undefined, ...choices(def.innerType!)];
  const options = (field as unknown as { options?: string[] }).options;
  if (!options) throw new Error(`declaration space: a field of type ${def.type} is not a choice`);
  return options;
}

/** Every combination of the given fields' choices, as objects. */
function product(fields: [string, (string | undefined)[]][]): Record<string, string | undefined>[] {
  return fields.reduce<Record<string, string | undefined>[]>((all, [key, values]) => all.flatMap((partial) => values.map((value) => ({ ...partial, [key]: value }))), [{}]);
}

/**
 * Every shape a style file can declare, read off the style schema itself (commands × events × each
 * link's ways, unset included where a field may be left out, × the saga): adding a choice to the
 * schema adds its shapes here.
 */
export function declarationSpace(): Shape[] {
  const { commands, events, links, saga } = variantFile.shape;
  const linkFields = Object.entries(links.shape).map(([name, field]) => [name, choices(field as z.ZodType)] as [string, (string | undefined)[]]);
  return product([
    ['commands', choices(commands)],
    ['events', choices(events)],
    ['saga', choices(saga)],
  ]).flatMap((top) =>
    product(linkFields).map((l) => {
      const linkChoices = Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined));
      const shape = { commands: top.commands, events: top.events, links: linkChoices, ...(top.saga ? { saga: top.saga } : {}) };
      return shape as unknown as Shape;
    }),
  );
}

/** A shape in one line, for test names and listings. */
export const shapeLabel = (s: Shape): string =>
  [`commands=${s.commands}`, `events=${s.events}`, ...Object.entries(s.links).map(([k, v]) => `${k}=${v}`), `saga=${s.saga ?? '-'}`].join(' ');
