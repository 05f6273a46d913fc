/**
 * Programs: the office domain's transactions written once for SQLite and PostgreSQL. A
 * program is a generator that yields SQL operations and receives their results; the store
 * runs it as ONE transaction, synchronously on better-sqlite3 (so nothing else on the
 * connection can interleave) and asynchronously on a pg client. Pure rules sit between the
 * yields, so a program is the whole unit of work: read, decide, write.
 *
 * Statements use `?` placeholders (numbered for PostgreSQL by the runner).
 */
import type { Dialect } from './schema.js';

export type Raw = Record<string, unknown>;

export type SqlOp =
  | { readonly kind: 'all'; readonly sql: string; readonly params: readonly unknown[] }
  | { readonly kind: 'values'; readonly sql: string; readonly params: readonly unknown[] }
  | { readonly kind: 'get'; readonly sql: string; readonly params: readonly unknown[] }
  | { readonly kind: 'run'; readonly sql: string; readonly params: readonly unknown[] }
  | { readonly kind: 'insert'; readonly rows: InsertRows }
  | { readonly kind: 'lock'; readonly name: string }
  | { readonly kind: 'dialect' };

/** Many rows into one table: a prepared statement per row on SQLite, multi-row VALUES on PostgreSQL. */
export interface InsertRows {
  readonly table: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
  /** e.g. `(terminal, seq) DO NOTHING`; omitted: a conflict is an error. */
  readonly onConflict?: string;
}

export type Program<T> = Generator<SqlOp, T, unknown>;

export interface RunOptions {
  /** Takes the write lock at once (SQLite BEGIN IMMEDIATE); read-only programs leave it out. */
  readonly write?: boolean;
}

/** What the store offers the domain: run one program as one transaction. */
export interface ProgramRunner {
  readonly dialect: Dialect;
  run<T>(program: () => Program<T>, options?: RunOptions): Promise<T>;
}

export function* all(sql: string, params: readonly unknown[] = []): Program<Raw[]> {
  return (yield { kind: 'all', sql, params }) as Raw[];
}

/** Rows as arrays of column values, in the SELECT's order: fewer objects where millions of rows are read. */
export function* values(sql: string, params: readonly unknown[] = []): Program<unknown[][]> {
  return (yield { kind: 'values', sql, params }) as unknown[][];
}

export function* get(sql: string, params: readonly unknown[] = []): Program<Raw | undefined> {
  return (yield { kind: 'get', sql, params }) as Raw | undefined;
}

/** A statement without rows; the number of rows it changed. */
export function* run(sql: string, params: readonly unknown[] = []): Program<number> {
  return (yield { kind: 'run', sql, params }) as number;
}

/** Inserts rows; the number inserted (conflicts skipped by `onConflict` do not count on SQLite and PostgreSQL alike). */
export function* insertRows(rows: InsertRows): Program<number> {
  if (rows.rows.length === 0) return 0;
  return (yield { kind: 'insert', rows }) as number;
}

/**
 * Serialises programs that take the same named lock until their transaction ends: an
 * advisory transaction lock on PostgreSQL; SQLite's write transactions are serial already.
 */
export function* lock(name: string): Program<void> {
  yield { kind: 'lock', name };
}

export function* dialect(): Program<Dialect> {
  return (yield { kind: 'dialect' }) as Dialect;
}

/** The SQL of one multi-row insert, `?` placeholders; both runners build it the same way. */
export function insertSql(rows: InsertRows, count: number): string {
  const one = `(${rows.columns.map(() => '?').join(', ')})`;
  const values = Array.from({ length: count }, () => one).join(', ');
  const conflict = rows.onConflict === undefined ? '' : ` ON CONFLICT ${rows.onConflict}`;
  return `INSERT INTO ${rows.table} (${rows.columns.join(', ')}) VALUES ${values}${conflict}`;
}

/** Rows to numbers and strings for both drivers: pg gives BIGINT as text, SQLite as numbers. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
export const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
