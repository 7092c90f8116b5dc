import { formatSpread, type Spread } from '../core/stats.js';
import { THRESHOLD_WORDS } from '../evidence/conditions.js';
import type { EvidenceData } from '../evidence/evidence-run.js';
import { COMBINING } from '../evidence/verdict.js';
import type { LatencySpread } from '../scenarios/summary.js';
import { decisionPage, SIDE_LEGEND, sideBySideHtml } from './decision-html.js';
import { SIDE_LEGEND_MD, sideBySideMarkdown } from './decision-markdown.js';
import { claimMatrix, MATRIX_LEGEND, matrixHtml, matrixMarkdown } from './decision-matrix.js';
import { differentPaths, plainRow, timeRow, type AnswerKind, type DecisionCell, type DecisionRow, type DecisionTable } from './decision-rank.js';
import { RANKING_LEGEND } from './ranking.js';
import { escapeHtml as escape } from './text.js';

type Figure = { spread: Spread; samples: number; note?: string; unit: string };

/** One style's figure `id` as measured (median over the repeats, min–max), with its samples per repeat; undefined when not measured. */
function figureOf(data: EvidenceData, style: string, id: string): Figure | undefined {
  for (const e of data.experiments) {
    const measure = e.measures.find((m) => m.id === id);
    if (!measure) continue;
    const r = e.results.find((x) => x.style === style);
    const spread = r?.figures[id];
    return spread && r.samples[id] !== 0 ? { spread, samples: r.samples[id] ?? 0, ...(r.notes[id] ? { note: r.notes[id] } : {}), unit: measure.unit } : undefined;
  }
  return undefined;
}

const digits = (n: number) => (Math.abs(n) >= 100 || Number.isInteger(n) ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));
const asLatency = (s: Spread): LatencySpread => ({ ...s, p5: s.min, p95: s.max });
const valueOf = (f: Figure, n: number) => (f.unit === 'share' ? `${Math.round(n * 100)}%` : `${digits(n)}${f.unit === 'ms' ? ' ms' : ''}`);
const rangeOf = (f: Figure) => `${valueOf(f, f.spread.min)}${f.spread.min < 0 ? ' to ' : '–'}${valueOf(f, f.spread.max)}`;
const valueText = (f: Figure) => (f.unit === 'share' ? formatSpread(f.spread, (n) => `${Math.round(n * 100)}%`) : `${formatSpread(f.spread, digits)}${f.unit === 'ms' ? ' ms' : ''}`);

/** The side by side of an evidence run: per style, what the client waits for, what faults do to orders, what an order costs and couples. */
export function evidenceSideBySide(data: EvidenceData): DecisionTable {
  const styles = data.styles.map((s) => s.name);
  const figs = (id: string) => styles.map((s) => figureOf(data, s, id));
  const detail = (f: Figure | undefined, extra?: string) => (f ? [`${f.samples} per repeat`, f.note, extra].filter(Boolean).join('; ') : undefined);
  const time = (action: string, measure: string, id: string, options: { unranked?: string; extra?: (string | undefined)[] } = {}): DecisionRow => {
    const f = figs(id);
    return timeRow(action, measure, styles, f.map((x) => x && asLatency(x.spread)), (n) => `${digits(n)} ms`, { unranked: options.unranked, details: f.map((x, i) => detail(x, options.extra?.[i])), short: digits });
  };
  const plain = (action: string, measure: string, ids: (string | [string, string])[], why: string): DecisionRow => {
    const cells = styles.map((_, i): DecisionCell | undefined => {
      const f = ids.map((id) => (typeof id === 'string' ? { x: figs(id)[i], suffix: '' } : { x: figs(id[0])[i], suffix: id[1] }));
      if (f.every(({ x }) => !x)) return undefined;
      const n = Math.max(...f.map(({ x }) => x?.spread.n ?? 0));
      const varied = f.some(({ x }) => x && x.spread.min !== x.spread.max);
      const ranges = f.map(({ x }) => (!x ? '–' : x.spread.min === x.spread.max ? valueOf(x, x.spread.min) : rangeOf(x)));
      const note = f.map(({ x }) => x?.note).filter(Boolean);
      const spread = n <= 1 ? `n=${n}` : varied ? `n=${n}, ${ranges.join(' · ')}` : `n=${n}, no spread`;
      return { text: f.map(({ x, suffix }) => (x ? `${valueOf(x, x.spread.median)}${suffix}` : '–')).join(' · '), sub: [spread, ...note].join(' · '), detail: f.map(({ x }) => detail(x)).filter(Boolean).join(' · ') };
    });
    return plainRow(action, measure, cells, why);
  };
  const kinds = figs('definiteShare').map((f): AnswerKind | undefined => (!f ? undefined : f.spread.max === 0 ? 'pending' : f.spread.min === 1 ? 'final' : 'mixed'));
  const learn = styles.map((_, i) => [figs('learnMs')[i] && `polling every 100 ms: ${valueText(figs('learnMs')[i]!)}`, figs('pushMs')[i] && `push: ${valueText(figs('pushMs')[i]!)}`].filter(Boolean).join('; ') || undefined);
  const slow = `${data.settings.slowMs} ms`;
  const rows = [
    time('order, nothing slowed', 'first answer', 'orderAnswerMs', { unranked: differentPaths(styles, kinds) }),
    time('order, nothing slowed', 'outcome known', 'outcomeKnownMs', { extra: learn }),
    time('order, nothing slowed', 'notification stored', 'notifiedMs'),
    time('order, nothing slowed', 'outcome known to a client polling every 100 ms', 'learnMs'),
    plain('order, nothing slowed', 'calls · messages per order', [['httpPerOrder', ' http'], ['messagesPerOrder', ' msg']], 'HTTP calls (the client\'s own included) and broker messages: what an order costs, not ranked'),
    plain(`notification slowed by ${slow}`, 'added to the order\'s answer', ['notificationDelayMs'], 'a difference of two medians (it can be below 0): read, not ranked'),
    plain('notification stopped', 'orders failed', ['notificationDownFailShare'], 'a fault: not ranked'),
    plain('billing stopped', 'orders accepted · failed at once', ['billingDownAcceptedShare', 'billingDownFailedShare'], 'a fault: not ranked'),
    plain('billing stopped', 'succeeded once it was back · told a failure, yet succeeded', ['billingDownSucceededShare', 'billingDownMisleadingShare'], 'a fault: not ranked'),
    plain(`billing slowed by ${slow}`, 'added to the registration\'s answer', ['registrationDelayMs'], 'a difference of two medians: read, not ranked'),
    plain('coupling', 'REST caller→callee pairs between services', ['restPeers'], 'the addresses services must know: not ranked'),
    plain('coupling', 'REST calls between services per order · hand-overs through the broker', [['restBetweenPerOrder', ' calls'], ['brokeredShare', ' by broker']], 'not ranked'),
  ];
  return { styles, rows: rows.filter((r) => r.cells.some(Boolean)) };
}

const HOW =
  'Every claim of the design documents was tried on every chosen style by the same experiments, each repeat on a freshly booted system; a rule of a few parts, each a figure against a threshold, gives the verdict. ' +
  'A figure is the median over the repeats (n), with the smallest to largest repeat. In the side by side, only times are ranked, and like with like: the first answer of a 202 (accepted, pending) is never ranked against a final 201/422 — "outcome known" compares them — and the fault conditions are listed, not ranked.';

/** The evidence run's decision page, as HTML and Markdown: the claims × styles matrix, the rules in words, and the styles side by side. */
export function evidenceDecision(data: EvidenceData): { html: string; markdown: string } {
  const matrix = claimMatrix(data);
  const side = evidenceSideBySide(data);
  const runLine = `${data.date} · \`${data.command}\` · ${data.settings.repeat} repeat${data.settings.repeat === 1 ? '' : 's'}, ${data.settings.orders} orders per condition · broker: ${data.settings.broker}${data.settings.processes ? ` · billing ×1/×2/×3 one process per service, capacity ${data.settings.capacity}, offered ${data.settings.scaleRate} orders/s` : ''}`;
  const rules = matrix.rows.map((r) => ({ id: r.id, text: `(${r.style}): ${r.rule}` }));
  const html = decisionPage(
    'Which style for what — decision page of the evidence',
    `<p class="dim">${escape(runLine)} · the full report: <a href="evidence.html">evidence.html</a> · this page as <a href="decision.md">decision.md</a></p><p>${escape(HOW)}</p>`,
    [
      `<h2 id="matrix">The claims on every style</h2><p class="dim">Hover a cell for the figures its verdict rests on; hover a claim for its rule.</p>${MATRIX_LEGEND}${matrixHtml(matrix)}`,
      `<h2 id="side-by-side">The styles side by side</h2>${SIDE_LEGEND}${sideBySideHtml(side)}<p class="dim">${escape(RANKING_LEGEND.replace('fewer than 3 samples', 'fewer than 3 repeats'))}; the spread here is the smallest to largest repeat.</p>`,
      `<h2 id="rules">The rules, in words</h2><p>${escape(COMBINING)}</p><ul>${Object.values(THRESHOLD_WORDS)
        .map((t) => `<li>${escape(t)}</li>`)
        .join('')}</ul><ul class="notes">${rules.map((r) => `<li id="rule-${escape(r.id)}"><b>${escape(r.id)}</b> ${escape(r.text)}</li>`).join('')}</ul>`,
    ],
  );
  const markdown = [
    '# Which style for what — decision page of the evidence',
    '',
    `${runLine} · the full report: [evidence.md](evidence.md) ([evidence.html](evidence.html))`,
    '',
    HOW,
    '',
    '## The claims on every style',
    '',
    `Legend: ✓ holds (every part of its rule met) · ◐ in part (some met) · ✗ does not hold (none met) · – not tried (not measurable with these settings).`,
    '',
    matrixMarkdown(matrix),
    '',
    '## The styles side by side',
    '',
    sideBySideMarkdown(side),
    '',
    `${SIDE_LEGEND_MD} The spread is the smallest to largest repeat; a row needs 3 repeats to be ranked.`,
    '',
    '## The rules, in words',
    '',
    COMBINING,
    '',
    ...Object.values(THRESHOLD_WORDS).map((t) => `- ${t}`),
    '',
    ...rules.map((r) => `- **${r.id}** ${r.text}`),
    '',
  ].join('\n');
  return { html, markdown };
}
