import type { BenchReport, BenchRun } from './bench-report-schema.js';

/** A target as the bench reports it: met, not met, or not measured in this run (null). */
export interface TargetResult {
  target: string;
  met: boolean | null;
  detail: string;
}

const x = (n: number) => `${n.toFixed(2)}×`;

/** Checks the figures against the project's targets; never asserts, only reports. */
export function evaluateTargets(report: BenchReport): TargetResult[] {
  const run = (variant: string, broker: BenchRun['broker'] = 'in-process') => report.runs.find((r) => r.variant === variant && r.broker === broker);
  const results: TargetResult[] = [];
  const add = (target: string, measured: boolean, met: boolean, detail: string) =>
    results.push({ target, met: measured ? met : null, detail: measured ? detail : 'not measured in this run' });

  const http = run('http');
  const express = report.baselines.expressHello.requestsPerSecond;
  add('http orders/s ≥ 0.15 × express hello-world req/s', !!http, !!http && http.load.acceptedPerSecond >= 0.15 * express, http ? `${http.load.acceptedPerSecond} vs ${express} req/s = ${x(http.load.acceptedPerSecond / express)}` : '');

  const hybrid = run('hybrid');
  const completed = hybrid?.sut.orders?.completedPerSecond ?? 0;
  add('hybrid completed orders/s ≥ 1.5 × http orders/s', !!(http && hybrid?.sut.orders), !!http && completed >= 1.5 * http.load.acceptedPerSecond, http ? `${completed.toFixed(0)} vs ${http.load.acceptedPerSecond} = ${x(completed / Math.max(1, http.load.acceptedPerSecond))}` : '');

  for (const variant of ['event-notification', 'event-collaboration', 'hybrid']) {
    const embedded = run(variant);
    const rabbit = run(variant, 'rabbitmq');
    const ratio = embedded && rabbit ? rabbit.load.acceptedPerSecond / Math.max(1, embedded.load.acceptedPerSecond) : 0;
    add(`${variant}: over RabbitMQ ≥ 0.5 × the in-process broker`, !!(embedded && rabbit), ratio >= 0.5, `${rabbit?.load.acceptedPerSecond} vs ${embedded?.load.acceptedPerSecond} orders/s = ${x(ratio)}`);
  }

  for (const r of report.runs) {
    const ratio = r.ratios.tracingOnToOff;
    add(`${r.variant}${r.broker === 'rabbitmq' ? ' on RabbitMQ' : ''}: tracing on ≥ 0.9 × tracing off`, ratio !== undefined, (ratio ?? 0) >= 0.9, `${r.load.acceptedPerSecond} vs ${r.tracingOff?.acceptedPerSecond} orders/s = ${x(ratio ?? 0)}`);
  }

  const half = hybrid?.halfLoad;
  add('hybrid end-to-end p99 to notification ≤ 50 ms at half its saturation rate', !!half, !!half && half.toNotificationMs.p99 <= 50, half ? `p99 ${half.toNotificationMs.p99} ms at ${half.rate} orders/s` : '');
  return results;
}
