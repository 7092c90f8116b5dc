/** A statement prepared once; parameters are positional (`?`). */
export interface SqlStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  /**
   * `get` as the last statement of the transaction under way: PostgreSQL sends the COMMIT with it, one round trip
   * fewer. Nothing may run in that transaction after it (PostgreSQL throws: it committed already). Inside a savepoint,
   * or outside a transaction, it is `get` (and where a database lacks it: see `getLast`).
   */
  getLast?(...params: unknown[]): unknown;
}

/** `statement.getLast(...params)`, or `get` where the statement has no `getLast`. */
export function getLast(statement: SqlStatement, ...params: unknown[]): unknown {
  return statement.getLast ? statement.getLast(...params) : statement.get(...params);
}

/** Which engine keeps a service's data. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * A service's own database, SQLite or PostgreSQL, behind one synchronous interface: a write is one
 * transaction that no other work of the process interleaves with, on either engine. SQL is written
 * once, in the subset both understand; `now_utc()` (ISO-8601 text, ms) and `rowid` (insertion
 * order) exist on both.
 */
export interface SqlDb {
  readonly dialect: Dialect;
  /** Where the data is, for messages: a file, or schema and database. */
  readonly location: string;
  readonly inTransaction: boolean;
  prepare(sql: string): SqlStatement;
  /** Runs statements without parameters (a schema). */
  exec(sql: string): void;
  /**
   * Runs `fn` in one transaction that sees the others as if they ran one after another (SQLite
   * IMMEDIATE, PostgreSQL SERIALIZABLE, tried again when PostgreSQL finds a conflict). Inside a
   * transaction, a savepoint: when `fn` throws, what it wrote is undone and the rest stays.
   */
  transaction<T>(fn: () => T): T;
  /** Runs `fn` in a transaction that no other process opening this database runs at the same time (schema and migrations). */
  exclusive<T>(fn: () => T): T;
  /** Whether the database answers now (reconnecting when it had been lost): undefined when it does, else why not. */
  probe(): string | undefined;
  /** Hears when the database is lost (with why) and when it answers again (a database behind a network; a file never is). */
  watch?(listener: (change: { up: boolean; detail?: string }) => void): void;
  close(): void;
}

/** Whether a write failed on a unique key (the same email, the same id), on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** Adds the columns a table made by an earlier version lacks (a migration), on either engine. */
export function addMissingColumns(db: SqlDb, table: string, columns: Record<string, string>): void {
  const present =
    db.dialect === 'sqlite'
      ? new Set((db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[]).map((c) => c.name))
      : new Set((db.prepare('SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?').all(table) as { name: string }[]).map((c) => c.name));
  for (const [column, type] of Object.entries(columns)) if (!present.has(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}
