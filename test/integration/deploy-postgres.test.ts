/**
 * deploy/office against the CI PostgreSQL: postgres-setup.sql gives the office exactly what
 * its store needs (the migrations and the ingest run as the office role), the report role
 * reads everything and writes nothing, other roles stay out; backup.sh dumps with the
 * read-only role and keeps its retention; restore.sh brings a dump back into a new database
 * the office can carry on with. Each run uses its own database and roles, dropped after.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/office/store/index.js';
import { batchOf, chainEvents } from '../../src/office/store/store-contract.js';

const OFFICE = resolve(dirname(fileURLToPath(import.meta.url)), '../../deploy/office');
/** The CI server (trust authentication for local TCP); FA_TEST_POSTGRES overrides it. */
const SERVER = new URL(process.env['FA_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test');
const HOST = SERVER.hostname;
const PORT = SERVER.port || '5432';
const ADMIN = decodeURIComponent(SERVER.username) || 'postgres';

const tag = `fa_dt_${randomBytes(4).toString('hex')}`;
const names = { db: tag, restored: `${tag}_restored`, office: `${tag}_office`, report: `${tag}_report`, other: `${tag}_other` };
const url = (role: string, db: string): string => `postgres://${role}@${HOST}:${PORT}/${db}`;
let dir: string;

interface Run {
  readonly code: number;
  readonly out: string;
}

/** A deploy script or PostgreSQL client tool, as a role; a missing tool names its package. */
function sh(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done, fail) => {
    execFile(
      command,
      args,
      { env: { ...process.env, PGHOST: HOST, PGPORT: PORT, PGUSER: ADMIN, PGDATABASE: 'postgres', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') return fail(new Error(`${command} is not installed: apt-get install -y postgresql-client`));
        done({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, out: `${stdout}${stderr}` });
      },
    );
  });
}

const setup = (): Promise<Run> =>
  sh('psql', ['-X', '-q', '-v', `dbname=${names.db}`, '-v', `office_role=${names.office}`, '-v', `report_role=${names.report}`, '-f', join(OFFICE, 'postgres-setup.sql')]);

async function query(role: string, db: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url(role, db) });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

async function ingest(db: string, from: number, count: number): Promise<number> {
  const store = await openPostgresStore({ connectionString: url(names.office, db), schema: 'fa_office' });
  try {
    const previous = from === 0 ? undefined : (await store.events('T-1', { fromSeq: from })).at(0);
    const events = chainEvents('T-1', count, previous ? { seq: previous.seq, hash: previous.hash } : undefined);
    await store.ingestBatch(batchOf('T-1', events), Date.now());
    return await store.eventCount('T-1');
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fa-deploy-pg-'));
  const first = await setup();
  if (first.code !== 0) throw new Error(`postgres-setup.sql failed (PostgreSQL at ${HOST}:${PORT} is needed; CI starts it):\n${first.out}`);
});

afterAll(async () => {
  for (const db of [names.restored, names.db]) await query(ADMIN, 'postgres', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
  for (const role of [names.office, names.report, names.other]) await query(ADMIN, 'postgres', `DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('postgres-setup.sql', () => {
  it('lets the office role run the store: its migrations create the tables and a batch is ingested', async () => {
    expect(await ingest(names.db, 0, 20)).toBe(20);
  });

  it('lets the report role read every table and sequence of the schema, and change none', async () => {
    expect(await query(names.report, names.db, 'SELECT count(*)::int AS n FROM events')).toEqual([{ n: 20 }]);
    const relations = await query(
      names.report,
      names.db,
      `SELECT c.relname AS name, has_table_privilege(c.oid, 'SELECT') AS readable
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'fa_office' AND c.relkind IN ('r', 'p', 'S')`,
    );
    expect(relations.length).toBeGreaterThan(5);
    const unreadable = relations.filter((r) => r['readable'] !== true);
    expect(unreadable).toEqual([]);
    await expect(query(names.report, names.db, `INSERT INTO terminals (terminal, org, first_seen_at) VALUES ('x', 'y', 0)`)).rejects.toThrow(/permission denied/);
    await expect(query(names.report, names.db, 'DELETE FROM events')).rejects.toThrow(/permission denied/);
    await expect(query(names.report, names.db, 'CREATE TABLE fa_office.mine (x int)')).rejects.toThrow(/permission denied/);
    await expect(query(names.report, names.db, 'CREATE TABLE public.mine (x int)')).rejects.toThrow(/permission denied/);
  });

  it('keeps the office role to its own database and schema', async () => {
    await expect(query(names.office, names.db, 'CREATE TABLE public.mine (x int)')).rejects.toThrow(/permission denied/);
    await expect(query(names.office, 'postgres', 'CREATE SCHEMA mine')).rejects.toThrow(/permission denied/);
    const [role] = await query(ADMIN, 'postgres', `SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = '${names.office}'`);
    expect(role).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false, rolbypassrls: false });
  });

  it('keeps every other role out of the database', async () => {
    await query(ADMIN, 'postgres', `CREATE ROLE ${names.other} LOGIN`);
    await expect(query(names.other, names.db, 'SELECT 1')).rejects.toThrow(/permission denied for database/);
  });

  it('can run again without changing what is there', async () => {
    expect((await setup()).code).toBe(0);
    expect(await query(names.report, names.db, 'SELECT count(*)::int AS n FROM events')).toEqual([{ n: 20 }]);
  });
});

describe('backup.sh and restore.sh', () => {
  let dump: string;

  it('dump with the read-only role into a file only its owner can read, and drop dumps past the retention', async () => {
    const old = join(dir, `${names.db}-20000101T000000Z.dump`);
    const other = join(dir, 'other-20000101T000000Z.dump');
    for (const file of [old, other]) {
      writeFileSync(file, 'old');
      utimesSync(file, new Date('2000-01-01'), new Date('2000-01-01'));
    }
    const run = await sh('bash', [join(OFFICE, 'backup.sh'), '-d', dir, '-k', '35', names.db], { PGUSER: names.report });
    expect(run.code, run.out).toBe(0);
    dump = run.out.split('\n')[0]?.split(' (')[0] ?? '';
    expect(dump).toMatch(new RegExp(`/${names.db}-\\d{8}T\\d{6}Z\\.dump$`));
    expect(statSync(dump).mode & 0o777).toBe(0o600);
    expect(run.out).toContain(`deleted ${old}`);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(other)).toBe(true);
    expect(existsSync(`${dump}.partial`)).toBe(false);
  });

  it('restore into a new database with the roles, grants and search paths the office and reports need', async () => {
    const run = await sh('bash', [join(OFFICE, 'restore.sh'), dump, names.restored], { FA_OFFICE_ROLE: names.office, FA_REPORT_ROLE: names.report });
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/^ {2}fa_office\.events 20$/m);
    expect(await query(names.report, names.restored, 'SELECT count(*)::int AS n FROM events')).toEqual([{ n: 20 }]);
    expect(await ingest(names.restored, 20, 5)).toBe(25);
    await expect(query(names.other, names.restored, 'SELECT 1')).rejects.toThrow(/permission denied for database/);
  });

  it('refuse to restore over a database that exists', async () => {
    const run = await sh('bash', [join(OFFICE, 'restore.sh'), dump, names.db]);
    expect(run.code).not.toBe(0);
    expect(run.out).toMatch(/exists; restore into a new one/);
    expect(await query(names.report, names.db, 'SELECT count(*)::int AS n FROM events')).toEqual([{ n: 20 }]);
  });
});
