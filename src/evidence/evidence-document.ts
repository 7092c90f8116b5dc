import type { Block as BenchBlock } from '../bench/bench-document.js';
import type { BenchChart } from '../bench/bench-charts.js';
import { formatSpread, type Spread } from '../core/stats.js';
import { THRESHOLD_WORDS } from './conditions.js';
import { ruleWords } from './rules.js';
import type { EvidenceData } from './evidence-run.js';
import { kindWords, type Verdict } from './verdict.js';

/** A block of the evidence report: the bench's blocks, plus a verdict. */
export type Block = BenchBlock | { kind: 'verdict'; label: string; verdict: Verdict };

type Measure = EvidenceData['experiments'][number]['measures'][number];

const verdictLine = (verdict: Verdict) => `${kindWords(verdict)} — ${verdict.text}`;

function valueOf(measure: Measure, s: Spread): string {
  if (measure.unit === 'share') return formatSpread(s, (n) => `${Math.round(n * 100)}%`);
  if (measure.unit === 'yes=1') return s.min === s.max ? (s.median === 1 ? 'yes' : 'no') : `${formatSpread(s, (n) => n.toFixed(1))} (1 = yes)`;
  const digits = (n: number) => (Math.abs(n) >= 100 || Number.isInteger(n) ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));
  return `${formatSpread(s, digits)} ${measure.unit}`;
}

const HOW_TO_READ =
  'How to read it: every claim was tried on every chosen style, side by side, and its rule applied to each; the claim\'s verdict is the one on its own style. ' +
  'A figure such as 85% (n=3, 80–90%) is the median of 3 repeats, smallest to largest 80 to 90; n=1 is a single run with no spread. "per repeat" says how many orders, registrations or answers each repeat\'s figure rests on. ' +
  'Where a claim is about how code is built or debugged, the figure is a proxy counted from the recording or the style file, and the rule says so. Charts draw medians with whiskers from the smallest to the largest repeat, on axes from zero.';

/** The document: the verdicts first, how they are reached, each claim with its experiments, figures, chart and verdict, then the experiments. */
export function evidenceDocument(data: EvidenceData, charts: Map<string, BenchChart>): Block[] {
  const measures = new Map(data.experiments.flatMap((e) => e.measures.map((m) => [m.id, { measure: m, experiment: e }] as const)));
  const styles = data.styles.map((s) => s.name);
  const { machine } = data;
  const blocks: Block[] = [
    { kind: 'title', text: `orderctl evidence — ${data.date}` },
    { kind: 'paragraph', text: '**Which style for what:** [the decision page](decision.html) shows every claim on every style as a colour-coded matrix, the rules in words, and the styles side by side.' },
    { kind: 'paragraph', text: `\`${data.command}\` · ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform} · ${data.seconds} s` },
    {
      kind: 'paragraph',
      text: `Styles: ${styles.join(', ')}; ${data.settings.repeat} repeat${data.settings.repeat > 1 ? 's' : ''} of every experiment, round by round, each on a freshly booted system; ${data.settings.orders} orders or registrations per measured condition; broker: ${data.settings.broker}${data.settings.processes ? `; one process per service for the replica experiment, with the declared capacity ${data.settings.capacity} (workers × service time per instance), offered ${data.settings.scaleRate} orders/s` : ''}.`,
    },
    { kind: 'paragraph', text: HOW_TO_READ },
    { kind: 'heading', text: 'Verdicts' },
    { kind: 'table', head: ['claim', 'about', 'from', 'claim, in our words', 'verdict', ...styles.map((s) => `on ${s}`)], rows: data.claims.map((c) => [c.id, c.style, c.documents.join(', '), c.text, kindWords(c.verdict), ...styles.map((s) => kindWords(c.perStyle.find((p) => p.style === s)!.verdict))]) },
    { kind: 'heading', text: 'How a verdict is reached' },
    { kind: 'paragraph', text: `Each claim has a rule of a few parts, each a figure against a threshold stated with it; the rule is applied to the medians over the repeats. ${data.combining}` },
    { kind: 'paragraph', text: 'The words the rules use mean:' },
    { kind: 'list', items: Object.values(THRESHOLD_WORDS).map((text) => ({ text })) },
  ];
  for (const claim of data.claims) {
    const experiments = claim.experiments.map((id) => data.experiments.find((e) => e.id === id)!);
    const shown = claim.figures.filter((id) => measures.has(id));
    blocks.push(
      { kind: 'heading', text: `${claim.id} — ${claim.style}: ${claim.text}` },
      { kind: 'paragraph', text: `From design document${claim.documents.length > 1 ? 's' : ''} ${claim.documents.join(', ')}.` },
      ...experiments.map((e): Block => ({ kind: 'paragraph', text: `Tried by "${e.title}": ${e.how}${e.skipped ? ` This experiment was ${e.skipped}.` : ''}` })),
      { kind: 'paragraph', text: `Rule: ${ruleWords(claim.id)}` },
      ...(charts.has(claim.id) ? [{ kind: 'chart', chart: charts.get(claim.id)! } as Block] : []),
      {
        kind: 'table',
        head: ['style', ...shown.map((id) => measures.get(id)!.measure.label), 'verdict on this style'],
        rows: styles.map((style) => [
          style,
          ...shown.map((id) => {
            const { measure, experiment } = measures.get(id)!;
            const result = experiment.results.find((r) => r.style === style);
            const s = result?.figures[id];
            if (!s || result!.samples[id] === 0) return experiment.skipped ? 'not run' : 'not measured';
            const note = result!.notes[id] ? ` (${result!.notes[id]})` : '';
            return `${valueOf(measure, s)} · ${result!.samples[id]} per repeat${note}`;
          }),
          verdictLine(claim.perStyle.find((p) => p.style === style)!.verdict),
        ]),
      },
      { kind: 'verdict', label: `Verdict on ${claim.style}`, verdict: claim.verdict },
    );
  }
  blocks.push({ kind: 'heading', text: 'Experiments' });
  for (const e of data.experiments) {
    blocks.push(
      { kind: 'paragraph', text: `**${e.title}** (${e.id}). ${e.how}${e.skipped ? ` This experiment was ${e.skipped}.` : ''}` },
      { kind: 'list', items: e.measures.map((m) => ({ text: `${m.label} (${m.unit}): ${m.how}` })) },
    );
  }
  blocks.push({ kind: 'paragraph', text: 'Every repeat\'s own figures are in evidence.json (its JSON Schema: evidence.schema.json); each chart\'s Vega-Lite spec is next to its picture as <name>.vl.json.' });
  return blocks;
}
