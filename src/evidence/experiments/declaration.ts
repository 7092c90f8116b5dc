import { readFileSync } from 'node:fs';
import { planOf } from '../../system/links/index.js';
import { LINKS, linkOf, usesBroker, type Variant } from '../../variants/variant.js';
import { undoDeclared } from '../cancel-figures.js';
import type { Experiment } from '../experiment.js';

/** Lines of a style file that declare something: not blank, not only a comment, and not its reference flows (which document, not declare). */
export function declarationLines(text: string): number {
  const lines = text.split('\n').map((l) => l.replace(/#.*$/, '').trimEnd());
  const flows = lines.findIndex((l) => /^flows:/.test(l));
  return (flows < 0 ? lines : lines.slice(0, flows)).filter((l) => l.trim() !== '').length;
}

/** How many mechanisms a style builds with: REST, the broker, or both. */
export const mechanisms = (variant: Variant) => (variant.commands === 'rest' || LINKS.some((l) => linkOf(variant, l) === 'rest') ? 1 : 0) + (usesBroker(variant) ? 1 : 0);

/** The style file itself: how much it declares and with what. */
export const declaration: Experiment = {
  id: 'declaration',
  title: 'The style\'s declaration',
  runsOnce: true,
  how: () => 'The style file is read, not run: lines that declare something (blank lines, comments and the reference flows left out), links made by REST and by events (the saga\'s included), and the mechanisms the style builds with (REST, a broker, or both); and, from the plan compiled from it, the links that carry an undo of the saga (a compensating call or message: refund, release, return, or the cancellation the choreography broadcasts). A proxy for how much there is to build and to know: every style shares the same service code.',
  measures: () => [
    { id: 'styleLines', label: 'declaring lines of the style file', unit: 'lines', how: 'non-blank, non-comment lines before the reference flows' },
    { id: 'restLinks', label: 'links made by REST', unit: 'links', how: 'links between services declared rest' },
    { id: 'eventLinks', label: 'links made by events', unit: 'links', how: 'links declared event (or a copy kept from events)' },
    { id: 'mechanisms', label: 'mechanisms to build with', unit: 'kinds', how: '1 for REST only or the broker only, 2 for both' },
    { id: 'undoPlaces', label: 'links that declare an undo', unit: 'links', how: 'links of the compiled style whose calls or messages are compensations (one shared channel: 1)' },
    { id: 'undoHops', label: 'undoing calls and messages declared', unit: 'kinds', how: 'distinct compensating calls and message types the compiled style makes' },
  ],
  async run({ variant }) {
    const links = LINKS.map((l) => linkOf(variant, l));
    const undo = undoDeclared(planOf(variant));
    const figures = {
      styleLines: variant.source ? declarationLines(readFileSync(variant.source, 'utf8')) : 0,
      restLinks: links.filter((l) => l === 'rest').length,
      eventLinks: links.filter((l) => l !== 'rest').length,
      mechanisms: mechanisms(variant),
      undoPlaces: undo.links.length,
      undoHops: undo.hops.length,
    };
    return { figures, samples: Object.fromEntries(Object.keys(figures).map((id) => [id, 1])), notes: { undoPlaces: undo.links.join(', ') || 'none', undoHops: undo.hops.join('; ') || 'none' } };
  },
};
