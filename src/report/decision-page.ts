import { isFaultAction } from '../faults/fault-steps.js';
import type { VariantResult } from '../system/run-variants.js';
import type { DecisionTable } from './decision-rank.js';
import { decisionPage, SIDE_LEGEND, sideBySideHtml } from './decision-html.js';
import { SIDE_LEGEND_MD, sideBySideMarkdown } from './decision-markdown.js';
import { couplingOf, faultRows, sideBySide, type Coupling, type FaultCell, type FaultRow, type PlanLink, type StyleSamples } from './decision-run.js';
import { faultScenarios, samplesOf, scenarioOfSteps } from './decision-samples.js';
import { RANKING_LEGEND } from './ranking.js';
import type { VariantRun } from './run-report.js';
import { escapeHtml as escape, latency, markdownTable, mdCell } from './text.js';

/** Everything the run's decision page shows, computed from the run (pure, for tests). */
export interface RunDecision {
  styles: string[];
  clean: string[];
  faults: FaultRow[];
  side: DecisionTable;
  coupling: (Coupling | undefined)[];
}

/** The decision of a run: the clean scenarios' side by side, the fault scenarios apart, each style's coupling. */
export function runDecision(results: VariantResult[], samples: StyleSamples[], links: (PlanLink[] | undefined)[]): RunDecision {
  const faulty = faultScenarios(results);
  const scenarios = [...new Set(results.flatMap((r) => r.scenarios.map((s) => s.name)))];
  const faults = scenarios
    .filter((name) => faulty.has(name))
    .map((name) => {
      const outcomes = results.map((r) => r.scenarios.find((s) => s.name === name));
      const shown = outcomes.find(Boolean)!;
      const steps = [...new Set(outcomes.flatMap((o) => o?.steps.filter((s) => isFaultAction(s.action) && s.attempts > 0).map((s) => s.title) ?? []))];
      return { name, title: shown.title, faults: steps.join(', '), passed: outcomes.map((o) => o?.passed) };
    });
  return {
    styles: results.map((r) => r.variant),
    clean: scenarios.filter((name) => !faulty.has(name)),
    faults: faultRows(samples, faults),
    side: sideBySide(samples, faulty),
    coupling: links.map((l) => (l ? couplingOf(l) : undefined)),
  };
}

/** The decision of the runs of a report: samples read from each recording. */
export function decisionOfRuns(runs: VariantRun[]): RunDecision {
  const samples = runs.map(({ result, recorder, actions, scenarioOf }) => ({ variant: result.variant, samples: samplesOf(actions ?? [], recorder, scenarioOf ?? scenarioOfSteps(result)) }));
  return runDecision(
    runs.map((r) => r.result),
    samples,
    runs.map((r) => r.links),
  );
}

const HOW =
  'Only the clean scenarios (no fault step) are ranked; the fault scenarios are listed apart below, since a stopped or slowed service changes every figure. Each action is one path: a paid order, a refused one, an order with items sent out or cancelled are separate rows. ' +
  'A figure is the median over n samples with its spread (p5–p95, which is min–max below 20 samples). "first answer" is what the client waited for its answer; "outcome known" is until the outcome was known: the answer itself where it says it (201/422), and for a 202 (accepted, pending) until the order settled, read from the recording — so a 202 is never ranked against a final answer. "notification stored" runs until the notification service stored the order\'s notification. ' +
  'Registration and login are slow everywhere on purpose (scrypt).';

const faultText = (c: FaultCell) => {
  const placed = c.orders ? `${c.orders} order${c.orders === 1 ? '' : 's'}: ✓ ${c.completed} completed · ✗ ${c.refused} refused · ○ ${c.pending} not settled` : 'no order placed';
  const errors = c.errors ? `${c.errors} answer${c.errors === 1 ? ' was an error' : 's were errors'} (5xx)${c.errorsWentOn ? `, ${c.errorsWentOn} of them for orders that went on all the same` : ': the client tried again'}` : '';
  const times = [c.answer ? `answer ${latency(c.answer)}` : '', c.outcome ? `outcome known ${latency(c.outcome)}` : ''].filter(Boolean);
  return { held: c.passed ? '✓ scenario held' : '✗ scenario did not hold', orders: [placed, errors].filter(Boolean).join('; '), times };
};

const pairsText = (pairs: string[]) => (pairs.length ? `${pairs.length} pair${pairs.length === 1 ? '' : 's'}: ${pairs.join(', ')}` : 'none');

function couplingRows(d: RunDecision): [string, string[]][] {
  const each = (f: (c: Coupling) => string) => d.coupling.map((c) => (c ? f(c) : 'not known'));
  return [
    ['REST between services (the caller waits for its callee: if it is down, the call fails)', each((c) => pairsText(c.rest))],
    ['through the broker (the sender does not wait: what is sent waits in a queue)', each((c) => pairsText(c.broker))],
    ['the gateway reaches', each((c) => `${c.gatewayRest} service${c.gatewayRest === 1 ? '' : 's'} by REST, ${c.gatewayBroker} through the broker`)],
  ];
}

/** The run's decision page as HTML. */
export function decisionHtml(d: RunDecision, meta: { broker: string; date: string }): string {
  const intro = `<p class="dim">${escape(meta.date)} · broker: ${escape(meta.broker)} · styles: ${d.styles.map(escape).join(', ')} · back to the <a href="index.html">run report</a> (<a href="summary.md">summary.md</a>) · this page as <a href="decision.md">decision.md</a></p>
<p>${escape(HOW)}</p>`;
  const side = `<h2 id="side-by-side">Side by side: the clean scenarios</h2>
<p class="dim">Ranked over ${d.clean.length} clean scenario${d.clean.length === 1 ? '' : 's'}: ${d.clean.map(escape).join(', ') || 'none'}. Hover a figure for what it rests on.</p>
${SIDE_LEGEND}
${d.side.rows.length ? sideBySideHtml(d.side) : '<p>No client action of the compared kinds ran in a clean scenario.</p>'}
<p class="dim">${escape(RANKING_LEGEND)}. Not in these rows: reads, logins, the crowd (load) and answers that refused something other than an order.</p>`;
  const faults = d.faults.length
    ? `<h2 id="faults">What a stopped or slowed service does to orders</h2>
<p class="dim">The fault scenarios, apart from the clean ranking: per style, how the orders placed in the scenario ended (from the recording), and how long the client waited; each scenario ranked on its own, under the same fault, by when an order's outcome was known.</p>
<table class="fault"><tr><th>fault scenario</th>${d.styles.map((s) => `<th>${escape(s)}</th>`).join('')}<th>ranked?</th></tr>
${d.faults
  .map((f) => {
    const cells = f.cells.map((c) => {
      if (!c) return '<td class="dim">not run</td>';
      const t = faultText(c);
      return `<td><span class="${c.passed ? 'ok' : 'bad'}">${escape(t.held)}</span><br>${escape(t.orders)}${t.times.map((x) => `<br><span class="dim">${escape(x)}</span>`).join('')}</td>`;
    });
    return `<tr><td><b>${escape(f.scenario)}</b><br>${escape(f.title)}<br><span class="dim">faults: ${escape(f.faults)}</span></td>${cells.join('')}<td class="dim">${escape(f.ranking.why)}${f.ranking.line ? `<br>${escape(f.ranking.line)}` : ''}</td></tr>`;
  })
  .join('\n')}</table>`
    : '<h2 id="faults">What a stopped or slowed service does to orders</h2><p class="dim">No fault scenario ran (scenarios with a fault step: stop, latency, broker, crash, …).</p>';
  const coupling = `<h2 id="coupling">Which services each style couples</h2>
<p class="dim">From each style's plan (its style file compiled): every link a service makes to another.</p>
<table class="coupling"><tr><th>link</th>${d.styles.map((s) => `<th>${escape(s)}</th>`).join('')}</tr>
${couplingRows(d)
  .map(([what, cells]) => `<tr><td>${escape(what)}</td>${cells.map((c) => `<td>${escape(c).replace(/^(\d+ pairs?|none)/, '<b>$1</b>')}</td>`).join('')}</tr>`)
  .join('\n')}</table>`;
  return decisionPage('Which style for what — decision page of the run', intro, [side, faults, coupling]);
}

/** The run's decision page as Markdown. */
export function decisionMarkdown(d: RunDecision, meta: { broker: string; date: string }): string {
  const faults = d.faults.length
    ? markdownTable(
        ['fault scenario', ...d.styles, 'ranked?'],
        d.faults.map((f) => [
          mdCell(`**${f.scenario}** — ${f.title} (faults: ${f.faults})`),
          ...f.cells.map((c) => {
            if (!c) return 'not run';
            const t = faultText(c);
            return mdCell([t.held, t.orders, ...t.times].join('; '));
          }),
          mdCell([f.ranking.why, f.ranking.line].filter(Boolean).join(': ')),
        ]),
      )
    : 'No fault scenario ran.';
  return [
    '# Which style for what — decision page of the run',
    '',
    `${meta.date} · broker: ${meta.broker} · styles: ${d.styles.join(', ')} · back to the [run report](index.html) ([summary.md](summary.md))`,
    '',
    HOW,
    '',
    '## Side by side: the clean scenarios',
    '',
    `Ranked over ${d.clean.length} clean scenario${d.clean.length === 1 ? '' : 's'}: ${d.clean.join(', ') || 'none'}.`,
    '',
    d.side.rows.length ? sideBySideMarkdown(d.side) : 'No client action of the compared kinds ran in a clean scenario.',
    '',
    `${SIDE_LEGEND_MD} ${RANKING_LEGEND}.`,
    '',
    '## What a stopped or slowed service does to orders',
    '',
    faults,
    '',
    '## Which services each style couples',
    '',
    markdownTable(['link', ...d.styles], couplingRows(d).map(([what, cells]) => [mdCell(what), ...cells.map(mdCell)])),
    '',
  ].join('\n');
}
