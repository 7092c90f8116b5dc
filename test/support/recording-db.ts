import type { SqlDb, SqlStatement } from '../../src/storage/sql-db.js';

/** A statement that ran, with the parameters it ran with. */
export interface Ran {
  sql: string;
  params: unknown[];
}

/** A service's real database that notes every statement it runs (from `recording = true` on), for their query plans. */
export class RecordingDb implements SqlDb {
  readonly ran: Ran[] = [];
  recording = false;

  constructor(readonly inner: SqlDb) {}

  get dialect() {
    return this.inner.dialect;
  }
  get location() {
    return this.inner.location;
  }
  get inTransaction() {
    return this.inner.inTransaction;
  }
  prepare(sql: string): SqlStatement {
    const statement = this.inner.prepare(sql);
    const note = (params: unknown[]) => {
      if (this.recording) this.ran.push({ sql, params });
    };
    return {
      run: (...params) => (note(params), statement.run(...params)),
      get: (...params) => (note(params), statement.get(...params)),
      all: (...params) => (note(params), statement.all(...params)),
    };
  }
  exec(sql: string): void {
    this.inner.exec(sql);
  }
  transaction<T>(fn: () => T): T {
    return this.inner.transaction(fn);
  }
  exclusive<T>(fn: () => T): T {
    return this.inner.exclusive(fn);
  }
  probe(): string | undefined {
    return this.inner.probe();
  }
  close(): void {
    this.inner.close();
  }
}
