import SqliteDatabase from 'better-sqlite3';
import type { Database, Statement } from 'better-sqlite3';
import type { EventBatch, Status } from '../../sync/index.js';
import { planIngest } from './plan.js';
import type { SeqRange, StoredLink } from './plan.js';
import { deadLetterParams, statusParams, toAnomaly, toDeadLetter, toStoredEvent, toTerminal } from './rows.js';
import { forDialect, MIGRATIONS, MIGRATIONS_TABLE } from './schema.js';
import { createSqliteRunner } from './sqlite-program.js';
import { SQL } from './sql.js';
import type { AnomalyInput, IngestOutcome, OfficeStore } from './types.js';

export interface SqliteStoreOptions {
  /** The database file (created if missing); `:memory:` for a throw-away store. */
  readonly path: string;
  /**
   * FULL (the default): an ack is only sent for what survives a power cut. NORMAL for
   * benchmarks and tests only.
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** Several ingest processes may share one file; a writer waits this long for the lock. */
  readonly busyTimeoutMs?: number;
  /** Clock for the migration record. */
  readonly now?: () => number;
}

type Raw = Record<string, unknown>;

/** The office store on SQLite in WAL mode: the embedded default. */
export function openSqliteStore(options: SqliteStoreOptions): OfficeStore {
  const db = new SqliteDatabase(options.path);
  db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 10_000)}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  migrateSqlite(db, (options.now ?? Date.now)());
  const q = Object.fromEntries(Object.entries(SQL).map(([k, sql]) => [k, db.prepare(sql)])) as Record<keyof typeof SQL, Statement>;
  const ingest = db.transaction((batch: EventBatch, receivedAt: number) => ingestInTransaction(q, batch, receivedAt));
  const insertAnomaly = (a: AnomalyInput): void => {
    q.insertAnomaly.run(a.terminal, a.org, a.kind, a.seq, a.fingerprint, JSON.stringify(a.detail), a.detectedAt);
  };

  const runner = createSqliteRunner(db);

  return {
    dialect: 'sqlite',
    run: (program, runOptions) => runner.run(program, runOptions),
    ingestBatch: async (batch, receivedAt) => ingest.immediate(batch, receivedAt),
    recordDeadLetter: async (letter) => void q.insertDeadLetter.run(...deadLetterParams(letter)),
    recordStatus: async (org: string, terminal: string, status: Status, receivedAt: number) =>
      void q.upsertStatus.run(...statusParams(org, terminal, status, receivedAt)),
    recordAnomaly: async (a) => insertAnomaly(a),
    ackedSeq: async (terminal) => num((q.ackedSeq.get(terminal) as Raw | undefined)?.acked_seq),
    events: async (terminal, query = {}) =>
      (q.events.all(terminal, query.fromSeq ?? 0, query.limit ?? -1) as Raw[]).map(toStoredEvent),
    eventCount: async (terminal) => num(((terminal === undefined ? q.eventCount.get() : q.eventCountOf.get(terminal)) as Raw).n),
    anomalies: async (filter = {}) =>
      (q.anomalies.all(filter.terminal ?? null, filter.terminal ?? null, filter.kind ?? null, filter.kind ?? null) as Raw[]).map(toAnomaly),
    deadLetters: async (filter = {}) =>
      (q.deadLetters.all(filter.reason ?? null, filter.reason ?? null, filter.limit ?? -1) as Raw[]).map(toDeadLetter),
    terminals: async () => (q.terminals.all() as Raw[]).map(toTerminal),
    close: async () => void db.close(),
  };
}

function ingestInTransaction(q: Record<keyof typeof SQL, Statement>, batch: EventBatch, receivedAt: number): IngestOutcome {
  q.ensureTerminal.run(batch.terminal, batch.org, receivedAt);
  const terminal = q.terminalForUpdate.get(batch.terminal) as Raw;
  const stored = (q.storedLinks.all(batch.terminal, batch.firstSeq - 1, batch.lastSeq + 1) as Raw[]).map(
    (r): StoredLink => ({ seq: num(r.seq), hash: String(r.hash), prevHash: String(r.prev_hash) }),
  );
  const ranges = (q.ranges.all(batch.terminal) as Raw[]).map((r): SeqRange => ({ firstSeq: num(r.first_seq), lastSeq: num(r.last_seq) }));
  const plan = planIngest({ batch, receivedAt, terminalOrg: String(terminal.org), ackedSeq: num(terminal.acked_seq), stored, ranges });
  for (const e of plan.inserts) {
    q.insertEvent.run(batch.terminal, e.seq, batch.org, e.type, e.at, JSON.stringify(e.payload), e.prevHash, e.hash, receivedAt);
  }
  for (const a of plan.anomalies) q.insertAnomaly.run(a.terminal, a.org, a.kind, a.seq, a.fingerprint, JSON.stringify(a.detail), a.detectedAt);
  q.deleteRanges.run(batch.terminal);
  for (const r of plan.ranges) q.insertRange.run(batch.terminal, r.firstSeq, r.lastSeq);
  q.markIngested.run(plan.ackedSeq, receivedAt, batch.terminal);
  return { ackSeq: plan.ackedSeq, inserted: plan.inserts.length, duplicates: plan.duplicates, anomalies: plan.anomalies.map((a) => a.kind) };
}

function migrateSqlite(db: Database, now: number): void {
  db.exec(MIGRATIONS_TABLE);
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of MIGRATIONS) {
    // Checked inside the write lock: another ingest process may be migrating the same file.
    db.transaction(() => {
      if (isApplied.get(m.version) !== undefined) return;
      for (const statement of m.statements) db.exec(forDialect(statement, 'sqlite'));
      record.run(m.version, m.name, now);
    }).immediate();
  }
}

function num(v: unknown): number {
  return v === undefined || v === null ? 0 : Number(v);
}
