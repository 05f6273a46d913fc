/**
 * The web's path to the office database: single statements run through the store's program
 * runner (one short transaction each), so staff and audit rows live in the same database,
 * on SQLite and PostgreSQL alike, with `?` placeholders for both.
 */
import { all, get, run } from '../store/index.js';
import type { Dialect, ProgramRunner, Raw } from '../store/index.js';

export type Row = Raw;

export interface SqlRunner {
  readonly dialect: Dialect;
  all(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  get(sql: string, params?: readonly unknown[]): Promise<Row | undefined>;
  /** A statement that returns no rows; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

export function sqlRunnerOf(store: ProgramRunner): SqlRunner {
  return {
    dialect: store.dialect,
    all: (sql, params = []) => store.run(() => all(sql, params)),
    get: (sql, params = []) => store.run(() => get(sql, params)),
    // Writes take the write lock at once: a deferred SQLite transaction would upgrade late.
    run: (sql, params = []) => store.run(() => run(sql, params), { write: true }),
  };
}

export { num, str } from '../store/index.js';
