import { randomBytes, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { unauthorized } from './errors.js';

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

  constructor(secret?: string, private readonly ttlSeconds = 3600) {
    this.key = secret ? new TextEncoder().encode(secret) : randomBytes(32);
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

  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      if (typeof payload.userId !== 'string' || typeof payload.email !== 'string') throw new Error('claims missing');
      return { userId: payload.userId, email: payload.email, jti: String(payload.jti), exp: Number(payload.exp) };
    } catch (error) {
      const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw unauthorized(expired ? 'access token has expired; log in again' : 'access token is invalid');
    }
  }
}
