import { newId } from '../../core/ids.js';
import { z } from 'zod';
import { conflict, notFound, unauthorized } from '../../core/errors.js';
import type { Tokens } from '../../core/tokens.js';
import { emailField, text } from '../../http/validate.js';
import { isUniqueViolation } from '../../storage/sql-db.js';
import type { Store } from '../../storage/store.js';
import type { TraceContext } from '../../tracing/context.js';
import { hashPassword, verifyPassword } from './passwords.js';

export const identitySchema = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS users_by_creation ON users (created_at, id);
CREATE TABLE IF NOT EXISTS recovery_marks (
  job TEXT PRIMARY KEY,
  scanned_until TEXT NOT NULL
);`;

const name = text({ max: 100, trim: true });
const phone = text({ max: 32, trim: true });

/** The registration form, as the public API takes it. */
export const registrationForm = z.object({
  email: emailField,
  password: text({ min: 8, max: 128 }),
  firstName: name.optional(),
  lastName: name.optional(),
  phone: phone.optional(),
});
export type RegistrationForm = z.infer<typeof registrationForm>;

/** The login form: no rule on the password but its length, so a wrong one is a 401, not a hint. */
export const loginForm = z.object({ email: text({ max: 254 }), password: text({ max: 128 }) });

/** What a user may change of their profile. */
export const profilePatch = z.object({ firstName: name.optional(), lastName: name.optional(), phone: phone.optional() });

/** A user as every API shows it (never the password hash). */
export interface User {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  phone: string;
}

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  first_name: string;
  last_name: string;
  phone: string;
}

const toUser = (row: UserRow): User => ({ id: row.id, email: row.email, firstName: row.first_name, lastName: row.last_name, phone: row.phone });

/** Users, their passwords and their logins. Raises UserRegistered. */
export class IdentityService {

  constructor(
    private readonly store: Store,
    private readonly tokens: Tokens,
  ) {}

  async register(trace: TraceContext | undefined, form: RegistrationForm): Promise<User> {
    const hash = await hashPassword(form.password);
    const row: UserRow = {
      id: newId(),
      email: form.email.toLowerCase(),
      password_hash: hash,
      first_name: form.firstName ?? '',
      last_name: form.lastName ?? '',
      phone: form.phone ?? '',
    };
    const user = toUser(row);
    try {
      this.store.write(trace, () => {
        this.store
          .sql(`INSERT INTO users (id, email, password_hash, first_name, last_name, phone, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
          .run(row.id, row.email, row.password_hash, row.first_name, row.last_name, row.phone, new Date().toISOString().slice(0, 19).replace('T', ' '));
        this.store.raise('UserRegistered', user);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('email is already registered');
      throw error;
    }
    return user;
  }

  /** Undoes a registration whose follow-up (the billing account) failed, with what it left in the outbox. */
  remove(trace: TraceContext | undefined, id: string): void {
    this.store.write(trace, () => {
      this.store.sql('DELETE FROM users WHERE id = ?').run(id);
      this.store.discard(id);
    });
  }

  /** Ids of the users created in [from, to) (times as `YYYY-MM-DD HH:MM:SS`, UTC), oldest first: what the recovery pass checks. */
  usersCreatedBetween(from: string, to: string, limit = 500, after: { createdAt: string; id: string } = { createdAt: from, id: '' }): { id: string; createdAt: string }[] {
    // Keyset paging on (created_at, id): many users created in the same second still come page by page.
    return this.store
      .sql('SELECT id, created_at AS createdAt FROM users WHERE created_at >= ? AND created_at < ? AND (created_at > ? OR (created_at = ? AND id > ?)) ORDER BY created_at, id LIMIT ?')
      .all(from, to, after.createdAt, after.createdAt, after.id, limit) as { id: string; createdAt: string }[];
  }

  /** Up to when (`YYYY-MM-DD HH:MM:SS`, UTC) the recovery job `job` has checked every user ('' when never): kept across restarts. */
  scannedUntil(job: string): string {
    return (this.store.sql('SELECT scanned_until AS until FROM recovery_marks WHERE job = ?').get(job) as { until: string } | undefined)?.until ?? '';
  }

  /** Records that the recovery job `job` has checked every user created before `until`. */
  markScanned(job: string, until: string): void {
    this.store.write(undefined, () => {
      this.store.sql('INSERT INTO recovery_marks (job, scanned_until) VALUES (?, ?) ON CONFLICT (job) DO UPDATE SET scanned_until = excluded.scanned_until').run(job, until);
    });
  }

  async login(email: string, password: string): Promise<string> {
    const row = this.store.sql('SELECT * FROM users WHERE email = ?').get(email.toLowerCase()) as UserRow | undefined;
    // An unknown e-mail costs the same hash as a known one, so timing does not tell which addresses exist.
    const valid = await verifyPassword(password, row?.password_hash ?? (await this.decoyHash()));
    if (!row || !valid) throw unauthorized('invalid email or password');
    return this.tokens.issue(row);
  }

  private decoy?: Promise<string>;
  private decoyHash(): Promise<string> {
    return (this.decoy ??= hashPassword('decoy password, never matches'));
  }

  get(id: string): User {
    const row = this.store.sql('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    if (!row) throw notFound('user not found');
    return toUser(row);
  }

  update(trace: TraceContext | undefined, id: string, patch: z.infer<typeof profilePatch>): User {
    return this.store.write(trace, () => {
      const current = this.get(id);
      this.store
        .sql('UPDATE users SET first_name = ?, last_name = ?, phone = ? WHERE id = ?')
        .run(patch.firstName ?? current.firstName, patch.lastName ?? current.lastName, patch.phone ?? current.phone, id);
      return this.get(id);
    });
  }
}
