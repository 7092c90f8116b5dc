// Checks a bench report against the project's own acceptance targets (they are not shown to users):
//   npx tsx scripts/bench-targets.ts reports/bench-<time>/report.json
import { readFileSync } from 'node:fs';
import { evaluateTargets } from '../src/bench/acceptance-targets.js';
import { benchReportSchema } from '../src/bench/bench-report-schema.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: npx tsx scripts/bench-targets.ts <report.json>');
  process.exit(2);
}
const verdicts = evaluateTargets(benchReportSchema.parse(JSON.parse(readFileSync(file, 'utf8'))));
for (const v of verdicts) console.log(`${v.met === null ? 'not measured' : v.met ? 'met         ' : 'NOT met     '}  ${v.target}  ${v.detail}`);
process.exitCode = verdicts.some((v) => v.met === false) ? 1 : 0;
