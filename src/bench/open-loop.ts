import { LOAD_ORDER } from './order-outcomes.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { BenchUser } from './bench-protocol.js';
import { assertLoopback, type LoadResult, type LoadTick } from './load-result.js';
import { openLoopSchedule } from './open-loop-schedule.js';
import { percentilesOf } from './percentiles.js';

/** How to load in an open loop. */
export interface OpenLoopOptions {
  /** Requests per second, sent evenly spaced whatever the answers. */
  rate: number;
  durationSeconds: number;
  /** At most this many requests unanswered at once (and as many connections); a request due while all are busy waits and counts as late. */
  maxInFlight: number;
  /** A request unanswered after this long counts as a timeout. */
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

/** A request sent more than this after its intended time counts as late. */
export const LATE_MS = 10;

/**
 * Sends request i at start + i / rate (timers have about 1 ms of resolution; sends due together go together),
 * over up to `maxInFlight` keep-alive connections, and times each answer from the request's *intended* send time,
 * as wrk2 does, so a stall of the system shows in the latencies instead of silently lowering the rate: a request that
 * failed counts at its failure, one timed out at its timeout, and one never sent or never answered at the load's end.
 * POSTs an order of 1.00 as the next customer in turn or, without customers, GETs the path.
 * Bounded: at most rate × duration requests; sending stops at the end of the duration (plus 2 s of grace), and the wait
 * for the last answers at the timeout.
 */
export async function runOpenLoop(url: string, path: string, users: BenchUser[], options: OpenLoopOptions, onTick: LoadTick): Promise<LoadResult> {
  assertLoopback(url);
  const timeoutMs = (options.timeoutSeconds ?? 10) * 1000;
  const schedule = openLoopSchedule(options.rate, options.durationSeconds);
  const pool = new Pool(new URL(url).origin, { connections: options.maxInFlight, pipelining: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 30_000 });
  const body = JSON.stringify(LOAD_ORDER);
  const latencies: number[] = [];
  /** The intended send time of each request in flight, by its number. */
  const open = new Map<number, number>();
  const statusCodes: Record<string, number> = {};
  let sent = 0;
  let answered = 0;
  let accepted = 0;
  let errors = 0;
  let timeouts = 0;
  let late = 0;
  let inFlight = 0;
  let lastSent = 0;
  let lastAnswer = 0;
  let wake: (() => void) | undefined;
  const start = performance.now() + 5;
  const ticker = setInterval(() => onTick(Math.max(0, performance.now() - start) / 1000, answered), 250);

  const fire = (i: number) => {
    const intended = start + schedule.offsetMs(i);
    const now = performance.now();
    if (now - intended > LATE_MS) late++;
    sent++;
    inFlight++;
    open.set(i, intended);
    lastSent = now;
    const request = users.length
      ? pool.request({ method: 'POST', path, body, headers: { 'content-type': 'application/json', authorization: `Bearer ${users[i % users.length].token}` } })
      : pool.request({ method: 'GET', path });
    request
      .then(async (response) => {
        await response.body.dump();
        const at = performance.now();
        latencies.push(at - intended);
        lastAnswer = at;
        answered++;
        statusCodes[response.statusCode] = (statusCodes[response.statusCode] ?? 0) + 1;
        if (response.statusCode >= 200 && response.statusCode < 300) accepted++;
      })
      .catch((error: { code?: string }) => {
        // A request given up on, or failed, is what the client saw at that moment: its time counts in the latencies, as wrk2 counts it.
        if (error.code === 'UND_ERR_HEADERS_TIMEOUT' || error.code === 'UND_ERR_BODY_TIMEOUT') timeouts++;
        else errors++;
        latencies.push(performance.now() - intended);
      })
      .finally(() => {
        inFlight--;
        open.delete(i);
        wake?.();
      });
  };
  const slotFreed = () => new Promise<void>((resolve) => (wake = resolve));

  try {
    let next = 0;
    const stopSendingAt = start + schedule.offsetMs(schedule.count) + 2000;
    while (next < schedule.count && !options.signal?.aborted && performance.now() < stopSendingAt) {
      const due = schedule.dueBefore(performance.now() - start);
      while (next < due && inFlight < options.maxInFlight) fire(next++);
      if (next >= schedule.count) break;
      if (next < due) await Promise.race([slotFreed(), sleep(50)]);
      else await sleep(Math.max(0, start + schedule.offsetMs(next) - performance.now()));
    }
    const notSent = schedule.count - next;
    const drainUntil = performance.now() + timeoutMs + 1000;
    while (inFlight > 0 && !options.signal?.aborted && performance.now() < drainUntil) await Promise.race([slotFreed(), sleep(50)]);
    // Every request the loop meant to send counts: one never sent, or still unanswered when the drain gave up, waited at least until now.
    const end = performance.now();
    for (let i = next; i < schedule.count; i++) latencies.push(Math.max(0, end - (start + schedule.offsetMs(i))));
    for (const intended of open.values()) latencies.push(end - intended);
    const sendSeconds = Math.max(0.001, (lastSent - start) / 1000 + 1 / options.rate);
    const answerSeconds = Math.max(0.001, (Math.max(lastAnswer, lastSent) - start) / 1000);
    return {
      mode: 'open',
      offeredPerSecond: options.rate,
      sentPerSecond: Math.round(sent / sendSeconds),
      answeredPerSecond: Math.round(answered / answerSeconds),
      acceptedPerSecond: Math.round(accepted / answerSeconds),
      latencyMs: percentilesOf(latencies),
      samples: latencies.length,
      statusCodes,
      errors,
      // Still unanswered when the drain gave up: timed out as far as any client is concerned.
      timeouts: timeouts + inFlight,
      late,
      notSent,
    };
  } finally {
    clearInterval(ticker);
    await pool.destroy().catch(() => {});
  }
}
