import Database from 'better-sqlite3';
import type { SqlDb, SqlStatement } from './sql-db.js';

/**
 * Switches to WAL. On a fresh file that needs an exclusive lock, and SQLite answers "database is locked"
 * at once, without waiting, when another process opening the same file holds it: try again for up to 5 s.
 */
function walMode(db: Database.Database): void {
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (let tried = 0; ; tried++) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || tried >= 500) throw error;
      Atomics.wait(wait, 0, 0, 10);
    }
  }
}

/** How a SQLite file is opened. */
export interface SqliteOptions {
  /**
   * Nothing else opens the file while this connection has it (no replica, no other process, no second connection):
   * the connection then takes its locks once and holds them until it closes (locking_mode EXCLUSIVE) rather than
   * taking and releasing them around every transaction (fcntl calls each). Anyone else reading the file meanwhile
   * is refused once its busy timeout passes (database is locked). A crash leaves the WAL for the next opener to recover.
   */
  sole?: boolean;
}

/** A service's SQLite file (better-sqlite3), in WAL mode. */
export class SqliteDb implements SqlDb {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(
    readonly location: string,
    options: SqliteOptions = {},
  ) {
    this.db = new Database(location);
    // Replicas of a service open its file at the same moment: each waits for the other's lock rather than failing.
    this.db.pragma('busy_timeout = 5000');
    // Before WAL is used: the WAL index then lives in this process's memory, not in a shared -shm file.
    if (options.sole) this.db.pragma('locking_mode = EXCLUSIVE');
    walMode(this.db);
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.function('now_utc', () => new Date().toISOString());
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  prepare(sql: string): SqlStatement {
    const statement = this.db.prepare(sql);
    return {
      run: (...params) => ({ changes: statement.run(...params).changes }),
      get: (...params) => statement.get(...params),
      all: (...params) => statement.all(...params),
      getLast: (...params) => statement.get(...params),
    };
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  /** The names of a table's columns (for migrations that add one). */
  columns(table: string): Set<string> {
    return new Set((this.db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name));
  }

  transaction<T>(fn: () => T): T {
    return this.db.inTransaction ? this.db.transaction(fn)() : this.db.transaction(fn).immediate();
  }

  exclusive<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  probe(): string | undefined {
    return this.db.open ? undefined : 'the database file is closed';
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
