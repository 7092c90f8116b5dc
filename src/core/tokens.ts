import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { AppError, unauthorized } from './errors.js';

/** What an access token says about its holder. */
export interface TokenClaims {
  userId: string;
  email: string;
  jti: string;
  exp: number;
}

/** Issues (identity) and checks (gateway) HS256 access tokens with one shared secret. */
export class Tokens {
  private readonly key: Uint8Array;

  /** `secret`: a passphrase or the key's bytes; none (or empty): a random key for this process only. */
  constructor(secret?: string | Uint8Array, private readonly ttlSeconds = 3600) {
    if (typeof secret === 'string') this.key = secret ? new TextEncoder().encode(secret) : randomBytes(32);
    else this.key = secret?.length ? secret : randomBytes(32);
  }

  /** A token for `user`, valid for `ttlSeconds` (negative: already expired, for tests). */
  async issue(user: { id: string; email: string }, ttlSeconds = this.ttlSeconds): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ userId: user.id, email: user.email })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setJti(randomUUID())
      .setIssuedAt(Math.min(now, now + ttlSeconds - 60))
      .setExpirationTime(now + ttlSeconds)
      .sign(this.key);
  }

  /**
   * Tokens verified here, until they expire: a client sends one token with every request, and checking
   * its signature again (an HMAC through WebCrypto) was a twentieth of an order's CPU at the gateway. The
   * same string is the same signature, so nothing is trusted that was not checked; logout is checked apart.
   */
  private readonly verified = new LRUCache<string, TokenClaims>({ max: 10_000 });

  /** The claims of a valid token; a 401 for an expired, forged or malformed one. */
  async verify(token: string): Promise<TokenClaims> {
    const known = this.verified.get(token);
    if (known && known.exp * 1000 > Date.now()) return known;
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      // Without its own jti a token could not be logged out alone; without exp it would never end.
      if (typeof payload.userId !== 'string' || typeof payload.email !== 'string' || typeof payload.jti !== 'string' || !payload.jti || typeof payload.exp !== 'number') throw new Error('claims missing');
      const claims = { userId: payload.userId, email: payload.email, jti: payload.jti, exp: payload.exp };
      this.verified.set(token, claims);
      return claims;
    } catch (error) {
      const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw unauthorized(expired ? 'access token has expired; log in again' : 'access token is invalid');
    }
  }
}

/** Name of the file, in a data directory, that keeps the token key across restarts. */
export const KEY_FILE = 'jwt.key';

/**
 * The token key kept in `<dir>/jwt.key` (32 random bytes, base64, mode 0600), made on first use:
 * tokens issued before a restart on the same directory stay valid after it.
 */
export function persistentKey(dir: string): Uint8Array {
  const path = join(dir, KEY_FILE);
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new AppError('USAGE', `cannot keep the token key in ${path}: ${(error as Error).message}`);
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length < 32) throw new AppError('USAGE', `${path} does not hold a token key (32 bytes, base64); remove it to make a new one (every token issued so far stops working)`);
  return new Uint8Array(key);
}

/** The token key from configuration: `secret` (ORDERCTL_JWT_SECRET by default) when set, else the key kept in `<dataDir>/jwt.key`. */
export function configuredTokens(dataDir: string, secret = process.env.ORDERCTL_JWT_SECRET): Tokens {
  return new Tokens(secret ? secret : persistentKey(dataDir));
}
