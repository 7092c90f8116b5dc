import type { Hop } from '../tracing/recorder.js';
import { SERVICES } from '../system/wiring.js';

/** The services behind the gateway: each can be stopped and slowed down, and owns its data. */
export const BACKEND: readonly string[] = SERVICES.filter((s) => s !== 'gateway');
const isService = (name: string) => (SERVICES as readonly string[]).includes(name);
const isBackend = (name: string) => BACKEND.includes(name);

/** What one client request caused, counted from its recorded trace. */
export interface TraceCounts {
  /** HTTP exchanges, the client's own included. */
  http: number;
  /** Messages put on the broker. */
  messages: number;
  /** HTTP exchanges, messages put and deliveries: every hop but local work. */
  hops: number;
  /** REST calls whose caller and callee are both services behind the gateway. */
  restBetweenServices: number;
  /** GET requests a service (the gateway included) made to another service. */
  reads: number;
  /** Distinct services the request touched (gateway included; not the client, not the broker). */
  participants: number;
  /** Replies the gateway waited for and matched by correlation id (deliveries to it that resume a request). */
  correlationWaits: number;
  /** Messages the gateway put on the broker or had delivered. */
  gatewayMessages: number;
  /** Hops handled by a service behind the gateway (requests and deliveries to it) that ended before the client's answer: what added per-hop latency lengthens. */
  waitedHops: number;
  /** Broker deliveries that ended before the client's answer. */
  deliveriesBeforeAnswer: number;
  /** Hops (local work left out) that ended after the client had its answer. */
  afterAnswer: number;
  /** Deliveries to services behind the gateway: work handed over through the broker. */
  brokered: number;
  /** REST requests to services behind the gateway (the gateway's included): work handed over by a call. */
  called: number;
  /** REST calls made by billing. */
  billingCalls: number;
  /** Copies of another service's data written (`profile copied`). */
  copies: number;
  /** `caller→callee` of every REST call between services behind the gateway. */
  restPairs: string[];
  /** The client's answer: its status and how long it took. */
  status: number;
  answerMs: number;
  /** From the client's request to the order settling (`order pending → …`), when recorded. */
  toFinalMs?: number;
  /** From the client's request to its notification being stored, when recorded. */
  toNotificationMs?: number;
  /** From the client's answer to `account opened` (negative: opened before the answer), when recorded. */
  accountAfterAnswerMs?: number;
}

/** The client's request that started a trace: its HTTP hop from `Client`. */
export const rootOf = (trace: Hop[]): Hop | undefined => trace.find((h) => h.kind === 'http' && h.from === 'Client');

/** Counts what the request at the root of `trace` caused. Returns undefined for a trace the client did not start. */
export function traceCounts(trace: Hop[]): TraceCounts | undefined {
  const root = rootOf(trace);
  if (!root) return undefined;
  const others = trace.filter((h) => h !== root && h.kind !== 'local');
  const http = trace.filter((h) => h.kind === 'http');
  const between = http.filter((h) => isBackend(h.from) && isBackend(h.to));
  const consumed = trace.filter((h) => h.kind === 'consume');
  const ended = (h: Hop) => h.end <= root.end;
  const settled = trace.find((h) => h.kind === 'local' && h.label.startsWith('order pending →'));
  const opened = trace.find((h) => h.kind === 'local' && h.label === 'account opened');
  const notified = trace.find((h) => h.kind === 'local' && h.label.startsWith('notification stored'));
  return {
    http: http.length,
    messages: trace.filter((h) => h.kind === 'publish').length,
    hops: trace.filter((h) => h.kind !== 'local').length,
    restBetweenServices: between.length,
    reads: http.filter((h) => isService(h.from) && h.label.startsWith('GET ')).length,
    participants: new Set(trace.flatMap((h) => [h.from, h.to]).filter(isService)).size,
    correlationWaits: consumed.filter((h) => h.to === 'gateway' && h.resumes).length,
    gatewayMessages: trace.filter((h) => (h.kind === 'publish' && h.from === 'gateway') || (h.kind === 'consume' && h.to === 'gateway')).length,
    waitedHops: trace.filter((h) => (h.kind === 'http' || h.kind === 'consume') && isBackend(h.to) && ended(h)).length,
    deliveriesBeforeAnswer: consumed.filter(ended).length,
    afterAnswer: others.filter((h) => !ended(h)).length,
    brokered: consumed.filter((h) => isBackend(h.to)).length,
    called: http.filter((h) => isService(h.from) && isBackend(h.to)).length,
    billingCalls: http.filter((h) => h.from === 'billing').length,
    copies: trace.filter((h) => h.kind === 'local' && h.label === 'profile copied').length,
    restPairs: between.map((h) => `${h.from}→${h.to}`),
    status: root.status ?? 0,
    answerMs: root.end - root.start,
    ...(settled ? { toFinalMs: settled.end - root.start } : {}),
    ...(notified ? { toNotificationMs: notified.end - root.start } : {}),
    ...(opened ? { accountAfterAnswerMs: opened.end - root.end } : {}),
  };
}

/** The mean of a count over some traces (or other items); 0 for none. */
export const meanOf = <T>(counts: T[], pick: (c: T) => number): number => (counts.length ? counts.reduce((n, c) => n + pick(c), 0) / counts.length : 0);

/** The share (0–1) of items for which `test` holds; 0 for none. */
export const shareOf = <T>(items: T[], test: (item: T, index: number) => boolean): number => (items.length ? items.filter(test).length / items.length : 0);
