import type { ChartPoint } from '../charts/chart-data.js';
import { lineChartSpec } from '../charts/line-chart.js';
import type { BenchChart } from './bench-charts.js';
import type { Block } from './bench-document.js';
import { writeReportFolder } from './bench-files.js';
import { blocksToMarkdown } from './bench-render.js';
import type { SoakReport } from './soak-run.js';

const SAMPLES_TABLE = 'Memory samples';

/** The chart of RSS and heap used over time (both axes from zero). */
export function soakChart(report: SoakReport): BenchChart {
  const points: ChartPoint[] = report.samples.flatMap((s) => [
    { x: s.atSeconds, series: 'RSS', median: s.rssMb, min: s.rssMb, max: s.rssMb, n: 1 },
    { x: s.atSeconds, series: 'heap used', median: s.heapUsedMb, min: s.heapUsedMb, max: s.heapUsedMb, n: 1 },
  ]);
  const title = `Memory of ${report.variant} at ${report.rate} orders/s for ${report.durationSeconds} s, then ${report.idleSeconds} s idle`;
  return {
    name: 'soak-memory',
    title,
    table: SAMPLES_TABLE,
    spec: lineChartSpec(
      {
        title,
        subtitle: [`one sample every ${report.sampleEverySeconds} s (n = 1 each); the load ends at ${report.durationSeconds} s; targets: peak < ${report.targets.peakRssMb} MB, after idle < ${report.targets.afterIdleRssMb} MB`],
        xTitle: 'seconds since the load started',
        yTitle: 'MB',
      },
      points,
    ),
  };
}

const met = (ok: boolean | undefined) => (ok === undefined ? '–' : ok ? 'met' : 'missed');

/** The soak report as blocks: the figures, the chart, every sample. */
export function soakDocument(report: SoakReport): Block[] {
  const where = [report.processes ? 'one process per service' : 'one process', report.store === 'postgres' ? 'PostgreSQL' : 'SQLite'].join(', ');
  const rows = [
    ['peak', `${report.peak.rssMb}`, `${report.peak.atSeconds}`, `< ${report.targets.peakRssMb}: ${met(report.targets.peakMet)}`],
    ['end of load', `${report.endOfLoad.rssMb}`, `${report.endOfLoad.atSeconds}`, ''],
    ...(report.afterIdle ? [['after idle', `${report.afterIdle.rssMb}`, `${report.afterIdle.atSeconds}`, `< ${report.targets.afterIdleRssMb}: ${met(report.targets.afterIdleMet)}`]] : []),
  ];
  const load = report.load;
  return [
    { kind: 'title', text: `orderctl bench --soak: ${report.variant}` },
    {
      kind: 'paragraph',
      text: `\`${report.command}\` · orderctl ${report.version} · ${report.startedAt} · ${where} · MALLOC_MMAP_THRESHOLD_=${report.mallocMmapThreshold ?? '(unset)'}. The system runs as \`serve\` runs it; its RSS${report.processes ? ' (every service process added up)' : ''} and V8 heap used are sampled every ${report.sampleEverySeconds} s.`,
    },
    { kind: 'heading', text: 'Resident memory' },
    { kind: 'table', head: ['moment', 'RSS (MB)', 'at (s)', 'target'], rows },
    {
      kind: 'paragraph',
      text: `Load: open loop at ${report.rate} orders/s offered for ${report.durationSeconds} s; ${load.sentPerSecond} sent/s, ${load.acceptedPerSecond} accepted/s; latency p50 ${Math.round(load.latencyMs.p50)} ms, p99 ${Math.round(load.latencyMs.p99)} ms (n = ${load.samples}); ${load.errors} errors, ${load.timeouts} timeouts, ${load.notSent} never sent. Orders: ${report.orders.sent} sent, ${report.orders.final} final, ${report.orders.pending} pending after the idle time. Peak heap used: ${report.peakHeapUsedMb} MB.`,
    },
    { kind: 'chart', chart: soakChart(report) },
    { kind: 'heading', text: SAMPLES_TABLE },
    { kind: 'table', head: ['at (s)', 'phase', 'RSS (MB)', 'heap used (MB)'], rows: report.samples.map((s) => [`${s.atSeconds}`, s.phase, `${s.rssMb}`, `${s.heapUsedMb}`]) },
  ];
}

/** The soak report as Markdown (what the terminal shows). */
export const soakMarkdown = (report: SoakReport, pictures = true) => blocksToMarkdown(soakDocument(report), pictures);

/** Writes report.json, report.md, report.html and the chart (its spec and, with `pictures`, its SVG) into `dir`. */
export const writeSoakFiles = (dir: string, report: SoakReport, pictures = true): Promise<void> => writeReportFolder(dir, soakDocument(report), report, pictures);
