/**
 * Worker of bench/office.ts: a month of taxi rides written straight into an office store's
 * event table (the store's own ingest is measured apart), with the companies and taxis
 * registered. Per ride a ride-opened and a ride-closed; one in ten shared by two riders; one
 * in a hundred corrected after the close.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { jst, testDomain } from '../src/office/domain/test-support.js';
import { insertRows, openSqliteStore, run } from '../src/office/store/index.js';
import type { OfficeStore } from '../src/office/store/index.js';

interface MonthSpec {
  readonly path: string;
  readonly rides: number;
  readonly taxis: number;
  readonly companies: number;
}

const EVENT_COLUMNS = ['terminal', 'seq', 'org', 'type', 'at', 'payload', 'prev_hash', 'hash', 'received_at'];

async function main(spec: MonthSpec): Promise<{ events: number }> {
  const store = openSqliteStore({ path: spec.path, synchronous: 'NORMAL' });
  try {
    await testDomain(store, () => jst('2025-07-02 09:00')).registry.seed({
      companies: Array.from({ length: spec.companies }, (_, c) => ({ company: `company-${c}`, name: `タクシー${c}` })),
      terminals: Array.from({ length: spec.taxis }, (_, t) => ({ terminal: `TAXI-${t}`, kind: 'taxi' as const, company: `company-${t % spec.companies}` })),
    });
    let events = 0;
    for (let t = 0; t < spec.taxis; t += 1) events += await taxiMonth(store, `TAXI-${t}`, t, spec.rides / spec.taxis);
    return { events };
  } finally {
    await store.close();
  }
}

async function taxiMonth(store: OfficeStore, terminal: string, t: number, rides: number): Promise<number> {
  const start = jst('2025-06-01 06:00');
  const span = jst('2025-06-30 22:00') - start;
  const rows: unknown[][] = [];
  let seq = 0;
  const push = (type: string, at: number, payload: unknown): void => {
    seq += 1;
    rows.push([terminal, seq, 'maebashi', type, at, JSON.stringify(payload), 'p'.repeat(64), seq.toString(16).padStart(64, '0'), at]);
  };
  for (let i = 0; i < rides; i += 1) {
    const at = start + Math.floor((span * i) / rides) + t * 1000;
    const rideId = `${terminal}-${i}`;
    const shared = i % 10 === 0;
    const riders = [{ cardId: card(t, i), programmeId: '102016-1', units: 1, subsidyYen: shared ? 500 : 1000 }];
    if (shared) riders.push({ cardId: card(t, i + 1), programmeId: '102016-1', units: 1, subsidyYen: 500 });
    push('ride-opened', at, { rideId, atMs: at, fareYen: 2400 });
    push('ride-closed', at + 600_000, { rideId, atMs: at + 600_000, riders, totalSubsidyYen: 1000, cashToCollectYen: 1400 });
    if (i % 100 === 1) {
      push('fare-corrected', at + 700_000, {
        rideId, atMs: at + 700_000, oldFareYen: 2400, newFareYen: 1800, oldTotalSubsidyYen: 1000, newTotalSubsidyYen: 900, cashToCollectYen: 900,
        adjustments: [{ cardId: card(t, i), programmeId: '102016-1', oldSubsidyYen: 1000, newSubsidyYen: 900, deltaYen: -100, unitsToReturn: 0 }],
      });
    }
  }
  await store.run(function* () {
    yield* insertRows({ table: 'events', columns: EVENT_COLUMNS, rows });
    yield* run('INSERT INTO terminals (terminal, org, acked_seq, first_seen_at, last_heard_at) VALUES (?, ?, ?, ?, ?)', [terminal, 'maebashi', seq, start, start]);
  }, { write: true });
  return rows.length;
}

function card(t: number, i: number): string {
  return (t * 100_000 + (i % 4000)).toString(16).toUpperCase().padStart(16, '0');
}

if (parentPort !== null) {
  const port = parentPort;
  main(workerData as MonthSpec).then((result) => port.postMessage(result));
}
