import { randomHex } from '../core/ids.js';

/**
 * What travels with the work caused by one client action, inside a service and across hops. Passed
 * explicitly, from the request or delivery that started the work to every write, call and note it
 * makes (AsyncLocalStorage would cost a hook on every promise in Node 20).
 */
export interface TraceContext {
  /** Participant doing the work right now (`order`, `billing`, `Client`, ...). */
  service: string;
  traceId: string;
  /** Span that caused the current work; becomes the parent of the next hop. */
  spanId: string;
  /** Carried from a command to its reply event across the broker (where commands go over the broker). */
  correlationId?: string;
  /** The message being handled, when this work is a consumer's: its writes record it as processed. */
  delivery?: { consumer: string; messageId: string; recorded: boolean };
}

/** A new W3C trace id: 16 random bytes in hex. */
export const newTraceId = (): string => randomHex(16);
/** A new W3C span id: 8 random bytes in hex. */
export const newSpanId = (): string => randomHex(8);

/** W3C Trace Context `traceparent` header value. */
export function formatTraceparent(traceId: string, spanId: string): string {
  return `00-${traceId}-${spanId}-01`;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

export function parseTraceparent(value: unknown): { traceId: string; spanId: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value.trim());
  return match ? { traceId: match[1], spanId: match[2] } : undefined;
}
