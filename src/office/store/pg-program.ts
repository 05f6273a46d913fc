import type { PoolClient } from 'pg';
import { insertSql } from './program.js';
import type { InsertRows, Program, SqlOp } from './program.js';
import { forDialect, MIGRATIONS, MIGRATIONS_TABLE, placeholders } from './schema.js';

/** PostgreSQL binds at most 65,535 parameters per statement. */
const MAX_PARAMS = 65_000;
const ROWS_PER_INSERT = 1_000;

/** SQLSTATEs worth running a transaction again for: serialization failure and deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 4;

export async function query(client: PoolClient, sql: string, params: readonly unknown[] = []): Promise<{ rows: Record<string, unknown>[]; rowCount: number }> {
  const result = await client.query(placeholders(sql, 'postgres'), [...params]);
  return { rows: result.rows as Record<string, unknown>[], rowCount: result.rowCount ?? 0 };
}

/** BEGIN … COMMIT around `fn`, rolled back on any error and tried again on a deadlock. */
export async function inTransaction<T>(client: PoolClient, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    await client.query('BEGIN');
    try {
      const result = await fn();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (error as { code?: unknown }).code;
      if (attempt >= ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
    }
  }
}

export async function insertPg(client: PoolClient, rows: InsertRows): Promise<number> {
  const perStatement = Math.max(1, Math.min(ROWS_PER_INSERT, Math.floor(MAX_PARAMS / rows.columns.length)));
  let changed = 0;
  for (let at = 0; at < rows.rows.length; at += perStatement) {
    const chunk = rows.rows.slice(at, at + perStatement);
    changed += (await query(client, insertSql(rows, chunk.length), chunk.flat())).rowCount;
  }
  return changed;
}

async function exec(client: PoolClient, op: SqlOp): Promise<unknown> {
  switch (op.kind) {
    case 'all':
      return (await query(client, op.sql, op.params)).rows;
    case 'values':
      return (await client.query({ text: placeholders(op.sql, 'postgres'), values: [...op.params], rowMode: 'array' })).rows as unknown[][];
    case 'get':
      return (await query(client, op.sql, op.params)).rows[0];
    case 'run':
      return (await query(client, op.sql, op.params)).rowCount;
    case 'insert':
      return insertPg(client, op.rows);
    case 'lock':
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [op.name]);
      return undefined;
    case 'dialect':
      return 'postgres';
  }
}

/** Runs a program in one transaction on `client`; a fresh generator per attempt. */
export function runPgProgram<T>(client: PoolClient, program: () => Program<T>): Promise<T> {
  return inTransaction(client, async () => {
    const gen = program();
    let step = gen.next();
    while (step.done !== true) {
      let result: unknown;
      try {
        result = await exec(client, step.value);
      } catch (error) {
        step = gen.throw(error);
        continue;
      }
      step = gen.next(result);
    }
    return step.value;
  });
}

/** Applies the migrations a database lacks, each in its own transaction, one migrating worker at a time. */
export async function migratePg(client: PoolClient, now: number): Promise<void> {
  await client.query(MIGRATIONS_TABLE);
  for (const m of MIGRATIONS) {
    await inTransaction(client, async () => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['fa-office-migrations']);
      const applied = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (applied.rowCount !== 0) return;
      for (const statement of m.statements) await client.query(forDialect(statement, 'postgres'));
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, now]);
    });
  }
}
