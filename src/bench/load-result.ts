import type { Percentiles } from './bench-protocol.js';

/** What the client side saw during one load. */
export interface LoadResult {
  /** closed: each connection sends its next request when the last is answered; open: sends at a fixed rate whatever the answers. */
  mode: 'closed' | 'open';
  /** Open loop only: the rate asked for, requests per second. */
  offeredPerSecond?: number;
  /** Requests actually sent per second. */
  sentPerSecond: number;
  /** Requests answered (any status) per second. */
  answeredPerSecond: number;
  /** Answered 2xx, per second. */
  acceptedPerSecond: number;
  /** Open loop: from each request's intended send time (coordinated omission corrected); closed loop: from its send. */
  latencyMs: Percentiles;
  /** How many requests the percentiles rest on (open loop: every one it meant to send, answered or not). */
  samples: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Open loop: requests sent more than LATE_MS after their intended time (all connections busy, or the generator behind). */
  late: number;
  /** Open loop: requests never sent because the time was up (the in-flight cap held them back too long). */
  notSent: number;
}

/** Hears the elapsed seconds and the answers so far. */
export type LoadTick = (seconds: number, answered: number) => void;

/** A load may only go to this machine. */
export class LoadTargetError extends Error {
  constructor(url: string) {
    super(`load is only ever sent to 127.0.0.1, not to ${url}`);
    this.name = 'LoadTargetError';
  }
}

/** Throws unless `url` is on 127.0.0.1. */
export function assertLoopback(url: string): void {
  if (new URL(url).hostname !== '127.0.0.1') throw new LoadTargetError(url);
}
