import type { Database, Statement } from 'better-sqlite3';
import { insertSql } from './program.js';
import type { InsertRows, Program, ProgramRunner, SqlOp } from './program.js';

/** SQLite binds at most this many parameters per statement (SQLITE_MAX_VARIABLE_NUMBER, 32766 since 3.32). */
const MAX_PARAMS = 32_000;
/** Rows per multi-row insert: beyond a few dozen the statement cache hits drop and it gets no faster. */
const ROWS_PER_INSERT = 64;

/**
 * Runs programs on a better-sqlite3 connection. The whole program runs synchronously inside
 * `db.transaction`, so no other work on this connection can interleave with it.
 */
export function createSqliteRunner(db: Database): ProgramRunner {
  const cache = new Map<string, Statement>();
  const rawCache = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let s = cache.get(sql);
    if (s === undefined) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const prepareRaw = (sql: string): Statement => {
    let s = rawCache.get(sql);
    if (s === undefined) {
      s = db.prepare(sql).raw(true);
      rawCache.set(sql, s);
    }
    return s;
  };
  const exec = (op: SqlOp): unknown => {
    switch (op.kind) {
      case 'all':
        return prepare(op.sql).all(...op.params);
      case 'values':
        return prepareRaw(op.sql).all(...op.params);
      case 'get':
        return prepare(op.sql).get(...op.params);
      case 'run':
        return prepare(op.sql).run(...op.params).changes;
      case 'insert':
        return insertAll(prepare, op.rows);
      case 'lock':
        return undefined;
      case 'dialect':
        return 'sqlite';
    }
  };
  return {
    dialect: 'sqlite',
    async run<T>(program: () => Program<T>, options: { write?: boolean } = {}): Promise<T> {
      const tx = db.transaction(() => drive(program(), exec));
      return options.write === true ? tx.immediate() : tx.deferred();
    },
  };
}

function insertAll(prepare: (sql: string) => Statement, rows: InsertRows): number {
  const perStatement = Math.max(1, Math.min(ROWS_PER_INSERT, Math.floor(MAX_PARAMS / rows.columns.length)));
  const full = prepare(insertSql(rows, perStatement));
  const params: unknown[] = new Array(perStatement * rows.columns.length);
  let changed = 0;
  let at = 0;
  for (; at + perStatement <= rows.rows.length; at += perStatement) {
    let k = 0;
    for (let r = at; r < at + perStatement; r += 1) for (const v of rows.rows[r] as readonly unknown[]) params[k++] = v;
    changed += full.run(params).changes;
  }
  if (at < rows.rows.length) {
    const rest = rows.rows.slice(at);
    changed += prepare(insertSql(rows, rest.length)).run(rest.flat()).changes;
  }
  return changed;
}

/** Steps a program, feeding each operation's result (or error) back in. */
export function drive<T>(program: Program<T>, exec: (op: SqlOp) => unknown): T {
  let step = program.next();
  while (step.done !== true) {
    let result: unknown;
    try {
      result = exec(step.value);
    } catch (error) {
      step = program.throw(error);
      continue;
    }
    step = program.next(result);
  }
  return step.value;
}
