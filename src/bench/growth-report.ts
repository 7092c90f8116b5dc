import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSpread, type Spread } from '../core/stats.js';
import { makeFolders } from '../core/make-folders.js';
import type { Block } from './bench-document.js';
import { blocksToHtml, blocksToMarkdown } from './bench-render.js';
import type { GrowthReport } from './growth-run.js';

const whole = (s: Spread) => formatSpread(s, (n) => Math.round(n).toLocaleString('en-US'));
const cpu = (s: Spread) => formatSpread(s, (n) => n.toFixed(3));
const ms = (s: Spread) => formatSpread(s, (n) => n.toFixed(1));
const times = (s: Spread) => formatSpread(s, (n) => `${n.toFixed(2)}×`);
const touched = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || 'nothing';

/** The growth report as blocks: seeding, the figures side by side with their ratio, every round. */
export function growthDocument(report: GrowthReport): Block[] {
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    { kind: 'title', text: `orderctl bench --seed-orders ${n(report.seed.orders)}: ${report.variant}` },
    {
      kind: 'paragraph',
      text: `\`${report.command}\` · orderctl ${report.version} · ${report.startedAt} · one process, SQLite. Seeded data dir: ${n(report.seed.orders)} orders, ${n(report.seed.users)} users (with their accounts, deposits, payments, ledger, notifications, profiles and inbox rows), ${report.seed.reused ? 'reused from an earlier seeding' : `seeded in ${report.seed.seconds} s`}. Each round boots the system on an empty data dir and on the seeded one (alternating which first), then loads it in an open loop at ${report.rate} orders/s for ${report.durationSeconds} s after ${report.warmupSeconds} s of warm-up. CPU per order: the system's CPU time during the measured load (and until it settled) ÷ the orders that reached their final status.`,
    },
    { kind: 'heading', text: 'Empty against seeded' },
    {
      kind: 'table',
      head: ['figure', 'empty', `${n(report.seed.orders)} orders`, 'seeded ÷ empty'],
      rows: [
        ['boot (ms)', whole(report.empty.bootMs), whole(report.seeded.bootMs), ''],
        ['first recovery pass (ms)', whole(report.empty.firstPassMs), whole(report.seeded.firstPassMs), ''],
        ['CPU ms per order', cpu(report.empty.cpuMsPerOrder), cpu(report.seeded.cpuMsPerOrder), times(report.ratio.cpuMsPerOrder)],
        ['p99 latency (ms)', ms(report.empty.p99Ms), ms(report.seeded.p99Ms), times(report.ratio.p99Ms)],
      ],
    },
    {
      kind: 'list',
      items: [
        { text: `CPU per order within 15% of empty: ${report.withinTarget.cpu ? 'yes' : 'no'} (median ratio ${report.ratio.cpuMsPerOrder.median.toFixed(2)}×)`, bad: !report.withinTarget.cpu },
        { text: `p99 within 15% of empty: ${report.withinTarget.p99 ? 'yes' : 'no'} (median ratio ${report.ratio.p99Ms.median.toFixed(2)}×)`, bad: !report.withinTarget.p99 },
      ],
    },
    { kind: 'heading', text: 'Rounds' },
    {
      kind: 'table',
      head: ['round', 'data dir', 'boot (ms)', 'first pass (ms)', 'first pass did', 'final orders', 'pending', 'CPU ms/order', 'p99 (ms)', 'errors'],
      rows: report.rounds.map((r) => [`${r.round}`, r.data, `${r.bootMs}`, `${r.firstPassMs}`, touched(r.firstPass), `${r.orders}`, `${r.pending}`, r.cpuMsPerOrder.toFixed(3), r.p99Ms.toFixed(1), `${r.errors}`]),
    },
  ];
}

/** The growth report as Markdown (what the terminal shows). */
export const growthMarkdown = (report: GrowthReport) => blocksToMarkdown(growthDocument(report), false);

/** Writes report.json, report.md and report.html into `dir`. */
export async function writeGrowthFiles(dir: string, report: GrowthReport): Promise<void> {
  await makeFolders(dir);
  const blocks = growthDocument(report);
  await writeFile(join(dir, 'report.json'), JSON.stringify(report, null, 2));
  await writeFile(join(dir, 'report.md'), blocksToMarkdown(blocks, false));
  await writeFile(join(dir, 'report.html'), blocksToHtml(blocks, false));
}
