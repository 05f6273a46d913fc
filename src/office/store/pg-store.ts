import pg from 'pg';
import type { PoolClient } from 'pg';
import type { EventBatch, Status } from '../../sync/index.js';
import { inTransaction, insertPg, migratePg, query, runPgProgram } from './pg-program.js';
import { planIngest } from './plan.js';
import type { SeqRange, StoredLink } from './plan.js';
import { deadLetterParams, statusParams, toAnomaly, toDeadLetter, toStoredEvent, toTerminal } from './rows.js';
import { SQL } from './sql.js';
import type { IngestOutcome, OfficeStore } from './types.js';

export interface PostgresStoreOptions {
  /** e.g. `postgres://postgres@127.0.0.1:5432/test`. */
  readonly connectionString: string;
  /** The schema the tables live in (created if missing); `public` by default. */
  readonly schema?: string;
  readonly max?: number;
  readonly now?: () => number;
}

type Raw = Record<string, unknown>;

/** The office store on PostgreSQL: the same schema, queries and rules as on SQLite. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<OfficeStore> {
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError(`not a schema name: ${schema}`);
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 4, options: `-c search_path=${schema}` });
  pool.on('error', () => undefined);
  const withClient = async <T>(fn: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  };
  const rows = (sql: string, params: readonly unknown[] = []): Promise<Raw[]> => withClient(async (c) => (await query(c, sql, params)).rows);
  await withClient(async (c) => {
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await migratePg(c, (options.now ?? Date.now)());
  });

  return {
    dialect: 'postgres',
    run: (program) => withClient((c) => runPgProgram(c, program)),
    ingestBatch: (batch, receivedAt) => withClient((c) => inTransaction(c, () => ingestInTransaction(c, batch, receivedAt))),
    recordDeadLetter: async (letter) => void (await rows(SQL.insertDeadLetter, deadLetterParams(letter))),
    recordStatus: async (org: string, terminal: string, status: Status, receivedAt: number) =>
      void (await rows(SQL.upsertStatus, statusParams(org, terminal, status, receivedAt))),
    recordAnomaly: async (a) => void (await rows(SQL.insertAnomaly, [a.terminal, a.org, a.kind, a.seq, a.fingerprint, JSON.stringify(a.detail), a.detectedAt])),
    ackedSeq: async (terminal) => Number((await rows(SQL.ackedSeq, [terminal]))[0]?.acked_seq ?? 0),
    events: async (terminal, q = {}) => (await rows(SQL.events, [terminal, q.fromSeq ?? 0, q.limit ?? null])).map(toStoredEvent),
    eventCount: async (terminal) => Number((await (terminal === undefined ? rows(SQL.eventCount) : rows(SQL.eventCountOf, [terminal])))[0]?.n ?? 0),
    anomalies: async (f = {}) => (await rows(SQL.anomalies, [f.terminal ?? null, f.terminal ?? null, f.kind ?? null, f.kind ?? null])).map(toAnomaly),
    deadLetters: async (f = {}) => (await rows(SQL.deadLetters, [f.reason ?? null, f.reason ?? null, f.limit ?? null])).map(toDeadLetter),
    terminals: async () => (await rows(SQL.terminals)).map(toTerminal),
    close: () => pool.end(),
  };
}

/** Creates the terminal's row if it is new and locks it: one round trip. */
const LOCK_TERMINAL = `INSERT INTO terminals (terminal, org, first_seen_at) VALUES ($1, $2, $3)
  ON CONFLICT (terminal) DO UPDATE SET terminal = excluded.terminal RETURNING org, acked_seq`;
/** The stored events around the batch and the terminal's pending ranges: one round trip. */
const NEIGHBOURS = `SELECT seq, hash, prev_hash, NULL::bigint AS last_seq FROM events WHERE terminal = $1 AND seq BETWEEN $2 AND $3
  UNION ALL SELECT first_seq, NULL, NULL, last_seq FROM ingest_ranges WHERE terminal = $1`;

async function ingestInTransaction(client: PoolClient, batch: EventBatch, receivedAt: number): Promise<IngestOutcome> {
  const [terminal] = (await client.query(LOCK_TERMINAL, [batch.terminal, batch.org, receivedAt])).rows as Record<string, unknown>[];
  const around = (await client.query(NEIGHBOURS, [batch.terminal, batch.firstSeq - 1, batch.lastSeq + 1])).rows as Record<string, unknown>[];
  const stored = around.filter((r) => r.last_seq === null).map((r): StoredLink => ({ seq: Number(r.seq), hash: String(r.hash), prevHash: String(r.prev_hash) }));
  const ranges = around.filter((r) => r.last_seq !== null).map((r): SeqRange => ({ firstSeq: Number(r.seq), lastSeq: Number(r.last_seq) }));
  const plan = planIngest({ batch, receivedAt, terminalOrg: String(terminal?.org), ackedSeq: Number(terminal?.acked_seq ?? 0), stored, ranges });
  await insertPg(client, {
    table: 'events',
    columns: ['terminal', 'seq', 'org', 'type', 'at', 'payload', 'prev_hash', 'hash', 'received_at'],
    rows: plan.inserts.map((e) => [batch.terminal, e.seq, batch.org, e.type, e.at, JSON.stringify(e.payload), e.prevHash, e.hash, receivedAt]),
  });
  for (const a of plan.anomalies) await query(client, SQL.insertAnomaly, [a.terminal, a.org, a.kind, a.seq, a.fingerprint, JSON.stringify(a.detail), a.detectedAt]);
  if (plan.ranges.length > 0 || ranges.length > 0) {
    await query(client, SQL.deleteRanges, [batch.terminal]);
    for (const r of plan.ranges) await query(client, SQL.insertRange, [batch.terminal, r.firstSeq, r.lastSeq]);
  }
  await query(client, SQL.markIngested, [plan.ackedSeq, receivedAt, batch.terminal]);
  return { ackSeq: plan.ackedSeq, inserted: plan.inserts.length, duplicates: plan.duplicates, anomalies: plan.anomalies.map((a) => a.kind) };
}
