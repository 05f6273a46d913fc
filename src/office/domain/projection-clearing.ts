/**
 * The clearing projection: acknowledged ride events, in each terminal's seq order, become
 * clearing lines. Only events up to a terminal's acknowledged seq are read (every seq below
 * it is in or declared a gap), so a ride's close is always seen before its later corrections.
 * Lines are keyed by (terminal, seq, line): running it twice adds nothing.
 */
import { all, get, insertRows, json, lock, num, run, str, strOrNull } from '../store/index.js';
import type { Program, Raw } from '../store/index.js';
import { CLEARING_LINE_COLUMNS, CLEARING_SQL, PROJECTION_SQL } from '../store/sql-domain.js';
import { assignRun, ruleLines } from './clearing-rules.js';
import type { ClearingLine, RawEvent } from './clearing-rules.js';
import { recordAnomalies } from './anomaly-queries.js';
import type { NewAnomaly } from './anomaly-queries.js';
import type { GrantUnit } from '../../free-area/index.js';

export const CLEARING_LOCK = 'office-clearing';
/** Company of a terminal the registry does not know yet: its lines move when it is registered. */
export const UNREGISTERED = '(unregistered)';

export interface ProjectionStep {
  readonly events: number;
  readonly lines: number;
  readonly malformed: number;
  /** False when the step stopped at its event budget: run another. */
  readonly done: boolean;
}

interface PendingTerminal {
  readonly terminal: string;
  readonly org: string;
  readonly acked: number;
  readonly mark: number;
  readonly company: string;
}

export function* projectClearing(unitOf: (programmeId: string) => GrantUnit, budget: number, now: number): Program<ProjectionStep> {
  yield* lock(CLEARING_LOCK);
  const pending = (yield* all(PROJECTION_SQL.pendingTerminals, ['clearing'])).map(toPending);
  const closedMonths = new Set((yield* all(CLEARING_SQL.closedMonths)).map((r) => str(r.month)));
  let left = budget;
  const totals = { events: 0, lines: 0, malformed: 0 };
  for (const t of pending) {
    if (left <= 0) return { ...totals, done: false };
    const want = left;
    const rows = yield* all(PROJECTION_SQL.clearingEvents, [t.terminal, t.mark, t.acked, want]);
    left -= rows.length;
    const events = rows.map((r): RawEvent => ({ terminal: t.terminal, seq: num(r.seq), type: str(r.type), at: num(r.at), payload: json(r.payload) }));
    const closedEarlier = yield* ridesClosedEarlier(t.terminal, events);
    const { lines, malformed } = linesOf(events, t, closedEarlier, closedMonths, unitOf, now);
    yield* insertRows({ table: 'clearing_lines', columns: CLEARING_LINE_COLUMNS, rows: lines.map(lineRow), onConflict: '(terminal, seq, line) DO NOTHING' });
    yield* recordAnomalies(malformed);
    const mark = rows.length < want ? t.acked : num(rows.at(-1)?.seq);
    yield* run(PROJECTION_SQL.setMark, ['clearing', t.terminal, mark]);
    totals.events += rows.length;
    totals.lines += lines.length;
    totals.malformed += malformed.length;
  }
  return { ...totals, done: true };
}

function toPending(r: Raw): PendingTerminal {
  return { terminal: str(r.terminal), org: str(r.org), acked: num(r.acked_seq), mark: num(r.mark), company: strOrNull(r.company) ?? UNREGISTERED };
}

/** Rides closed in earlier steps that this step's corrections refer to: ride ID → seq of its close. */
function* ridesClosedEarlier(terminal: string, events: readonly RawEvent[]): Program<Map<string, number>> {
  const found = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'ride-closed') continue;
    const rideId = (e.payload as { rideId?: unknown }).rideId;
    if (typeof rideId !== 'string' || found.has(rideId)) continue;
    const row = yield* get(CLEARING_SQL.rideClosedSeq, [terminal, rideId]);
    if (row?.seq !== null && row?.seq !== undefined) found.set(rideId, num(row.seq));
  }
  return found;
}

function linesOf(
  events: readonly RawEvent[],
  t: PendingTerminal,
  closedEarlier: ReadonlyMap<string, number>,
  closedMonths: ReadonlySet<string>,
  unitOf: (programmeId: string) => GrantUnit,
  now: number,
): { lines: ClearingLine[]; malformed: NewAnomaly[] } {
  const closedHere = new Map(closedEarlier);
  const lines: ClearingLine[] = [];
  const malformed: NewAnomaly[] = [];
  for (const e of events) {
    const outcome = ruleLines(e, { unitOf, closedBefore: (rideId) => (closedHere.get(rideId) ?? Infinity) < e.seq });
    if (outcome.kind === 'malformed') {
      malformed.push({ terminal: t.terminal, org: t.org, kind: 'malformed-event', seq: e.seq, fingerprint: 'clearing', detail: { type: e.type, issue: outcome.detail }, detectedAt: now });
      continue;
    }
    if (e.type === 'ride-closed' && !closedHere.has(outcome.rideId)) closedHere.set(outcome.rideId, e.seq);
    lines.push(...assignRun(outcome.lines, { terminal: t.terminal, seq: e.seq, company: t.company, closedMonths }));
  }
  return { lines, malformed };
}

function lineRow(l: ClearingLine): unknown[] {
  return [
    l.terminal, l.seq, l.line, l.kind, l.rideId, l.company, l.programmeId, l.cardId, l.at, l.serviceDay,
    l.serviceMonth, l.runMonth, l.late ? 1 : 0, l.rides, l.riders, l.subsidyYen, l.couponUnits, l.yenUnits, l.fareYen,
  ];
}
