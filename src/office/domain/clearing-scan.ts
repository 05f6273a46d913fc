/**
 * Reading clearing events of one terminal and applying the rules to them: shared by the
 * projection (new events), and by the detail, the ride list and the check of a run (events
 * already projected). Both see the same run for every event (`runMonthOf` with the close marks).
 */
import { all, json, num, str, values } from '../store/index.js';
import type { Program } from '../store/index.js';
import { CLEARING_SQL } from '../store/sql-domain.js';
import type { GrantUnit } from '../../free-area/index.js';
import { placementOf, ruleLines } from './clearing-rules.js';
import type { Closes, Placement, RuleOutcome } from './clearing-rules.js';

const BACKWARD_PAGE = 1_000;

export interface Evaluated {
  readonly terminal: string;
  readonly seq: number;
  readonly type: string;
  readonly hash: string;
  readonly outcome: RuleOutcome;
  /** Where its lines go; null for an event that gives no lines. */
  readonly placement: Placement | null;
}

export function* closesOf(terminal: string, closedMonths: ReadonlySet<string>, fromMonth = '0000-00'): Program<Closes> {
  const rows = yield* all(CLEARING_SQL.closeMarksOf, [terminal, fromMonth]);
  return { months: closedMonths, marks: new Map(rows.map((r) => [str(r.month), num(r.seq)])) };
}

/** A clearing event as `values` reads it: seq, type, at, payload, hash (CLEARING_SQL.rangeEvents, PROJECTION_SQL.clearingEvents). */
export type EventValues = readonly unknown[];

/** Applies the rules to a terminal's clearing events, given in seq order. */
export function* evaluate(terminal: string, rows: readonly EventValues[], unitOf: (id: string) => GrantUnit, closes: Closes): Program<Evaluated[]> {
  const out: Evaluated[] = [];
  yield* evaluateEach(terminal, rows, unitOf, closes, (seq, type, hash, outcome, placement) => void out.push({ terminal, seq, type, hash, outcome, placement }));
  return out;
}

export type Visit = (seq: number, type: string, hash: string, outcome: RuleOutcome, placement: Placement | null) => void;

/** `evaluate` without the list: each event goes to `visit` (the projection sums a million of them). */
export function* evaluateEach(terminal: string, rows: readonly EventValues[], unitOf: (id: string) => GrantUnit, closes: Closes, visit: Visit): Program<void> {
  // Ride ID → seq of its close: from these events, or 0 for a close found before them.
  const closedAt = new Map<string, number>();
  const ctx = { unitOf, closedBefore: (rideId: string, seq: number) => (closedAt.get(rideId) ?? Infinity) < seq };
  const firstSeq = num(rows[0]?.[0]);
  for (const r of rows) {
    const seq = num(r[0]);
    const type = str(r[1]);
    const payload = json<unknown>(r[3]);
    if (type !== 'ride-closed') {
      const rideId = (payload as { rideId?: unknown } | null)?.rideId;
      if (typeof rideId === 'string' && !closedAt.has(rideId) && (yield* closedBefore(terminal, rideId, firstSeq))) closedAt.set(rideId, 0);
    }
    const outcome = ruleLines({ terminal, seq, type, at: num(r[2]), payload }, ctx);
    if (outcome.kind === 'lines' && type === 'ride-closed' && !closedAt.has(outcome.rideId)) closedAt.set(outcome.rideId, seq);
    const first = outcome.kind === 'lines' ? outcome.lines[0] : undefined;
    visit(seq, type, str(r[4]), outcome, first === undefined ? null : placementOf(first.at, seq, closes));
  }
}

/** Whether the terminal closed `rideId` at a seq below `below`: read backwards, a page at a time. */
function* closedBefore(terminal: string, rideId: string, below: number): Program<boolean> {
  let from = below;
  for (;;) {
    const rows = yield* all(CLEARING_SQL.closesBefore, [terminal, from, BACKWARD_PAGE]);
    for (const r of rows) {
      if (str(r.type) !== 'ride-closed') continue;
      if ((json<{ rideId?: unknown } | null>(r.payload))?.rideId === rideId) return true;
    }
    if (rows.length < BACKWARD_PAGE) return false;
    from = num(rows.at(-1)?.seq);
  }
}

/** The events of a terminal's seq range that belong to `month`'s run. */
export function* runEventsOf(terminal: string, firstSeq: number, lastSeq: number, month: string, unitOf: (id: string) => GrantUnit, closedMonths: ReadonlySet<string>): Program<Evaluated[]> {
  const rows = yield* values(CLEARING_SQL.rangeEvents, [terminal, firstSeq, lastSeq]);
  const closes = yield* closesOf(terminal, closedMonths);
  return (yield* evaluate(terminal, rows, unitOf, closes)).filter((e) => e.placement?.runMonth === month);
}
