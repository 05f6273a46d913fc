/**
 * Clearing rules as functions of events: what one `ride-closed`, `fare-corrected` or
 * `tap-voided` adds to a company's month, rider by rider. docs/office.md states the rules;
 * the hand-checked data set in clearing.test.ts checks them.
 *
 * - A closed ride counts once: one line per rider with the subsidy and units of its summary;
 *   the ride and its fare sit on the first line.
 * - A correction or void made while the ride was open is already in the closing summary, so
 *   it adds nothing. One made after the close adds its deltas: subsidy (new − old), units
 *   given back (negative), a voided rider (−1) and the fare difference.
 * - A line belongs to the month of its own event time (Japan time); if that month was closed
 *   before the office read the event, it goes to the first month still open and is flagged late.
 */
import { jstDay, monthFromNumber, monthNumber } from '../../free-area/index.js';
import type { GrantUnit } from '../../free-area/index.js';
import { fareCorrectedSchema, firstIssue, parseRideClosed, PayloadIssue, tapVoidedSchema } from './event-payloads.js';
import type { FareCorrected, TapVoided } from './event-payloads.js';

export interface RawEvent {
  readonly terminal: string;
  readonly seq: number;
  readonly type: string;
  readonly at: number;
  readonly payload: unknown;
}

export type LineKind = 'ride' | 'correction' | 'void';

/** The figures one event gives one rider. */
export interface RuleLine {
  readonly line: number;
  readonly kind: LineKind;
  readonly rideId: string;
  readonly programmeId: string;
  readonly cardId: string;
  readonly at: number;
  readonly rides: number;
  readonly riders: number;
  readonly subsidyYen: number;
  readonly couponUnits: number;
  readonly yenUnits: number;
  readonly fareYen: number;
}

export type RuleOutcome =
  | { readonly kind: 'lines'; readonly rideId: string; readonly lines: readonly RuleLine[] }
  | { readonly kind: 'malformed'; readonly detail: string };

export interface RuleContext {
  readonly unitOf: (programmeId: string) => GrantUnit;
  /** Whether this terminal's journal closed the ride before `seq` (the event's own). */
  readonly closedBefore: (rideId: string, seq: number) => boolean;
}

export function ruleLines(event: RawEvent, ctx: RuleContext): RuleOutcome {
  if (event.type === 'ride-closed') {
    const p = parseRideClosed(event.payload);
    if (p instanceof PayloadIssue) return { kind: 'malformed', detail: p.issue };
    const at = p.atMs ?? event.at;
    const fareYen = p.totalSubsidyYen + p.cashToCollectYen;
    const lines = p.riders.map((r, i) => line(i, 'ride', p.rideId, r.programmeId, r.cardId, at, i === 0 ? 1 : 0, 1, r.subsidyYen, ctx.unitOf(r.programmeId), r.units, i === 0 ? fareYen : 0));
    return { kind: 'lines', rideId: p.rideId, lines };
  }
  const compensation = parseCompensation(event);
  if (compensation.kind === 'malformed') return compensation;
  const p = compensation.payload;
  if (!ctx.closedBefore(p.rideId, event.seq)) return { kind: 'lines', rideId: p.rideId, lines: [] };
  const kind: LineKind = 'newFareYen' in p ? 'correction' : 'void';
  const fareDelta = 'newFareYen' in p ? p.newFareYen - p.oldFareYen : 0;
  const voided = 'cardId' in p ? p.cardId : null;
  const at = p.atMs ?? event.at;
  const lines = p.adjustments.map((a, i) =>
    line(i, kind, p.rideId, a.programmeId, a.cardId, at, 0, voided === a.cardId ? -1 : 0, a.newSubsidyYen - a.oldSubsidyYen, ctx.unitOf(a.programmeId), -a.unitsToReturn, i === 0 ? fareDelta : 0),
  );
  return { kind: 'lines', rideId: p.rideId, lines };
}

/** Built field by field: spreading into a literal of this size is very slow in V8, and clearing builds a million. */
function line(
  index: number, kind: LineKind, rideId: string, programmeId: string, cardId: string, at: number,
  rides: number, riders: number, subsidyYen: number, unit: GrantUnit, units: number, fareYen: number,
): RuleLine {
  const yen = unit === 'yen';
  return { line: index, kind, rideId, programmeId, cardId, at, rides, riders, subsidyYen, couponUnits: yen ? 0 : units, yenUnits: yen ? units : 0, fareYen };
}

function parseCompensation(event: RawEvent): { kind: 'ok'; payload: FareCorrected | TapVoided } | { kind: 'malformed'; detail: string } {
  const schema = event.type === 'fare-corrected' ? fareCorrectedSchema : event.type === 'tap-voided' ? tapVoidedSchema : null;
  if (schema === null) return { kind: 'malformed', detail: `${event.type} is not a clearing event` };
  const parsed = schema.safeParse(event.payload);
  return parsed.success ? { kind: 'ok', payload: parsed.data } : { kind: 'malformed', detail: firstIssue(parsed.error) };
}

/** The months closed so far and, for one terminal, the seq it had projected when each closed. */
export interface Closes {
  readonly months: ReadonlySet<string>;
  readonly marks: ReadonlyMap<string, number>;
}

/**
 * The run an event belongs to: the first month from its own on that was still open when the
 * office read it. A month closed with the terminal's projected seq at or above the event's had
 * read it before the close; one closed below it had not. So the run follows from the raw
 * events and the close marks alone, the same at projection time and at any later check.
 */
export function runMonthOf(serviceMonth: string, seq: number, closes: Closes): string {
  if (!closes.months.has(serviceMonth)) return serviceMonth;
  let n = monthNumber(serviceMonth);
  for (;;) {
    const month = monthFromNumber(n);
    if (!closes.months.has(month) || seq <= (closes.marks.get(month) ?? 0)) return month;
    n += 1;
  }
}

export function nextMonth(month: string): string {
  return monthFromNumber(monthNumber(month) + 1);
}

/** Where an event's lines go: its Japan-time day and month, and the run that takes them. */
export interface Placement {
  readonly serviceDay: string;
  readonly serviceMonth: string;
  readonly runMonth: string;
  readonly late: boolean;
}

const JST_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;
const days = new Map<number, string>();

/** `jstDay`, remembered per day: clearing asks for the same few days a million times a month. */
function dayOf(at: number): string {
  const n = Math.floor((at + JST_MS) / DAY_MS);
  let day = days.get(n);
  if (day === undefined) {
    day = jstDay(at);
    if (days.size > 10_000) days.clear();
    days.set(n, day);
  }
  return day;
}

const onTime = new Map<string, Placement>();

/** The same object for every on-time event of a day, so callers may key on it. */
export function placementOf(at: number, seq: number, closes: Closes): Placement {
  const serviceDay = dayOf(at);
  const serviceMonth = serviceDay.slice(0, 7);
  if (!closes.months.has(serviceMonth)) {
    let p = onTime.get(serviceDay);
    if (p === undefined) {
      p = { serviceDay, serviceMonth, runMonth: serviceMonth, late: false };
      if (onTime.size > 10_000) onTime.clear();
      onTime.set(serviceDay, p);
    }
    return p;
  }
  const runMonth = runMonthOf(serviceMonth, seq, closes);
  return { serviceDay, serviceMonth, runMonth, late: runMonth !== serviceMonth };
}
