import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { postgresUrl, rabbitmqUrl } from './kubernetes-infra.js';

/** A secret value: 32 random bytes in hex (no character a URL or an env file would need to escape). */
const fresh = () => randomBytes(32).toString('hex');

/** `KEY=value` lines as a map (what kustomize reads from an env file). */
const readEnv = (text: string): Record<string, string> =>
  Object.fromEntries(text.split('\n').filter((l) => l.includes('=') && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const writeEnv = (values: Record<string, string>) => `${Object.entries(values).map(([k, v]) => `${k}=${v}`).join('\n')}\n`;

/** One file of secret values: where it goes (under the output folder), what it holds, and whether it was there already (then it is left as it is). */
export interface SecretFile {
  path: string;
  content: string;
  kept: boolean;
  /** Made from other secret values rather than at random. */
  derived: boolean;
}

/** What the user decided about the store and the broker: URLs of their own, or the ones in the cluster. */
export interface Externals {
  store?: string;
  broker?: string;
}

/**
 * The files of secret values the manifests are built with. A file already there is kept (so running the
 * command again rotates nothing: not the token key, not the database password its volume was made
 * with); a missing one is made with fresh random values; a URL the user gives is written as given.
 */
export class SecretFiles {
  readonly files: SecretFile[] = [];
  constructor(private readonly out: string) {}

  /** An env file of `keys`, kept when it exists, else made by `make`. */
  env(path: string, make: () => Record<string, string>, overwrite?: Record<string, string>): Record<string, string> {
    const full = join(this.out, path);
    const kept = !overwrite && existsSync(full);
    const values = overwrite ?? (kept ? readEnv(readFileSync(full, 'utf8')) : make());
    this.files.push({ path, content: writeEnv(values), kept, derived: false });
    return values;
  }

  /** A file written anew each time from values derived from the kept ones (the link credentials of a style). */
  derived(path: string, content: string): void {
    this.files.push({ path, content, kept: false, derived: true });
  }

  /** The token key identity signs with and the gateway checks. */
  jwt = (path: string) => this.env(path, () => ({ ORDERCTL_JWT_SECRET: fresh() }));
  /** The secret each style's link credentials are made from; it never enters the cluster. */
  mesh = (path: string) => this.env(path, () => ({ ORDERCTL_MESH_SECRET: fresh() })).ORDERCTL_MESH_SECRET;
  /** The store's URL: the user's, or the in-cluster PostgreSQL's with a password of its own. */
  store = (path: string, given?: string) =>
    this.env(path, () => {
      const password = fresh();
      return { POSTGRES_PASSWORD: password, ORDERCTL_STORE: postgresUrl(password) };
    }, given ? { ORDERCTL_STORE: given } : undefined);
  /** The broker's URL: the user's, or the in-cluster RabbitMQ's with a password of its own. */
  broker = (path: string, given?: string) =>
    this.env(path, () => {
      const password = fresh();
      return { RABBITMQ_DEFAULT_PASS: password, ORDERCTL_BROKER: rabbitmqUrl(password) };
    }, given ? { ORDERCTL_BROKER: given } : undefined);
}
