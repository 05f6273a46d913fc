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
 * - A line belongs to the month of its own event time (Japan time); if that month is closed
 *   already, it goes to the first open month after it and is flagged late.
 */
import { jstDay, monthFromNumber, monthNumber } from '../../free-area/index.js';
import type { GrantUnit } from '../../free-area/index.js';
import { fareCorrectedSchema, firstIssue, rideClosedSchema, tapVoidedSchema } from './event-payloads.js';
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

/** A rule line placed in a company's run. */
export interface ClearingLine extends RuleLine {
  readonly terminal: string;
  readonly seq: number;
  readonly company: string;
  readonly serviceDay: string;
  readonly serviceMonth: string;
  readonly runMonth: string;
  readonly late: boolean;
}

export type RuleOutcome =
  | { readonly kind: 'lines'; readonly rideId: string; readonly lines: readonly RuleLine[] }
  | { readonly kind: 'malformed'; readonly detail: string };

export interface RuleContext {
  readonly unitOf: (programmeId: string) => GrantUnit;
  /** Whether this terminal's journal closed the ride before this event (a lower seq). */
  readonly closedBefore: (rideId: string) => boolean;
}

export function ruleLines(event: RawEvent, ctx: RuleContext): RuleOutcome {
  if (event.type === 'ride-closed') {
    const parsed = rideClosedSchema.safeParse(event.payload);
    if (!parsed.success) return { kind: 'malformed', detail: firstIssue(parsed.error) };
    const p = parsed.data;
    const at = p.atMs ?? event.at;
    const lines = p.riders.map((r, i): RuleLine => ({
      line: i,
      kind: 'ride',
      rideId: p.rideId,
      programmeId: r.programmeId,
      cardId: r.cardId,
      at,
      rides: i === 0 ? 1 : 0,
      riders: 1,
      subsidyYen: r.subsidyYen,
      ...unitsOf(ctx.unitOf(r.programmeId), r.units),
      fareYen: i === 0 ? p.totalSubsidyYen + p.cashToCollectYen : 0,
    }));
    return { kind: 'lines', rideId: p.rideId, lines };
  }
  const compensation = parseCompensation(event);
  if (compensation.kind === 'malformed') return compensation;
  const p = compensation.payload;
  if (!ctx.closedBefore(p.rideId)) return { kind: 'lines', rideId: p.rideId, lines: [] };
  const kind: LineKind = 'newFareYen' in p ? 'correction' : 'void';
  const fareDelta = 'newFareYen' in p ? p.newFareYen - p.oldFareYen : 0;
  const lines = p.adjustments.map((a, i): RuleLine => ({
    line: i,
    kind,
    rideId: p.rideId,
    programmeId: a.programmeId,
    cardId: a.cardId,
    at: p.atMs ?? event.at,
    rides: 0,
    riders: kind === 'void' && 'cardId' in p && p.cardId === a.cardId ? -1 : 0,
    subsidyYen: a.newSubsidyYen - a.oldSubsidyYen,
    ...unitsOf(ctx.unitOf(a.programmeId), -a.unitsToReturn),
    fareYen: i === 0 ? fareDelta : 0,
  }));
  return { kind: 'lines', rideId: p.rideId, lines };
}

function parseCompensation(event: RawEvent): { kind: 'ok'; payload: FareCorrected | TapVoided } | { kind: 'malformed'; detail: string } {
  const schema = event.type === 'fare-corrected' ? fareCorrectedSchema : event.type === 'tap-voided' ? tapVoidedSchema : null;
  if (schema === null) return { kind: 'malformed', detail: `${event.type} is not a clearing event` };
  const parsed = schema.safeParse(event.payload);
  return parsed.success ? { kind: 'ok', payload: parsed.data } : { kind: 'malformed', detail: firstIssue(parsed.error) };
}

function unitsOf(unit: GrantUnit, n: number): { couponUnits: number; yenUnits: number } {
  return unit === 'yen' ? { couponUnits: 0, yenUnits: n } : { couponUnits: n, yenUnits: 0 };
}

/** The first month from `serviceMonth` on that is not closed. */
export function runMonthFor(serviceMonth: string, closed: ReadonlySet<string>): string {
  let n = monthNumber(serviceMonth);
  while (closed.has(monthFromNumber(n))) n += 1;
  return monthFromNumber(n);
}

export function nextMonth(month: string): string {
  return monthFromNumber(monthNumber(month) + 1);
}

/** Places an event's rule lines in a company's run. */
export function assignRun(
  lines: readonly RuleLine[],
  where: { terminal: string; seq: number; company: string; closedMonths: ReadonlySet<string> },
): ClearingLine[] {
  return lines.map((l) => {
    const serviceDay = jstDay(l.at);
    const serviceMonth = serviceDay.slice(0, 7);
    const runMonth = runMonthFor(serviceMonth, where.closedMonths);
    return { ...l, terminal: where.terminal, seq: where.seq, company: where.company, serviceDay, serviceMonth, runMonth, late: runMonth !== serviceMonth };
  });
}
