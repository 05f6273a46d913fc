/**
 * Office benchmark (issue 6):
 * - ingest rows per second through `OfficeStore.ingestBatch`, on SQLite (synchronous=FULL) and
 *   on PostgreSQL (127.0.0.1:5432, its own schema), with batches of 500 taxi events as terminals
 *   send them (ride-opened, intent, commit, tap-accepted, ride-closed); on PostgreSQL also four
 *   terminals at once, as ingest workers on a shared subscription would;
 * - clearing a month of 1,000,000 rides on SQLite: ride events generated straight into the
 *   store, then the month's run (every raw event read, the rules applied, the aggregates per
 *   company, terminal, programme and day written, the totals per company), the close, the
 *   payment CSV and the check of the closed month against its raw events.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDomain, wireJournal, cardWrite, jst } from '../src/office/domain/test-support.js';
import { openSqliteStore } from '../src/office/store/index.js';
import type { OfficeStore } from '../src/office/store/index.js';
import { openTestPostgresStore } from '../src/office/store/pg-test-support.js';
import type { EventBatch } from '../src/sync/index.js';
import { row, skippedRow } from './harness.js';
import type { BenchModule, BenchRow } from './harness.js';

const RIDES_PER_TERMINAL = 10_000;
const BATCH = 500;
const MONTH_RIDES = 1_000_000;
const TAXIS = 200;
const COMPANIES = 12;

export const officeBench: BenchModule = {
  name: 'office',
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'fa-bench-office-'));
    try {
      // Clearing first, while the process holds nothing else (the ingest batches below take 200 MB).
      const clearing = await clearingRows(join(dir, 'month.db'));
      const terminals = ['BENCH-A', 'BENCH-B', 'BENCH-C', 'BENCH-D'].map(taxiBatches);
      const sqlite = await ingestRate(() => Promise.resolve(openSqliteStore({ path: join(dir, 'ingest.db') })), terminals.slice(0, 1));
      rows.push(row('office', 'ingest on SQLite (FULL), one terminal', sqlite, 'events/s', undefined, `batches of ${BATCH} taxi events through ingestBatch`));
      rows.push(...(await postgresRows(terminals)), ...clearing);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};

async function postgresRows(terminals: EventBatch[][]): Promise<BenchRow[]> {
  try {
    const one = await ingestRate(() => openTestPostgresStore({ max: 1 }), terminals.slice(0, 1));
    const four = await ingestRate(() => openTestPostgresStore({ max: 4 }), terminals);
    return [
      row('office', 'ingest on PostgreSQL, one terminal', one, 'events/s', undefined, `one connection, batches of ${BATCH}`),
      row('office', 'ingest on PostgreSQL, four terminals at once', four, 'events/s', { text: '>= 20,000', ok: (v) => v >= 20_000 }, 'four connections, one transaction and row lock per batch'),
    ];
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0] ?? 'PostgreSQL unavailable';
    return [skippedRow('office', 'ingest on PostgreSQL, four terminals at once', 'events/s', reason, '>= 20,000')];
  }
}

/** Five events per ride, as a taxi terminal journals them, in batches of 500. */
function taxiBatches(terminal: string): EventBatch[] {
  const j = wireJournal(terminal);
  const batches: EventBatch[] = [];
  let at = jst('2025-06-01 07:00');
  for (let i = 0; i < RIDES_PER_TERMINAL; i += 1) {
    const rideId = `${terminal}-R${i}`;
    const cardId = `C0${String(i % 5000).padStart(14, '0')}`;
    j.append('ride-opened', { rideId, atMs: at, fareYen: 1800 + (i % 40) * 50 }, at);
    cardWrite(j, { cardId, fromSeq: Math.floor(i / 5000), usedAfter: Math.floor(i / 5000) + 1, at: at + 5_000, rideId });
    j.append('tap-accepted', { rideId, atMs: at + 5_100, tap: { cardId, programmeId: '102016-1', unit: 'coupon', units: 1, subsidyYen: 900, atMs: at + 5_100 } }, at + 5_100);
    j.append('ride-closed', { rideId, atMs: at + 900_000, riders: [{ cardId, programmeId: '102016-1', units: 1, subsidyYen: 900 }], totalSubsidyYen: 900, cashToCollectYen: 900 + (i % 40) * 50 }, at + 900_000);
    at += 1_000_000;
    if (j.events.length - (batches.at(-1)?.lastSeq ?? 0) >= BATCH) batches.push(j.batch());
  }
  if (j.events.length > (batches.at(-1)?.lastSeq ?? 0)) batches.push(j.batch());
  return batches;
}

/** Events per second over every terminal's batches, terminals in parallel, each in order. */
async function ingestRate(open: () => Promise<OfficeStore>, terminals: readonly EventBatch[][]): Promise<number> {
  const store = await open();
  try {
    const events = terminals.flat().reduce((n, b) => n + b.events.length, 0);
    const started = performance.now();
    await Promise.all(terminals.map(async (batches) => {
      for (const b of batches) await store.ingestBatch(b, Date.now());
    }));
    const seconds = (performance.now() - started) / 1000;
    if ((await store.eventCount()) !== events) throw new Error('the store does not hold every event');
    return Math.round(events / seconds);
  } finally {
    await store.close();
  }
}

async function clearingRows(path: string): Promise<BenchRow[]> {
  const now = jst('2025-07-02 09:00');
  // Generated in a worker thread, so this thread's heap is an office's that starts on a month it has not cleared yet.
  const generated = await generateInWorker(path);
  const store = openSqliteStore({ path });
  try {
    const domain = testDomain(store, () => now);
    const load = loadavg()[0] ?? 0;
    const cleared = await time(() => domain.clearing.run('2025-06'));
    const june = await domain.clearing.run('2025-06');
    if (june.total.rides !== MONTH_RIDES) throw new Error(`cleared ${june.total.rides} rides, not ${MONTH_RIDES}`);
    const closed = await time(() => domain.clearing.close('2025-06', 'bench'));
    const csv = await time(() => domain.clearing.paymentCsv('2025-06'));
    const verified = await time(() => domain.clearing.verify('2025-06'));
    return [
      row('office', 'clearing a month of 1,000,000 rides on SQLite', cleared.wallMs / 1000, 's', { text: '<= 10 s', ok: (v) => v <= 10 },
        `raw events → ${june.total.riders.toLocaleString('en-US')} riders → totals of ${june.companies.length} companies; ${TAXIS} taxis, ${(generated.events / 1e6).toFixed(2)} M events in the store; synchronous=FULL; CPU ${(cleared.cpuMs / 1000).toFixed(1)} s, load average ${load.toFixed(1)} at start`),
      row('office', 'closing that month (totals, digest, close marks)', closed.wallMs, 'ms'),
      row('office', 'payment CSV of the closed month', csv.wallMs, 'ms'),
      row('office', 'checking the closed month against its raw events', verified.wallMs / 1000, 's', undefined, `CPU ${(verified.cpuMs / 1000).toFixed(1)} s`),
    ];
  } finally {
    await store.close();
  }
}

function generateInWorker(path: string): Promise<{ events: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./office-month.js', import.meta.url), { workerData: { path, rides: MONTH_RIDES, taxis: TAXIS, companies: COMPANIES } });
    worker.once('message', (m: { events: number }) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`month generator exited with ${code}`)));
  });
}

async function time(fn: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await fn();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}
