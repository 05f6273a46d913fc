/** Reading clearing figures: totals of a run per company, a company's rides, programmes and days. */
import { all, num, str } from '../store/index.js';
import type { Program, Raw } from '../store/index.js';
import { CLEARING_SQL } from '../store/sql-domain.js';
import type { LineKind } from './clearing-rules.js';

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

export function* rideItems(month: string, company: string, limit: number, offset: number): Program<RideItem[]> {
  return (yield* all(CLEARING_SQL.rideDetail, [month, company, limit, offset])).map((r) => ({
    terminal: str(r.terminal),
    seq: num(r.seq),
    kind: str(r.kind) as LineKind,
    rideId: str(r.ride_id),
    at: num(r.at),
    serviceDay: str(r.service_day),
    serviceMonth: str(r.service_month),
    late: num(r.late) === 1,
    rides: num(r.rides),
    riders: num(r.riders),
    subsidyYen: num(r.subsidy_yen),
    couponUnits: num(r.coupon_units),
    yenUnits: num(r.yen_units),
    fareYen: num(r.fare_yen),
  }));
}
