/**
 * Closing a month and checking a run against the raw events. A close takes the clearing lock,
 * projects whatever has arrived, freezes each company's totals with a digest of the month's
 * aggregates, and records each terminal's projected seq: events read after that go to the next
 * open month, flagged late, and any later check finds every event's run again from these marks.
 */
import { createHash } from 'node:crypto';
import { all, get, lock, num, run, str } from '../store/index.js';
import type { Program, Raw } from '../store/index.js';
import { AGGREGATE_COLUMNS, CLEARING_SQL } from '../store/sql-domain.js';
import type { GrantUnit } from '../../free-area/index.js';
import { nextMonth } from './clearing-rules.js';
import { frozenTotals, liveTotals, sumTotals, ZERO_TOTALS } from './clearing-queries.js';
import type { CompanyTotals, Totals } from './clearing-queries.js';
import { runEventsOf } from './clearing-scan.js';
import { aggregate, CLEARING_LOCK, projectClearing } from './projection-clearing.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export type CloseOutcome =
  /** `lines`: how many ride, correction and void events the run holds. */
  | { readonly kind: 'closed'; readonly month: string; readonly companies: readonly CompanyTotals[]; readonly digest: string; readonly lines: number }
  | { readonly kind: 'already-closed'; readonly month: string; readonly closedAt: number; readonly closedBy: string }
  | { readonly kind: 'not-ended'; readonly month: string; readonly endsAt: number }
  | { readonly kind: 'earlier-month-open'; readonly month: string; readonly open: readonly string[] };

/** The instant a `YYYY-MM` month starts in Japan time. */
export function monthStart(month: string): number {
  if (!MONTH.test(month)) throw new RangeError(`not a month: ${month}`);
  return Date.parse(`${month}-01T00:00:00+09:00`);
}

export function* closeMonthProgram(month: string, by: string, now: number, unitOf: (id: string) => GrantUnit): Program<CloseOutcome> {
  const endsAt = monthStart(nextMonth(month));
  yield* lock(CLEARING_LOCK);
  const closed = yield* get(CLEARING_SQL.month, [month]);
  if (closed !== undefined) return { kind: 'already-closed', month, closedAt: num(closed.closed_at), closedBy: str(closed.closed_by) };
  if (now < endsAt) return { kind: 'not-ended', month, endsAt };
  const open = (yield* all(CLEARING_SQL.openMonthsBefore, [month])).map((r) => str(r.run_month));
  if (open.length > 0) return { kind: 'earlier-month-open', month, open };
  while (!(yield* projectClearing(unitOf, 50_000, now)).done);
  const companies = yield* liveTotals(month);
  const { digest, events } = yield* digestOf(month);
  yield* run(CLEARING_SQL.insertMonth, [month, now, by, digest, events]);
  for (const c of companies) {
    yield* run(CLEARING_SQL.insertTotals, [month, c.company, c.rides, c.riders, c.subsidyYen, c.couponUnits, c.yenUnits, c.fareYen, c.lateItems, c.lateSubsidyYen]);
  }
  yield* run(CLEARING_SQL.insertCloseMarks, [month]);
  return { kind: 'closed', month, companies, digest, lines: events };
}

/** SHA-256 over a run's aggregates (their figures and the sums of their events' hashes), and how many events are behind them. */
export function* digestOf(month: string): Program<{ digest: string; events: number }> {
  const hash = createHash('sha256');
  let events = 0;
  for (const r of yield* all(CLEARING_SQL.aggregatesOf, [month])) {
    hash.update(`${aggregateRow(r).join('|')}\n`);
    events += num(r.items);
  }
  return { digest: hash.digest('hex'), events };
}

export interface Difference {
  readonly company: string;
  readonly field: keyof Totals;
  readonly expected: number;
  readonly found: number;
}

export interface VerifyResult {
  readonly month: string;
  readonly closed: boolean;
  /** The run's figures recomputed from the raw events with the clearing rules and the close marks. */
  readonly recomputed: readonly CompanyTotals[];
  /** Where the stored figures (frozen totals of a closed month, else the aggregates) differ from them. */
  readonly differences: readonly Difference[];
  /** Whether the stored aggregates are exactly what the raw events give (figures and event hashes). */
  readonly aggregatesMatch: boolean;
  /** For a closed month: whether the aggregates still hash to the digest taken at the close. */
  readonly digestMatches: boolean | null;
  readonly ok: boolean;
}

export function* verifyProgram(month: string, unitOf: (id: string) => GrantUnit): Program<VerifyResult> {
  const closed = yield* get(CLEARING_SQL.month, [month]);
  const closedMonths = new Set((yield* all(CLEARING_SQL.closedMonths)).map((r) => str(r.month)));
  const recomputedRows: unknown[][] = [];
  for (const c of yield* all(CLEARING_SQL.runCompanies, [month])) {
    for (const t of yield* all(CLEARING_SQL.runRanges, [month, str(c.company)])) {
      const events = yield* runEventsOf(str(t.terminal), num(t.first_seq), num(t.last_seq), month, unitOf, closedMonths);
      recomputedRows.push(...aggregate(events, str(c.company)).aggregates);
    }
  }
  const stored = (yield* all(CLEARING_SQL.aggregatesOf, [month])).map(aggregateRow);
  const recomputed = totalsOfRows(recomputedRows);
  const storedTotals = closed === undefined ? yield* liveTotals(month) : yield* frozenTotals(month);
  const differences = compare(recomputed, storedTotals);
  const aggregatesMatch = sameRows(recomputedRows, stored);
  const digestMatches = closed === undefined ? null : (yield* digestOf(month)).digest === str(closed.inputs_digest);
  return { month, closed: closed !== undefined, recomputed, differences, aggregatesMatch, digestMatches, ok: differences.length === 0 && aggregatesMatch && digestMatches !== false };
}

/** An aggregate row in AGGREGATE_COLUMNS order: five text keys, then numbers (pg gives BIGINT as text). */
function aggregateRow(r: Raw): unknown[] {
  return AGGREGATE_COLUMNS.map((col, i) => (i < 5 ? str(r[col]) : num(r[col])));
}

/** Company totals of aggregate rows (AGGREGATE_COLUMNS order). */
function totalsOfRows(rows: readonly unknown[][]): CompanyTotals[] {
  const byCompany = new Map<string, Totals[]>();
  for (const r of rows) {
    const late = r[5] === 1;
    const t: Totals = {
      rides: r[7] as number, riders: r[8] as number, subsidyYen: r[9] as number, couponUnits: r[10] as number, yenUnits: r[11] as number, fareYen: r[12] as number,
      lateItems: late ? (r[6] as number) : 0, lateSubsidyYen: late ? (r[9] as number) : 0,
    };
    byCompany.set(String(r[1]), [...(byCompany.get(String(r[1])) ?? []), t]);
  }
  return [...byCompany].sort(([a], [b]) => a.localeCompare(b)).map(([company, list]) => ({ company, ...sumTotals(list) }));
}

function sameRows(a: readonly unknown[][], b: readonly unknown[][]): boolean {
  const key = (r: readonly unknown[]) => r.map(String).join('|');
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.length === right.length && left.every((k, i) => k === right[i]);
}

function compare(expected: readonly CompanyTotals[], found: readonly CompanyTotals[]): Difference[] {
  const companies = [...new Set([...expected, ...found].map((c) => c.company))].sort();
  const out: Difference[] = [];
  for (const company of companies) {
    const e = expected.find((c) => c.company === company) ?? { company, ...ZERO_TOTALS };
    const f = found.find((c) => c.company === company) ?? { company, ...ZERO_TOTALS };
    for (const field of Object.keys(ZERO_TOTALS) as (keyof Totals)[]) if (e[field] !== f[field]) out.push({ company, field, expected: e[field], found: f[field] });
  }
  return out;
}
