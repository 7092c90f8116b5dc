import type { Db } from '../../storage/database.js';

/** Access tokens logged out before they expire, by their `jti`. */
export interface RevocationList {
  /** Stops the token `jti` from working; `exp` (epoch seconds) is when it would have expired anyway. */
  revoke(jti: string, exp: number): void;
  has(jti: string): boolean;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A revocation list in memory: forgotten when the process ends. */
export function memoryRevocations(): RevocationList {
  const revoked = new Map<string, number>();
  return {
    revoke(jti, exp) {
      const now = nowSeconds();
      for (const [id, expires] of revoked) if (expires < now) revoked.delete(id);
      revoked.set(jti, exp);
    },
    has: (jti) => revoked.has(jti),
  };
}

export const revocationSchema = `
CREATE TABLE IF NOT EXISTS revoked_tokens (
  jti TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS revoked_tokens_by_expiry ON revoked_tokens (expires_at);`;

/** A revocation list in the gateway's database: survives a restart; expired entries are dropped on open and on each logout. */
export function storedRevocations(db: Db): RevocationList {
  const statements = {
    purge: db.prepare('DELETE FROM revoked_tokens WHERE expires_at < ?'),
    insert: db.prepare('INSERT INTO revoked_tokens (jti, expires_at) VALUES (?, ?) ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at'),
    find: db.prepare('SELECT 1 FROM revoked_tokens WHERE jti = ?'),
  };
  statements.purge.run(nowSeconds());
  return {
    revoke(jti, exp) {
      db.transaction(() => {
        statements.purge.run(nowSeconds());
        statements.insert.run(jti, Math.ceil(exp));
      });
    },
    has: (jti) => statements.find.get(jti) !== undefined,
  };
}
