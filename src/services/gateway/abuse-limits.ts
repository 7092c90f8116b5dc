import type { Request, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { errorBody } from '../../core/errors.js';

/** What the public API lets one client do (`serve` applies these; a harness run, its own only client, none). */
export interface AbuseLimits {
  /** Registrations per client address per minute. */
  registrationsPerMinute: number;
  /** Login attempts per client address per minute. */
  loginsPerMinute: number;
  /** Wrong passwords in a row for one account before it is locked; the lock lasts `lockoutSeconds`, and a right password does not open it. */
  wrongPasswordsBeforeLockout: number;
  lockoutSeconds: number;
  /** Open order event streams per user. */
  streamsPerUser: number;
}

/** Limits a public API is expected to have: generous for people, tight for a script. */
export const DEFAULT_LIMITS: AbuseLimits = { registrationsPerMinute: 20, loginsPerMinute: 60, wrongPasswordsBeforeLockout: 10, lockoutSeconds: 900, streamsPerUser: 10 };

/** 429 with `Retry-After` (whole seconds, at least 1). */
function tooMany(res: Response, retryAfterMs: number, message: string): void {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  res.set('Retry-After', String(seconds));
  res.status(429).json(errorBody(429, `${message}; try again in ${seconds} s`, { retryAfterSeconds: seconds }));
}

const clientOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** The gateway's guards against abuse, from rate-limiter-flexible: per client address, per account, per user. */
export class AbuseGuard {
  private readonly registrations: RateLimiterMemory;
  private readonly logins: RateLimiterMemory;
  private readonly wrongPasswords: RateLimiterMemory;
  private readonly streams = new Map<string, number>();

  constructor(private readonly limits: AbuseLimits = DEFAULT_LIMITS) {
    this.registrations = new RateLimiterMemory({ keyPrefix: 'register', points: limits.registrationsPerMinute, duration: 60 });
    this.logins = new RateLimiterMemory({ keyPrefix: 'login', points: limits.loginsPerMinute, duration: 60 });
    this.wrongPasswords = new RateLimiterMemory({ keyPrefix: 'wrong', points: limits.wrongPasswordsBeforeLockout, duration: limits.lockoutSeconds, blockDuration: limits.lockoutSeconds });
  }

  /** Counts a registration or a login attempt from the request's client address: false, after answering 429, past the limit. */
  async admit(kind: 'registration' | 'login', req: Request, res: Response): Promise<boolean> {
    try {
      await (kind === 'registration' ? this.registrations : this.logins).consume(clientOf(req));
      return true;
    } catch (refused) {
      if (!(refused instanceof RateLimiterRes)) throw refused;
      tooMany(res, refused.msBeforeNext, `too many ${kind === 'registration' ? 'registrations' : 'logins'} from this address`);
      return false;
    }
  }

  /** Whether an account is locked after wrong passwords: the milliseconds until it opens, or 0. */
  async lockedFor(email: string): Promise<number> {
    const state = await this.wrongPasswords.get(email.toLowerCase());
    return state && state.consumedPoints >= this.limits.wrongPasswordsBeforeLockout ? state.msBeforeNext : 0;
  }

  /** A login to `email` failed (wrong password) or succeeded (the count of wrong ones starts again). */
  async loginOutcome(email: string, succeeded: boolean): Promise<void> {
    const key = email.toLowerCase();
    if (succeeded) await this.wrongPasswords.delete(key);
    else await this.wrongPasswords.penalty(key, 1).catch(() => undefined);
  }

  /** Answers 429 for the locked account, true when it did. */
  async refuseLocked(email: string, res: Response): Promise<boolean> {
    const ms = await this.lockedFor(email);
    if (ms > 0) tooMany(res, ms, 'this account is locked after too many wrong passwords');
    return ms > 0;
  }

  /** Opens a stream for `userId` if it has fewer than the limit open: returns how to give it back, or undefined after answering 429. */
  stream(userId: string, res: Response): (() => void) | undefined {
    const open = this.streams.get(userId) ?? 0;
    if (open >= this.limits.streamsPerUser) {
      tooMany(res, 5_000, `${open} event streams are open for this user already`);
      return undefined;
    }
    this.streams.set(userId, open + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.streams.get(userId) ?? 1) - 1;
      if (left > 0) this.streams.set(userId, left);
      else this.streams.delete(userId);
    };
  }
}
