/** One line of a sequence diagram, the participants it touches, and what it undoes when a compensation drew it. */
export interface DiagramLine {
  line: string;
  over: string[];
  undo?: string;
}

/** A line, or a block: `par` branches that run concurrently, or a `rect` setting compensations apart. */
export type DiagramItem = DiagramLine | { par: DiagramItem[][] } | { rect: DiagramItem[] };

/** The colour of a compensation's block: a light red, under the arrows. */
export const COMPENSATION_COLOUR = 'rgba(255, 120, 120, 0.15)';

const undoes = (item: DiagramItem): boolean =>
  'line' in item ? item.undo !== undefined : 'par' in item ? item.par.every((b) => b.every(undoes)) : true;

const linesOf = (items: DiagramItem[]): DiagramLine[] =>
  items.flatMap((item) => ('line' in item ? [item] : 'par' in item ? item.par.flatMap(linesOf) : linesOf(item.rect)));

/**
 * Wraps each run of consecutive compensation lines (and `par` blocks made only of them) in a `rect`; in a
 * block that mixes them with other lines, the runs inside its branches are wrapped instead.
 */
export function setApartCompensations(items: DiagramItem[]): DiagramItem[] {
  const out: DiagramItem[] = [];
  let run: DiagramItem[] = [];
  const close = () => {
    if (run.length) out.push({ rect: run });
    run = [];
  };
  for (const item of items) {
    if (undoes(item)) run.push(item);
    else {
      close();
      out.push('par' in item ? { par: item.par.map(setApartCompensations) } : item);
    }
  }
  close();
  return out;
}

/** `order,billing`: the span of participants a note covers, from the extreme seen first to the other. */
function noteOver(lines: DiagramLine[], rank: (participant: string) => number): string {
  const seen = [...new Set(lines.flatMap((l) => l.over))];
  const byRank = [...seen].sort((a, b) => rank(a) - rank(b));
  const ends = [byRank[0], byRank[byRank.length - 1]];
  if (ends[0] === ends[1]) return ends[0];
  return seen.indexOf(ends[0]) <= seen.indexOf(ends[1]) ? ends.join(',') : ends.reverse().join(',');
}

/** The Mermaid lines of the items, each block's inside indented under its `par` (a `rect` keeps its lines' indent). */
export function renderItems(items: DiagramItem[], rank: (participant: string) => number): string[] {
  return items.flatMap((item): string[] => {
    if ('line' in item) return [item.line];
    if ('par' in item) return ['par', ...item.par.flatMap((b, i) => [...(i ? ['and'] : []), ...renderItems(b, rank).map((l) => `  ${l}`)]), 'end'];
    const lines = linesOf(item.rect);
    const kinds = [...new Set(lines.flatMap((l) => (l.undo ? [l.undo] : [])))];
    return [`rect ${COMPENSATION_COLOUR}`, `Note over ${noteOver(lines, rank)}: compensation: ${kinds.join(', ')}`, ...renderItems(item.rect, rank), 'end'];
  });
}
