import type { RequestHandler } from 'express';

/** Counts the requests a system's servers are handling, so shutdown can wait until they are answered. */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  /** Express middleware: counts a request from its arrival until its response is finished or abandoned. */
  readonly track: RequestHandler = (_req, res, next) => {
    this.count++;
    res.once('close', () => {
      if (--this.count === 0) for (const wake of this.waiters.splice(0)) wake();
    });
    next();
  };

  get size(): number {
    return this.count;
  }

  /** Resolves once no request is being handled, or after `graceMs`. */
  async idle(graceMs: number): Promise<void> {
    if (this.count === 0) return;
    let timer: NodeJS.Timeout | undefined;
    let wake!: () => void;
    await new Promise<void>((resolve) => {
      wake = resolve;
      this.waiters.push(wake);
      timer = setTimeout(resolve, graceMs);
    });
    clearTimeout(timer);
    this.waiters = this.waiters.filter((w) => w !== wake);
  }
}
