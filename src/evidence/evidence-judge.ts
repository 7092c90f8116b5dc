import { CLAIMS } from './claims.js';
import type { EvidenceClaim, EvidenceReport } from './evidence-schema.js';
import { judge, RULES, statementOf } from './rules.js';
import { kindWords, type RuleInput, type StyleFigures } from './verdict.js';

/** One style's figures as the rules read them: the median over the repeats of every figure of every experiment that ran. */
export function styleFiguresOf(report: Pick<EvidenceReport, 'experiments' | 'styles'>, style: string): StyleFigures {
  const figures: Record<string, number> = {};
  const samples: Record<string, number> = {};
  for (const experiment of report.experiments) {
    const result = experiment.results.find((r) => r.style === style);
    if (!result) continue;
    for (const [id, s] of Object.entries(result.figures)) figures[id] = s.median;
    Object.assign(samples, result.samples);
  }
  return { style, traits: report.styles.find((s) => s.name === style)?.traits ?? [], figures, samples };
}

/** The input of a rule for `style`: its figures, the others', and the run's conditions. */
export function ruleInput(report: Pick<EvidenceReport, 'experiments' | 'styles' | 'settings'>, style: string): RuleInput {
  const all = report.styles.map((s) => styleFiguresOf(report, s.name));
  return { own: all.find((s) => s.style === style)!, others: all.filter((s) => s.style !== style), settings: { slowMs: report.settings.slowMs, latencySteps: report.settings.latencySteps } };
}

/** Every claim with its rule applied to every chosen style, and its verdict (that of its own style). */
export function judgeClaims(report: Pick<EvidenceReport, 'experiments' | 'styles' | 'settings'>): Omit<EvidenceClaim, 'chart'>[] {
  return CLAIMS.map((claim) => {
    const perStyle = report.styles.map((s) => ({ style: s.name, verdict: judge(claim.id, ruleInput(report, s.name)) }));
    const mine = perStyle.find((p) => p.style === claim.style);
    const elsewhere = perStyle.map((p) => `${p.style}: ${kindWords(p.verdict)}`).join(', ');
    return {
      id: claim.id,
      style: claim.style,
      documents: claim.documents,
      text: claim.text,
      experiments: claim.experiments,
      figures: claim.figures,
      rule: statementOf(RULES[claim.id]),
      perStyle,
      verdict: mine?.verdict ?? { kind: 'not-judged', text: `${claim.style} was not among the chosen styles (the rule on the others: ${elsewhere})` },
    };
  });
}
