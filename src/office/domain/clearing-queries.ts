/** Reading clearing figures: totals of a run per company, a company's rides, programmes and days. */
import { all, num, str } from '../store/index.js';
import type { Program, Raw } from '../store/index.js';
import { CLEARING_SQL } from '../store/sql-domain.js';
import type { GrantUnit } from '../../free-area/index.js';
import type { LineKind } from './clearing-rules.js';
import { runEventsOf } from './clearing-scan.js';

export interface Totals {
  readonly rides: number;
  readonly riders: number;
  readonly subsidyYen: number;
  readonly couponUnits: number;
  readonly yenUnits: number;
  readonly fareYen: number;
  /** Lines (rides, corrections, voids) of earlier months that arrived after those months closed. */
  readonly lateItems: number;
  readonly lateSubsidyYen: number;
}

export interface CompanyTotals extends Totals {
  readonly company: string;
}

export const ZERO_TOTALS: Totals = { rides: 0, riders: 0, subsidyYen: 0, couponUnits: 0, yenUnits: 0, fareYen: 0, lateItems: 0, lateSubsidyYen: 0 };

export function toTotals(r: Raw): Totals {
  return {
    rides: num(r.rides),
    riders: num(r.riders),
    subsidyYen: num(r.subsidy_yen),
    couponUnits: num(r.coupon_units),
    yenUnits: num(r.yen_units),
    fareYen: num(r.fare_yen),
    lateItems: num(r.late_lines),
    lateSubsidyYen: num(r.late_subsidy_yen),
  };
}

export function sumTotals(list: readonly Totals[]): Totals {
  return list.reduce<Totals>(
    (a, t) => ({
      rides: a.rides + t.rides,
      riders: a.riders + t.riders,
      subsidyYen: a.subsidyYen + t.subsidyYen,
      couponUnits: a.couponUnits + t.couponUnits,
      yenUnits: a.yenUnits + t.yenUnits,
      fareYen: a.fareYen + t.fareYen,
      lateItems: a.lateItems + t.lateItems,
      lateSubsidyYen: a.lateSubsidyYen + t.lateSubsidyYen,
    }),
    ZERO_TOTALS,
  );
}

export function* liveTotals(month: string): Program<CompanyTotals[]> {
  return (yield* all(CLEARING_SQL.totalsByCompany, [month])).map((r) => ({ company: str(r.company), ...toTotals(r) }));
}

export function* frozenTotals(month: string): Program<CompanyTotals[]> {
  return (yield* all(CLEARING_SQL.frozenTotals, [month])).map((r) => ({ company: str(r.company), ...toTotals(r) }));
}

/** One row per ride, correction or void of a company's run. */
export interface RideItem {
  readonly terminal: string;
  readonly seq: number;
  readonly kind: LineKind;
  readonly rideId: string;
  readonly at: number;
  readonly serviceDay: string;
  readonly serviceMonth: string;
  readonly late: boolean;
  readonly rides: number;
  readonly riders: number;
  readonly subsidyYen: number;
  readonly couponUnits: number;
  readonly yenUnits: number;
  readonly fareYen: number;
}

/** Every ride, correction and void in a company's run, in time order, from the raw events. */
export function* rideItems(month: string, company: string, unitOf: (id: string) => GrantUnit): Program<RideItem[]> {
  const closedMonths = new Set((yield* all(CLEARING_SQL.closedMonths)).map((r) => str(r.month)));
  const items: RideItem[] = [];
  for (const t of yield* all(CLEARING_SQL.runRanges, [month, company])) {
    for (const e of yield* runEventsOf(str(t.terminal), num(t.first_seq), num(t.last_seq), month, unitOf, closedMonths)) {
      if (e.outcome.kind !== 'lines' || e.placement === null) continue;
      const lines = e.outcome.lines;
      const first = lines[0];
      if (first === undefined) continue;
      const sum = (f: (l: (typeof lines)[number]) => number) => lines.reduce((s, l) => s + f(l), 0);
      items.push({
        terminal: e.terminal, seq: e.seq, kind: first.kind, rideId: e.outcome.rideId, at: first.at,
        serviceDay: e.placement.serviceDay, serviceMonth: e.placement.serviceMonth, late: e.placement.late,
        rides: sum((l) => l.rides), riders: sum((l) => l.riders), subsidyYen: sum((l) => l.subsidyYen), couponUnits: sum((l) => l.couponUnits),
        yenUnits: sum((l) => l.yenUnits), fareYen: sum((l) => l.fareYen),
      });
    }
  }
  return items.sort((a, b) => a.at - b.at || a.terminal.localeCompare(b.terminal) || a.seq - b.seq);
}
