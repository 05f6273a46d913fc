import pg from 'pg';
import type { EventBatch, Status } from '../../sync/index.js';
import { planIngest } from './plan.js';
import type { SeqRange, StoredLink } from './plan.js';
import { deadLetterParams, statusParams, toAnomaly, toDeadLetter, toStoredEvent, toTerminal } from './rows.js';
import { forDialect, MIGRATIONS, MIGRATIONS_TABLE, placeholders } from './schema.js';
import { SQL } from './sql.js';
import type { IngestOutcome, OfficeStore } from './types.js';

export interface PgStoreOptions {
  /** e.g. `postgres://postgres@127.0.0.1:5432/test`. */
  readonly connectionString: string;
  /** The schema the tables live in (created if missing); `public` by default. */
  readonly schema?: string;
  readonly maxConnections?: number;
  readonly now?: () => number;
}

type Raw = Record<string, unknown>;
type Query = (sql: string, params?: readonly unknown[]) => Promise<Raw[]>;

/** Rows per INSERT statement: one round trip per chunk instead of per event. */
const INSERT_CHUNK = 500;
const MIGRATION_LOCK = 0x66615f31; // "fa_1"

/** The office store on PostgreSQL: the same schema, queries and rules as SQLite. */
export async function openPgStore(options: PgStoreOptions): Promise<OfficeStore> {
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError(`not a schema name: ${schema}`);
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 4, options: `-c search_path=${schema}` });
  pool.on('error', () => undefined);
  const query: Query = async (sql, params = []) => (await pool.query(placeholders(sql, 'postgres'), [...params])).rows as Raw[];
  await migratePg(pool, schema, (options.now ?? Date.now)());

  return {
    dialect: 'postgres',
    ingestBatch: (batch, receivedAt) => inTransaction(pool, (q) => ingestInTransaction(q, batch, receivedAt)),
    recordDeadLetter: async (letter) => void (await query(SQL.insertDeadLetter, deadLetterParams(letter))),
    recordStatus: async (org: string, terminal: string, status: Status, receivedAt: number) =>
      void (await query(SQL.upsertStatus, statusParams(org, terminal, status, receivedAt))),
    recordAnomaly: async (a) =>
      void (await query(SQL.insertAnomaly, [a.terminal, a.org, a.kind, a.seq, a.fingerprint, JSON.stringify(a.detail), a.detectedAt])),
    ackedSeq: async (terminal) => Number((await query(SQL.ackedSeq, [terminal]))[0]?.acked_seq ?? 0),
    events: async (terminal, q = {}) => (await query(SQL.events, [terminal, q.fromSeq ?? 0, q.limit ?? null])).map(toStoredEvent),
    eventCount: async (terminal) => Number((await (terminal === undefined ? query(SQL.eventCount) : query(SQL.eventCountOf, [terminal])))[0]?.n ?? 0),
    anomalies: async (f = {}) => (await query(SQL.anomalies, [f.terminal ?? null, f.terminal ?? null, f.kind ?? null, f.kind ?? null])).map(toAnomaly),
    deadLetters: async (f = {}) => (await query(SQL.deadLetters, [f.reason ?? null, f.reason ?? null, f.limit ?? null])).map(toDeadLetter),
    terminals: async () => (await query(SQL.terminals)).map(toTerminal),
    close: () => pool.end(),
  };
}

async function inTransaction<T>(pool: pg.Pool, fn: (q: Query) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const q: Query = async (sql, params = []) => (await client.query(placeholders(sql, 'postgres'), [...params])).rows as Raw[];
  try {
    await client.query('BEGIN');
    const result = await fn(q);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function ingestInTransaction(q: Query, batch: EventBatch, receivedAt: number): Promise<IngestOutcome> {
  await q(SQL.ensureTerminal, [batch.terminal, batch.org, receivedAt]);
  // The row lock serialises the batches of one terminal across ingest workers.
  const [terminal] = await q(`${SQL.terminalForUpdate} FOR UPDATE`, [batch.terminal]);
  const stored = (await q(SQL.storedLinks, [batch.terminal, batch.firstSeq - 1, batch.lastSeq + 1])).map(
    (r): StoredLink => ({ seq: Number(r.seq), hash: String(r.hash), prevHash: String(r.prev_hash) }),
  );
  const ranges = (await q(SQL.ranges, [batch.terminal])).map((r): SeqRange => ({ firstSeq: Number(r.first_seq), lastSeq: Number(r.last_seq) }));
  const plan = planIngest({ batch, receivedAt, terminalOrg: String(terminal?.org), ackedSeq: Number(terminal?.acked_seq ?? 0), stored, ranges });
  for (let i = 0; i < plan.inserts.length; i += INSERT_CHUNK) {
    const chunk = plan.inserts.slice(i, i + INSERT_CHUNK);
    const values = chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    const params = chunk.flatMap((e) => [batch.terminal, e.seq, batch.org, e.type, e.at, JSON.stringify(e.payload), e.prevHash, e.hash, receivedAt]);
    await q(SQL.insertEvent.replace(/VALUES .*$/, `VALUES ${values}`), params);
  }
  for (const a of plan.anomalies) await q(SQL.insertAnomaly, [a.terminal, a.org, a.kind, a.seq, a.fingerprint, JSON.stringify(a.detail), a.detectedAt]);
  await q(SQL.deleteRanges, [batch.terminal]);
  for (const r of plan.ranges) await q(SQL.insertRange, [batch.terminal, r.firstSeq, r.lastSeq]);
  await q(SQL.markIngested, [plan.ackedSeq, receivedAt, batch.terminal]);
  return { ackSeq: plan.ackedSeq, inserted: plan.inserts.length, duplicates: plan.duplicates, anomalies: plan.anomalies.map((a) => a.kind) };
}

async function migratePg(pool: pg.Pool, schema: string, now: number): Promise<void> {
  await inTransaction(pool, async (q) => {
    // Workers starting together: one migrates, the others wait and find it done.
    await q('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
    await q(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await q(MIGRATIONS_TABLE);
    const applied = new Set((await q('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      for (const statement of m.statements) await q(forDialect(statement, 'postgres'));
      await q('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, now]);
    }
  });
}
