/**
 * The clearing projection: acknowledged ride events, in each terminal's seq order, are added to
 * small aggregates per run month, company, terminal, programme, day and lateness. Only events
 * up to a terminal's acknowledged seq are read (every seq below it is in or declared a gap), so
 * a ride's close is always seen before its later corrections; the mark moves in the same
 * transaction as the aggregates, so an event is counted exactly once.
 */
import { all, insertRows, lock, num, run, str, strOrNull, values } from '../store/index.js';
import type { Program } from '../store/index.js';
import { AGGREGATE_COLUMNS, AGGREGATE_UPSERT, CLEARING_SQL, PROJECTION_SQL } from '../store/sql-domain.js';
import type { GrantUnit } from '../../free-area/index.js';
import { recordAnomalies } from './anomaly-queries.js';
import type { NewAnomaly } from './anomaly-queries.js';
import { closesOf, evaluateEach } from './clearing-scan.js';
import type { Evaluated, EventValues } from './clearing-scan.js';
import type { Placement, RuleLine } from './clearing-rules.js';

export const CLEARING_LOCK = 'office-clearing';
/** Company of a terminal the registry does not know yet: its figures move when it is registered. */
export const UNREGISTERED = '(unregistered)';

export interface ProjectionStep {
  readonly events: number;
  readonly lines: number;
  readonly malformed: number;
  /** False when the step stopped at its event budget: run another. */
  readonly done: boolean;
}

export function* projectClearing(unitOf: (programmeId: string) => GrantUnit, budget: number, now: number): Program<ProjectionStep> {
  yield* lock(CLEARING_LOCK);
  const pending = yield* all(PROJECTION_SQL.pendingTerminals, ['clearing']);
  const closedMonths = new Set((yield* all(CLEARING_SQL.closedMonths)).map((r) => str(r.month)));
  let left = budget;
  const totals = { events: 0, lines: 0, malformed: 0 };
  for (const t of pending) {
    if (left <= 0) return { ...totals, done: false };
    const terminal = str(t.terminal);
    const acked = num(t.acked_seq);
    const want = left;
    const rows = yield* values(PROJECTION_SQL.clearingEvents, [terminal, num(t.mark), acked, want]);
    left -= rows.length;
    const sums = createAggregator(terminal, strOrNull(t.company) ?? UNREGISTERED);
    const malformed: NewAnomaly[] = [];
    yield* evaluateEach(terminal, rows, unitOf, yield* closesOf(terminal, closedMonths, firstMonth(rows)), (seq, type, hash, outcome, placement) => {
      if (outcome.kind === 'lines') sums.add(seq, hash, outcome.lines, placement);
      else malformed.push({ terminal, org: str(t.org), kind: 'malformed-event', seq, fingerprint: 'clearing', detail: { type, issue: outcome.detail }, detectedAt: now });
    });
    const { aggregates, lines } = sums.result();
    yield* insertRows({ table: 'clearing_aggregates', columns: AGGREGATE_COLUMNS, rows: aggregates, onConflict: AGGREGATE_UPSERT });
    yield* recordAnomalies(malformed);
    yield* run(PROJECTION_SQL.setMark, ['clearing', terminal, rows.length < want ? acked : num(rows.at(-1)?.[0])]);
    totals.events += rows.length;
    totals.lines += lines;
    totals.malformed += malformed.length;
  }
  return { ...totals, done: true };
}

/** Close marks before the earliest month of a step's events cannot matter to them. */
function firstMonth(rows: readonly EventValues[]): string {
  const at = rows.reduce((min, r) => Math.min(min, num(r[2])), Infinity);
  return Number.isFinite(at) ? new Date(at + 9 * 3_600_000 - 31 * 86_400_000).toISOString().slice(0, 7) : '0000-00';
}

/** Rows for AGGREGATE_COLUMNS, one per key, summed over evaluated events. */
export function aggregate(evaluated: readonly Evaluated[], company: string): { aggregates: unknown[][]; lines: number } {
  const byTerminal = new Map<string, ReturnType<typeof createAggregator>>();
  for (const e of evaluated) {
    if (e.outcome.kind !== 'lines') continue;
    let sums = byTerminal.get(e.terminal);
    if (sums === undefined) {
      sums = createAggregator(e.terminal, company);
      byTerminal.set(e.terminal, sums);
    }
    sums.add(e.seq, e.hash, e.outcome.lines, e.placement);
  }
  const results = [...byTerminal.values()].map((s) => s.result());
  return { aggregates: results.flatMap((r) => r.aggregates), lines: results.reduce((n, r) => n + r.lines, 0) };
}

/** Sums one terminal's events into aggregate rows, keyed by placement and programme (nested maps: no key string per line). */
function createAggregator(terminal: string, company: string) {
  const rows = new Map<string, Map<string, unknown[]>>();
  let lines = 0;
  return {
    add(seq: number, hash: string, ruleLines: readonly RuleLine[], p: Placement | null): void {
      if (p === null) return;
      const late = p.late ? 1 : 0;
      const placeKey = late === 0 ? p.serviceDay : `${p.serviceDay}|${p.runMonth}`;
      let byProgramme = rows.get(placeKey);
      if (byProgramme === undefined) {
        byProgramme = new Map();
        rows.set(placeKey, byProgramme);
      }
      for (const l of ruleLines) {
        lines += 1;
        let row = byProgramme.get(l.programmeId);
        if (row === undefined) {
          row = [p.runMonth, company, terminal, l.programmeId, p.serviceDay, late, 0, 0, 0, 0, 0, 0, 0, 0, seq, seq];
          byProgramme.set(l.programmeId, row);
        }
        add(row, l.line === 0 ? 1 : 0, l.rides, l.riders, l.subsidyYen, l.couponUnits, l.yenUnits, l.fareYen, l.line === 0 ? hashPart(hash) : 0, seq);
      }
    },
    result: () => ({ aggregates: [...rows.values()].flatMap((m) => [...m.values()]), lines }),
  };
}

function add(row: unknown[], items: number, rides: number, riders: number, subsidy: number, coupons: number, yen: number, fare: number, hash: number, seq: number): void {
  row[6] = (row[6] as number) + items;
  row[7] = (row[7] as number) + rides;
  row[8] = (row[8] as number) + riders;
  row[9] = (row[9] as number) + subsidy;
  row[10] = (row[10] as number) + coupons;
  row[11] = (row[11] as number) + yen;
  row[12] = (row[12] as number) + fare;
  row[13] = ((row[13] as number) + hash) % 2 ** 48;
  if (seq < (row[14] as number)) row[14] = seq;
  if (seq > (row[15] as number)) row[15] = seq;
}

/** The first 48 bits of an event hash (read as its first 12 hex digits): added up per aggregate, they show whether the same events are behind it. */
export function hashPart(hash: string): number {
  return Number.parseInt(hash.slice(0, 12), 16) || 0;
}
