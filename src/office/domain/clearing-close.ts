/**
 * Closing a month and checking a run against the raw events. A close takes the clearing lock,
 * projects whatever has arrived, and freezes each company's totals with a digest of every
 * line; from then on lines for that month go to the next open month, flagged late.
 */
import { createHash } from 'node:crypto';
import { all, get, json, lock, num, run, str } from '../store/index.js';
import type { Program } from '../store/index.js';
import { CLEARING_SQL } from '../store/sql-domain.js';
import { jstMonth } from '../../free-area/index.js';
import type { GrantUnit } from '../../free-area/index.js';
import { nextMonth, ruleLines } from './clearing-rules.js';
import type { RawEvent, RuleLine } from './clearing-rules.js';
import { frozenTotals, liveTotals, sumTotals, ZERO_TOTALS } from './clearing-queries.js';
import type { CompanyTotals, Totals } from './clearing-queries.js';
import { CLEARING_LOCK, projectClearing } from './projection-clearing.js';

const PAGE = 20_000;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export type CloseOutcome =
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
  const { digest, lines } = yield* digestOf(month);
  yield* run(CLEARING_SQL.insertMonth, [month, now, by, digest, lines]);
  for (const c of companies) {
    yield* run('INSERT INTO clearing_totals (month, company, rides, riders, subsidy_yen, coupon_units, yen_units, fare_yen, late_lines, late_subsidy_yen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      month, c.company, c.rides, c.riders, c.subsidyYen, c.couponUnits, c.yenUnits, c.fareYen, c.lateItems, c.lateSubsidyYen,
    ]);
  }
  return { kind: 'closed', month, companies, digest, lines };
}

/** SHA-256 over every line of a run in key order: a closed run's lines can be shown unchanged. */
export function* digestOf(month: string): Program<{ digest: string; lines: number }> {
  const hash = createHash('sha256');
  let lines = 0;
  let after = { terminal: '', seq: -1, line: -1 };
  for (;;) {
    const rows = yield* all(
      `${CLEARING_SQL.linesForDigest.replace('ORDER BY', 'AND (terminal > ? OR (terminal = ? AND (seq > ? OR (seq = ? AND line > ?)))) ORDER BY')} LIMIT ?`,
      [month, after.terminal, after.terminal, after.seq, after.seq, after.line, PAGE],
    );
    for (const r of rows) {
      hash.update(`${str(r.terminal)}|${num(r.seq)}|${num(r.line)}|${str(r.kind)}|${str(r.company)}|${str(r.programme_id)}|${str(r.card_id)}|`);
      hash.update(`${num(r.rides)}|${num(r.riders)}|${num(r.subsidy_yen)}|${num(r.coupon_units)}|${num(r.yen_units)}|${num(r.fare_yen)}|${num(r.late)}\n`);
    }
    lines += rows.length;
    const last = rows.at(-1);
    if (last === undefined || rows.length < PAGE) break;
    after = { terminal: str(last.terminal), seq: num(last.seq), line: num(last.line) };
  }
  return { digest: hash.digest('hex'), lines };
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
  /** The run's figures recomputed from the raw events with the clearing rules. */
  readonly recomputed: readonly CompanyTotals[];
  /** Where the stored figures (frozen totals of a closed month, else the lines) differ from them. */
  readonly differences: readonly Difference[];
  /** For a closed month: whether the lines still hash to the digest taken at the close. */
  readonly digestMatches: boolean | null;
  readonly ok: boolean;
}

export function* verifyProgram(month: string, unitOf: (id: string) => GrantUnit): Program<VerifyResult> {
  const closed = yield* get(CLEARING_SQL.month, [month]);
  const recomputed = yield* recomputeFromEvents(month, unitOf);
  const stored = closed === undefined ? yield* liveTotals(month) : yield* frozenTotals(month);
  const differences = compare(recomputed, stored);
  const digestMatches = closed === undefined ? null : (yield* digestOf(month)).digest === str(closed.inputs_digest);
  return { month, closed: closed !== undefined, recomputed, differences, digestMatches, ok: differences.length === 0 && digestMatches !== false };
}

function* recomputeFromEvents(month: string, unitOf: (id: string) => GrantUnit): Program<CompanyTotals[]> {
  const byCompany = new Map<string, Totals>();
  let after = { terminal: '', seq: -1 };
  for (;;) {
    const rows = yield* all(
      `SELECT e.terminal, e.seq, e.type, e.at, e.payload, l.company FROM events e
        JOIN (SELECT terminal, seq, MIN(company) AS company FROM clearing_lines
          WHERE run_month = ? AND (terminal > ? OR (terminal = ? AND seq > ?)) GROUP BY terminal, seq ORDER BY terminal, seq LIMIT ?) l
        ON l.terminal = e.terminal AND l.seq = e.seq ORDER BY e.terminal, e.seq`,
      [month, after.terminal, after.terminal, after.seq, PAGE],
    );
    for (const r of rows) {
      const event: RawEvent = { terminal: str(r.terminal), seq: num(r.seq), type: str(r.type), at: num(r.at), payload: json(r.payload) };
      const closedSeq = event.type === 'ride-closed' ? Infinity : yield* rideClosedAt(event);
      const outcome = ruleLines(event, { unitOf, closedBefore: () => closedSeq < event.seq });
      if (outcome.kind === 'malformed') continue;
      const company = str(r.company);
      byCompany.set(company, sumTotals([byCompany.get(company) ?? ZERO_TOTALS, ...outcome.lines.map((l) => lineTotals(l, month))]));
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < PAGE) break;
    after = { terminal: str(last.terminal), seq: num(last.seq) };
  }
  return [...byCompany].sort(([a], [b]) => a.localeCompare(b)).map(([company, t]) => ({ company, ...t }));
}

function* rideClosedAt(event: RawEvent): Program<number> {
  const row = yield* get(CLEARING_SQL.rideClosedSeq, [event.terminal, String((event.payload as { rideId?: unknown }).rideId)]);
  return row?.seq === null || row?.seq === undefined ? Infinity : num(row.seq);
}

function lineTotals(l: RuleLine, month: string): Totals {
  const late = jstMonth(l.at) !== month;
  return {
    rides: l.rides, riders: l.riders, subsidyYen: l.subsidyYen, couponUnits: l.couponUnits, yenUnits: l.yenUnits, fareYen: l.fareYen,
    lateItems: late && l.line === 0 ? 1 : 0, lateSubsidyYen: late ? l.subsidyYen : 0,
  };
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
