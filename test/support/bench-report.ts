import { benchReportSchema, type BenchReport } from '../../src/bench/bench-report-schema.js';

/** A bench report as bench writes it (checked against the schema): one machine, default settings, these runs and hello-world baselines. */
export function benchReport(parts: { runs: unknown[]; hello: unknown; settings?: Partial<BenchReport['settings']>; date?: string; command?: string }): BenchReport {
  const hello = { repeats: [], summary: parts.hello };
  return benchReportSchema.parse({
    tool: 'orderctl bench',
    version: '0.1.0',
    date: parts.date ?? '2026-12-01T10:00:00.000Z',
    command: parts.command ?? 'orderctl bench',
    machine: { cpus: 2, cpuModel: 'test cpu', memoryGb: 24, node: 'v20.20.2', platform: 'linux x64' },
    settings: { durationSeconds: 5, warmupSeconds: 1, repeat: 3, connections: 32, users: 64, maxInFlight: 32, ...parts.settings },
    baselines: { expressHello: hello, nodeHttpHello: hello },
    runs: parts.runs,
    comparisons: [],
    consistent: true,
  });
}
