import chalk from 'chalk';
import { PARTICIPANTS } from '../diagrams/sequence-diagram.js';
import type { Hop } from '../tracing/recorder.js';

/** How a participant is named for people (`order` → Order). */
export const display = (id: string) => PARTICIPANTS.find(([p]) => p === id)?.[1] ?? id;
const ARROW = { http: '─▶', publish: '~▶', consume: '~▶', local: ' ·' } as const;
const KIND = { http: 'REST', publish: 'event put on the broker', consume: 'event delivered', local: '' } as const;
const COLOUR = { http: chalk.cyan, publish: chalk.magenta, consume: chalk.yellow, local: chalk.dim } as const;

/** The hops of one action, in the order they started: who → whom, REST or event, status, time; coloured by kind. */
export function hopList(hops: Hop[]): string {
  let n = 0;
  return hops
    .map((hop) => {
      if (hop.kind === 'local') return `       ${chalk.dim(`${display(hop.from)}: ${hop.label}`)}`;
      const failed = hop.outcome !== 'ok' || (hop.status ?? 0) >= 500;
      const colour = failed ? chalk.red : COLOUR[hop.kind];
      const result = hop.status !== undefined ? String(hop.status) : hop.outcome === 'ok' ? '' : hop.outcome;
      const who = `${display(hop.from)} ${ARROW[hop.kind]} ${display(hop.to)}`;
      return `  ${String(++n).padStart(3)}  ${colour(who.padEnd(28))} ${colour(hop.label.padEnd(44))} ${chalk.dim(KIND[hop.kind].padEnd(24))} ${result.padStart(4)} ${chalk.dim(`${(hop.end - hop.start).toFixed(1)} ms`)}`;
    })
    .join('\n');
}
