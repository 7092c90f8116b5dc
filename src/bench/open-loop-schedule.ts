/** The plan of an open loop: `count` requests, request i meant to go out at `offsetMs(i)` after the start. */
export interface OpenLoopSchedule {
  rate: number;
  count: number;
  offsetMs(i: number): number;
  /** The index of the first request not yet due `elapsedMs` after the start (all before it are due). */
  dueBefore(elapsedMs: number): number;
}

/** A bad rate or duration for an open loop. */
export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

/** Evenly spaced sends: request i at i / rate seconds, for `durationSeconds` (at least one request). */
export function openLoopSchedule(rate: number, durationSeconds: number): OpenLoopSchedule {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new ScheduleError(`an open loop needs a rate above 0, not ${rate}`);
  if (!(durationSeconds > 0) || !Number.isFinite(durationSeconds)) throw new ScheduleError(`an open loop needs a duration above 0, not ${durationSeconds}`);
  const count = Math.max(1, Math.floor(rate * durationSeconds));
  const interval = 1000 / rate;
  return {
    rate,
    count,
    offsetMs: (i) => i * interval,
    dueBefore: (elapsedMs) => Math.min(count, Math.max(0, Math.floor(elapsedMs / interval) + 1)),
  };
}
