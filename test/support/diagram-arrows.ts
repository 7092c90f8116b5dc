/** The arrows of a Mermaid sequence diagram in reference-flow notation (requests and messages; answers and notes left out). */
export function diagramArrows(mermaid: string): string[] {
  const arrows: string[] = [];
  for (const line of mermaid.split('\n')) {
    const match = /^\s*(\w+)(->>|-\)|-x)(\w+): (.*?)(?: \(.*\))?$/.exec(line);
    if (!match) continue;
    const [, from, arrow, to, label] = match;
    if (arrow === '->>') arrows.push(`${from} => ${to} ${label}`);
    else if (to === 'Broker') arrows.push(`${from} ~> Broker ${label}`);
    else arrows.push(`Broker ~~ ${to} ${label}`);
  }
  return arrows;
}
