import { formatSpread, type Spread } from '../core/stats.js';
import { benchCharts, TABLES, type BenchChart } from './bench-charts.js';
import type { BenchReport, BenchRun, LoadSummary } from './bench-report-schema.js';
import { SERVICES } from '../system/wiring.js';
import { runName } from './comparisons.js';
import { baselineBlocks } from './baseline-blocks.js';
import { ACCEPTED_DEFINED, CPU_PER_ORDER_DEFINED, ORDERS_DEFINED_SHORT, ordersDefined } from './definitions.js';
import { outcomeBlocks } from './outcome-blocks.js';

/** One block of the report page: the Markdown and the HTML are both drawn from these. */
export type Block =
  | { kind: 'title' | 'heading' | 'paragraph'; text: string }
  | { kind: 'table'; head: string[]; rows: string[][] }
  | { kind: 'list'; items: { text: string; bad?: boolean }[] }
  | { kind: 'chart'; chart: BenchChart };

const whole = (n: number) => Math.round(n).toLocaleString('en-US');
const one = (n: number) => n.toFixed(1);
const ratio = (n: number) => (Math.abs(n) < 0.1 ? n.toFixed(3) : n.toFixed(2));
const orDash = (s: Spread | undefined, format: (n: number) => string) => (s ? formatSpread(s, format) : '–');
const rate = (s: Spread) => formatSpread(s, whole);
const ms = (s: Spread) => formatSpread(s, one);
const times = (s: Spread) => formatSpread(s, ratio).replace(/^(\S+)/, '$1×');
const failures = (l: LoadSummary) => (l.failures ? `${whole(l.failures)} in all` : '0');
const late = (l: LoadSummary) => `${whole(l.late)}${l.notSent ? `, ${whole(l.notSent)} not sent` : ''}`;

function howTheLoadWent(report: BenchReport): string {
  const s = report.settings;
  const main = s.rate
    ? `the main runs are an open loop at ${s.rate} orders/s (requests evenly spaced, latency from each request's intended send time, at most ${s.maxInFlight} unanswered at once)`
    : `the main runs are a closed loop (autocannon, ${s.connections} connections, each sending its next order when the last is answered: the most the system takes)`;
  return `${s.repeat} repeat${s.repeat > 1 ? 's' : ''} of every measurement, round by round; ${s.warmupSeconds} s warm-up before each (not counted), then ${s.durationSeconds} s measured, each on a freshly booted system with ${s.users} customers; ${main}.${s.capacity ? ` Every style's services had a declared capacity, ${s.capacity} (workers × service time per instance, a timer using no CPU): the service so bounded is the bottleneck, not the machine's cores.` : ''} Baselines are closed loops on hello-world servers.`;
}

const HOW_TO_READ =
  'How to read it: a figure like 435 (n=3, 420–450) is the median of 3 repeats, smallest to largest 420 to 450; n=1 is a single measurement, with no spread to judge a difference by. ' +
  'Charts draw the median as the bar or point and the smallest to largest as whiskers, on axes that start at zero. ' +
  'Accepted and completed orders/s are defined under their table. Closed-loop latencies (autocannon) have 1 ms resolution. ' +
  'Client latency is what the load generator saw; each percentile is computed from every sample of one repeat, and "samples per repeat" says how many that was: ' +
  'in a closed loop, every answer; in an open loop, every request it meant to send (as wrk2 counts them): an answer from its intended send time, a failed request at its failure, a timed-out one at its timeout, and one never sent or never answered at the load\'s end (a lower bound; "late" says how many were never sent).';

const variantName = (r: BenchRun) => runName(r);
const cpuMs = (s: Spread | undefined) => orDash(s, (n) => n.toFixed(2));

/** What the expert reference is, in the words the report uses. */
const REFERENCE_DEFINED =
  'The expert reference is the http style\'s order path written lean, as an expert would (src/bench/expert/): the same hops (client → gateway → order, order → billing, order → notification, notification → identity) on express and undici (keep-alive, Nagle off), the services\' own SQLite schemas and pragmas in a temporary data dir, the same durable writes (the order; the payment as a conditional debit, its ledger row and the payment in one transaction; the settle and an outbox row in one transaction; the notification; sent outbox rows deleted in batches), zod at every hop and access tokens verified once and cached; no recorder, no trace context, no recovery pass. "× the expert reference" is a variant\'s accepted orders/s over the reference\'s, loaded right before it, round by round.';

/** Each style against the floor and the expert reference loaded right before it: orders/s over theirs, and the CPU per order of all three. */
function harnessBlocks(report: BenchReport, chart: Block[]): Block[] {
  const runs = report.runs.filter((r) => r.cpuMsPerOrder);
  if (!runs.length) return [];
  const { floor, reference } = report.baselines;
  return [
    { kind: 'heading', text: TABLES.harness },
    {
      kind: 'paragraph',
      text: `What the harness costs beyond the hops, and beyond an expert's code making the same durable writes: before each repeat of each style, the floor (${floor?.hops ?? '?'} bare express hops) and ${reference ? `the expert reference (the same ${reference.hops} hops with the same durable writes, validation and token check, written lean)` : 'no expert reference (see the baselines)'} were loaded the same way, so each ratio and each CPU figure comes from neighbouring measurements.${reference ? ' The reference keeps its data in SQLite, so a style on PostgreSQL is compared with the floor only.' : ''}`,
    },
    ...chart,
    {
      kind: 'table',
      head: ['variant', 'accepted orders/s', '× the floor', '× the expert reference', 'CPU ms per order: the style', 'the floor', 'the expert reference'],
      rows: runs.map((r) => [
        variantName(r),
        rate(r.summary.load.acceptedPerSecond),
        r.ratios.toFloor ? times(r.ratios.toFloor) : '–',
        r.ratios.toReference ? times(r.ratios.toReference) : '–',
        cpuMs(r.cpuMsPerOrder),
        cpuMs(r.floorCpuMsPerOrder),
        cpuMs(r.referenceCpuMsPerOrder),
      ]),
    },
    { kind: 'paragraph', text: CPU_PER_ORDER_DEFINED },
  ];
}

/** The saga probe of each run: how long a saga takes to reach delivery, and to be cancelled when delivery refuses, and over how many hops. */
function sagaBlocks(report: BenchReport): Block[] {
  const probed = report.runs.filter((r) => r.summary.saga);
  if (!probed.length) return [];
  const hops = (h: { http: number; messages: number }) => `${h.http} + ${h.messages}`;
  return [
    { kind: 'heading', text: 'The order saga' },
    {
      kind: 'paragraph',
      text: `After each traced load, one customer placed sagas one at a time: ${probed[0].summary.saga!.sagas} that reach delivery, and as many to a city outside the delivery zones (paid, reserved, then cancelled: refunded and released). Times run from the POST reaching the gateway to the order service recording delivering, or cancelled (from the recording, so polling does not blur them): the median of each repeat, with the spread over the repeats. Hops are the HTTP exchanges (the client's POST included) + the messages put on the broker until then, per saga.`,
    },
    {
      kind: 'table',
      head: ['variant', 'sagas per repeat', 'to delivering p50 ms', 'hops to delivering (http + messages)', 'to cancelled p50 ms', 'hops to cancelled (http + messages)'],
      rows: probed.map((r) => {
        const g = r.summary.saga!;
        return [variantName(r), String(g.sagas), ms(g.toDeliveringP50), hops(g.hopsToDelivering), ms(g.toCancelledP50), hops(g.hopsToCancelled)];
      }),
    },
  ];
}

/** The report as blocks: what was run, how to read it, the charts each before the table with its figures, comparisons, consistency. */
export function benchDocument(report: BenchReport): Block[] {
  const charts = new Map(benchCharts(report).map((c) => [c.table, c]));
  const chartFor = (table: string): Block[] => (charts.has(table) ? [{ kind: 'chart', chart: charts.get(table)! }] : []);
  const { machine } = report;
  const blocks: Block[] = [
    { kind: 'title', text: `orderctl bench — ${report.date}` },
    { kind: 'paragraph', text: `\`${report.command}\` · ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform}` },
    { kind: 'paragraph', text: howTheLoadWent(report) },
    { kind: 'paragraph', text: HOW_TO_READ },
    { kind: 'heading', text: TABLES.throughput },
    ...chartFor(TABLES.throughput),
    {
      kind: 'table',
      head: ['variant', 'accepted orders/s', 'completed orders/s', '× the floor', '× the expert reference', '× express hello-world req/s', '× node:http hello-world req/s', 'tracing on / off', 'non-2xx, errors, timeouts'],
      rows: report.runs.map((r) => [
        variantName(r),
        rate(r.summary.load.acceptedPerSecond),
        orDash(r.summary.completedPerSecond, whole),
        r.ratios.toFloor ? times(r.ratios.toFloor) : '–',
        r.ratios.toReference ? times(r.ratios.toReference) : '–',
        times(r.ratios.toExpressHello),
        times(r.ratios.toNodeHttpHello),
        times(r.ratios.tracingOnToOff),
        failures(r.summary.load),
      ]),
    },
    { kind: 'paragraph', text: ordersDefined(report.settings) },
    ...harnessBlocks(report, chartFor(TABLES.harness)),
    { kind: 'heading', text: TABLES.latency },
    ...chartFor(TABLES.latency),
    {
      kind: 'table',
      head: ['variant', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'samples per repeat', ...(report.settings.rate ? ['offered /s', 'sent /s', 'answered /s', 'late'] : [])],
      rows: report.runs.map((r) => [
        variantName(r),
        ms(r.summary.load.p50),
        ms(r.summary.load.p90),
        ms(r.summary.load.p99),
        ms(r.summary.load.max),
        rate(r.summary.load.samples),
        ...(report.settings.rate ? [String(report.settings.rate), rate(r.summary.load.sentPerSecond), rate(r.summary.load.answeredPerSecond), late(r.summary.load)] : []),
      ]),
    },
    ...outcomeBlocks(report, chartFor(TABLES.outcome), TABLES.outcome),
    { kind: 'heading', text: TABLES.inside },
    ...chartFor(TABLES.inside),
    {
      kind: 'table',
      head: ['variant', 'to final p50 ms', 'to final p99 ms', 'to notification p50 ms', 'to notification p99 ms', 'http calls / order', 'messages / order', 'CPU s', 'peak MB'],
      rows: report.runs.map((r) => [
        variantName(r),
        orDash(r.summary.toFinalP50, one),
        orDash(r.summary.toFinalP99, one),
        orDash(r.summary.toNotificationP50, one),
        orDash(r.summary.toNotificationP99, one),
        r.summary.httpPerOrder?.toFixed(1) ?? '–',
        r.summary.messagesPerOrder?.toFixed(1) ?? '–',
        formatSpread(r.summary.cpuSeconds, (n) => n.toFixed(2)),
        formatSpread(r.summary.peakRssMb, whole),
      ]),
    },
    { kind: 'paragraph', text: 'To final and to notification time every order of the load from the order service recording it to its final status and to its stored notification, by the services\' own records read back once the system settled (for hybrid: how long a client would have to poll). CPU s and peak MB are the system under test\'s.' },
    ...sagaBlocks(report),
    { kind: 'heading', text: 'Comparisons' },
    { kind: 'paragraph', text: ORDERS_DEFINED_SHORT },
    { kind: 'list', items: report.comparisons.map((c) => ({ text: `${c.topic}: ${c.text}` })) },
    ...(report.baseline ? baselineBlocks(report.baseline) : []),
  ];
  const halves = report.runs.filter((r) => r.halfLoad);
  if (halves.length) {
    blocks.push(
      { kind: 'heading', text: 'At half of saturation' },
      { kind: 'paragraph', text: 'An open loop at half the accepted orders/s measured above: latency when the system is not saturated.' },
      {
        kind: 'table',
        head: ['variant', 'offered /s', 'sent /s', 'answered /s', 'p50 ms', 'p99 ms', 'to notification p50 ms', 'to notification p99 ms', 'samples per repeat', 'late', 'non-2xx, errors, timeouts'],
        rows: halves.map((r) => {
          const h = r.halfLoad!;
          return [variantName(r), String(h.rate), rate(h.summary.sentPerSecond), rate(h.summary.answeredPerSecond), ms(h.summary.p50), ms(h.summary.p99), ms(h.toNotificationP50), ms(h.toNotificationP99), rate(h.summary.samples), late(h.summary), failures(h.summary)];
        }),
      },
    );
    const probed = halves.filter((r) => r.halfLoad!.toClient);
    if (probed.length) {
      const every = probed[0].halfLoad!.toClient!.pollEveryMs;
      blocks.push(
        { kind: 'heading', text: 'When the client learns the outcome: push against polling' },
        {
          kind: 'paragraph',
          text: `During each half load, one more client placed orders one at a time and, after each 202, learned the final status both ways at once: reading the order every ${every} ms, and (where the style pushes) on the order's event stream. Times run from its POST to the final status it saw; the median and p99 are per repeat, with their spread over the repeats.`,
        },
        {
          kind: 'table',
          head: ['variant', 'orders probed', 'by push p50 ms', 'by push p99 ms', `polling every ${every} ms p50 ms`, 'p99 ms', 'reads per order'],
          rows: probed.map((r) => {
            const c = r.halfLoad!.toClient!;
            return [variantName(r), String(c.orders), c.pushP50 ? ms(c.pushP50) : 'no push', c.pushP99 ? ms(c.pushP99) : '–', ms(c.pollP50), ms(c.pollP99), formatSpread(c.readsPerOrder, (n) => n.toFixed(1))];
          }),
        },
      );
    }
  }
  const stepped = report.runs.filter((r) => r.steps?.length);
  if (stepped.length) {
    blocks.push(
      { kind: 'heading', text: TABLES.steps },
      { kind: 'paragraph', text: `Open loop at each rate: requests evenly spaced, latency from each request's intended send time (a stall shows as latency, not as fewer requests); late = sent more than 10 ms after their time (at most ${report.settings.maxInFlight} unanswered at once). ${ACCEPTED_DEFINED}` },
      ...chartFor(TABLES.steps),
      {
        kind: 'table',
        head: ['variant', 'offered /s', 'sent /s', 'answered /s', 'accepted /s', 'p50 ms', 'p99 ms', 'samples per repeat', 'late', 'non-2xx, errors, timeouts'],
        rows: stepped.flatMap((r) =>
          r.steps!.map((s) => [variantName(r), String(s.rate), rate(s.summary.sentPerSecond), rate(s.summary.answeredPerSecond), rate(s.summary.acceptedPerSecond), ms(s.summary.p50), ms(s.summary.p99), rate(s.summary.samples), late(s.summary), failures(s.summary)]),
        ),
      },
    );
  }
  blocks.push(...processBlocks(report));
  const { expressHello, nodeHttpHello, floor, reference } = report.baselines;
  blocks.push(
    { kind: 'heading', text: 'Baselines' },
    {
      kind: 'table',
      head: ['baseline', 'requests/s', 'p50 ms', 'p99 ms', 'samples per repeat'],
      rows: [
        ['express hello-world', rate(expressHello.summary.answeredPerSecond), ms(expressHello.summary.p50), ms(expressHello.summary.p99), rate(expressHello.summary.samples)],
        ['node:http hello-world', rate(nodeHttpHello.summary.answeredPerSecond), ms(nodeHttpHello.summary.p50), ms(nodeHttpHello.summary.p99), rate(nodeHttpHello.summary.samples)],
        ...(floor ? [[`the floor: ${floor.hops} bare express hops`, rate(floor.summary.answeredPerSecond), ms(floor.summary.p50), ms(floor.summary.p99), rate(floor.summary.samples)]] : []),
        ...(reference ? [[`the expert reference: ${reference.hops} lean hops, same durable writes`, rate(reference.summary.answeredPerSecond), ms(reference.summary.p50), ms(reference.summary.p99), rate(reference.summary.samples)]] : []),
      ],
    },
    ...(floor
      ? [{ kind: 'paragraph' as const, text: `The floor is what the hops alone cost: ${floor.hops} express servers in a row (as many HTTP exchanges as one order of the http style makes, counted on a probe order), each passing the order's JSON body on over undici and the answer back, with no validation, database, tokens or recording. "× the floor" is a variant's accepted orders/s over the requests/s of the floor loaded right before it, round by round (the row above sums every such load).` }]
      : []),
    ...(reference ? [{ kind: 'paragraph' as const, text: REFERENCE_DEFINED }] : []),
    { kind: 'heading', text: 'Consistency after the load' },
    {
      kind: 'list',
      items: [
        ...report.runs.map((r) => ({ name: variantName(r), repeats: r.repeats })),
        ...(report.processes ?? []).map((p) => ({ name: `${runName(p)}, one process per service, billing×${p.billingReplicas}`, repeats: p.repeats })),
      ].flatMap((r) =>
        r.repeats.map((x, i) => {
          const c = x.sut.consistency;
          const which = `${r.name}${r.repeats.length > 1 ? ` [${i + 1}]` : ''}`;
          return c?.ok === false ? { text: `${which}: NOT consistent: ${c.problems.join('; ')} (${c.summary})`, bad: true } : { text: `${which}: consistent (${c?.summary ?? 'not checked'})` };
        }),
      ),
    },
    { kind: 'paragraph', text: 'Every repeat\'s own figures are in report.json; each chart\'s spec is next to its picture as <name>.vl.json (open it in any Vega-Lite editor).' },
  );
  return blocks;
}

const SERVICE_ORDER: readonly string[] = SERVICES;

/** `--processes`: each variant in one process and in one process per service, billing ×1/×2/×3, side by side. */
function processBlocks(report: BenchReport): Block[] {
  const scaled = report.processes ?? [];
  if (!scaled.length) return [];
  const rows: string[][] = [];
  for (const variant of [...new Set(scaled.map((p) => p.variant))]) {
    for (const store of [...new Set(scaled.filter((p) => p.variant === variant).map((p) => p.store))]) {
      const broker = scaled.find((p) => p.variant === variant)!.broker;
      const inProcess = report.runs.find((r) => r.variant === variant && r.broker === broker && r.store === store);
      if (inProcess) {
        rows.push([
          runName(inProcess),
          'one process',
          rate(inProcess.summary.load.acceptedPerSecond),
          ms(inProcess.summary.load.p99),
          inProcess.ratios.toFloor ? times(inProcess.ratios.toFloor) : '–',
          inProcess.ratios.toReference ? times(inProcess.ratios.toReference) : '–',
          `all ${orDash(inProcess.cpuMsPerOrder, (n) => n.toFixed(2))}`,
        ]);
      }
      for (const p of scaled.filter((x) => x.variant === variant && x.store === store)) {
        const cpu = SERVICE_ORDER.filter((s) => p.cpuMsPerOrder[s]).map((s) => `${s} ${formatSpread(p.cpuMsPerOrder[s], (n) => n.toFixed(2))}`);
        rows.push([runName(p), `one process per service, billing×${p.billingReplicas}`, rate(p.summary.acceptedPerSecond), ms(p.summary.p99), p.toFloor ? times(p.toFloor) : '–', p.toReference ? times(p.toReference) : '–', cpu.join(' · ')]);
      }
    }
  }
  return [
    { kind: 'heading', text: 'One process per service' },
    {
      kind: 'paragraph',
      text: 'The same load on each variant in one process and with every service in an OS process of its own (the styles with events over RabbitMQ), with 1, 2 and 3 billing processes sharing billing\'s port and queues. CPU ms per order is per service (its replicas together); in one process, for all of it. On a machine with few cores, more processes compete for the same cores: scaling shows only where a service, not the machine, was the limit. ' + ACCEPTED_DEFINED,
    },
    { kind: 'table', head: ['variant', 'placement', 'accepted orders/s', 'p99 ms', '× the floor', '× the expert reference', 'CPU ms per order'], rows },
    { kind: 'paragraph', text: CPU_PER_ORDER_DEFINED },
  ];
}
