/**
 * The hand-checked clearing data set: two companies, three taxis, June and July 2025 (Japan
 * time), with a shared ride, a fare corrected before the close of its ride (already in the
 * summary), one corrected after (a compensation), a rider voided after the close, a malformed
 * event, a cancelled ride, and a June ride that reaches the office after June was closed.
 *
 * Programmes: 102016-1 counts coupons, 132055-1 counts yen.
 *
 * maebashi-kotsu (taxis TA1, TA2), June, before the close:
 *   ride  riders  subsidy  coupons  yen   fare    note
 *   R1    1       1000     1        0     2400    alone: half of 2400 capped at 1000
 *   R2    2       1000     2        0     3000    shared: 500 + 500
 *   R3    1        800     1        0     1600    fare corrected 1000→1600 while open: the summary holds it
 *   R4    1       1200     0        1200  2400    yen programme
 *   R4*   0       −200     0       −200   −400    corrected 2400→2000 after the close; 200 yen back to the card
 *   R6    2       1000     2        0     2200    shared: 500 + 500
 *   R6*  −1          0     0        0        0    C7 voided after the close: C6 +500, C7 −500, no coupon back
 *   total: rides 5, riders 1+2+1+1+2−1 = 6, subsidy 4800, coupons 6, yen 1000, fare 11200
 *
 * akagi-taxi (taxi TB1):
 *   June: S1 — rides 1, riders 1, subsidy 700, coupons 1, fare 1400
 *   July: S2 (closed 00:10 on 1 July) — rides 1, riders 1, subsidy 1000, coupons 1, fare 3000
 *
 * After June is closed, R5 (TA2, closed 30 June 23:50, 1 rider, 1000 yen, 1 coupon, fare 5000)
 * arrives: it goes to July's run as a late item. July, maebashi-kotsu: rides 1, riders 1,
 * subsidy 1000, coupons 1, fare 5000, late items 1, late subsidy 1000. June's figures do not move.
 */
import { jst, wireJournal } from './test-support.js';
import type { WireJournal } from './test-support.js';

type Rider = readonly [cardId: string, programmeId: string, units: number, subsidyYen: number];

const C = (n: number): string => `C0FFEE00000000${String(n).padStart(2, '0')}`;
const D = (n: number): string => `D0FFEE00000000${String(n).padStart(2, '0')}`;

function closed(j: WireJournal, rideId: string, at: string, riders: readonly Rider[], fareYen: number): void {
  const total = riders.reduce((s, r) => s + r[3], 0);
  j.append('ride-opened', { rideId, atMs: jst(at) - 600_000, fareYen }, jst(at) - 600_000);
  j.append('ride-closed', {
    rideId, atMs: jst(at),
    riders: riders.map(([cardId, programmeId, units, subsidyYen]) => ({ cardId, programmeId, units, subsidyYen })),
    totalSubsidyYen: total, cashToCollectYen: fareYen - total,
  }, jst(at));
}

function adjustment(cardId: string, programmeId: string, oldSubsidyYen: number, newSubsidyYen: number, unitsToReturn: number) {
  return { cardId, programmeId, oldSubsidyYen, newSubsidyYen, deltaYen: newSubsidyYen - oldSubsidyYen, unitsToReturn };
}

export interface ClearingFixture {
  readonly ta1: WireJournal;
  readonly ta2: WireJournal;
  readonly tb1: WireJournal;
  /** TA2's late batch: R5, sent after June is closed. */
  appendLate(): void;
}

export function clearingFixture(): ClearingFixture {
  const ta1 = wireJournal('TA1');
  const ta2 = wireJournal('TA2');
  const tb1 = wireJournal('TB1');
  closed(ta1, 'R1', '2025-06-10 10:00', [[C(1), '102016-1', 1, 1000]], 2400);
  closed(ta1, 'R2', '2025-06-11 12:00', [[C(2), '102016-1', 1, 500], [C(3), '102016-1', 1, 500]], 3000);
  ta1.append('ride-opened', { rideId: 'R3', atMs: jst('2025-06-12 09:00'), fareYen: 1000 }, jst('2025-06-12 09:00'));
  ta1.append('fare-corrected', {
    rideId: 'R3', atMs: jst('2025-06-12 09:05'), oldFareYen: 1000, newFareYen: 1600,
    adjustments: [adjustment(C(1), '102016-1', 500, 800, 0)], oldTotalSubsidyYen: 500, newTotalSubsidyYen: 800, cashToCollectYen: 800,
  }, jst('2025-06-12 09:05'));
  ta1.append('ride-closed', {
    rideId: 'R3', atMs: jst('2025-06-12 09:10'), riders: [{ cardId: C(1), programmeId: '102016-1', units: 1, subsidyYen: 800 }], totalSubsidyYen: 800, cashToCollectYen: 800,
  }, jst('2025-06-12 09:10'));
  closed(ta1, 'R4', '2025-06-20 18:00', [[C(4), '132055-1', 1200, 1200]], 2400);
  ta1.append('fare-corrected', {
    rideId: 'R4', atMs: jst('2025-06-21 09:00'), oldFareYen: 2400, newFareYen: 2000,
    adjustments: [adjustment(C(4), '132055-1', 1200, 1000, 200)], oldTotalSubsidyYen: 1200, newTotalSubsidyYen: 1000, cashToCollectYen: 1000,
  }, jst('2025-06-21 09:00'));
  ta1.append('ride-opened', { rideId: 'R9', atMs: jst('2025-06-22 10:00'), fareYen: 900 }, jst('2025-06-22 10:00'));
  ta1.append('ride-cancelled', { rideId: 'R9', atMs: jst('2025-06-22 10:01') }, jst('2025-06-22 10:01'));
  ta1.append('ride-closed', { rideId: 'R10', riders: 'not a list' }, jst('2025-06-23 10:00'));

  closed(ta2, 'R6', '2025-06-15 14:00', [[C(6), '102016-1', 1, 500], [C(7), '102016-1', 1, 500]], 2200);
  ta2.append('tap-voided', {
    rideId: 'R6', atMs: jst('2025-06-16 08:00'), cardId: C(7),
    adjustments: [adjustment(C(6), '102016-1', 500, 1000, 0), adjustment(C(7), '102016-1', 500, 0, 0)], oldTotalSubsidyYen: 1000, newTotalSubsidyYen: 1000, cashToCollectYen: 1200,
  }, jst('2025-06-16 08:00'));

  closed(tb1, 'S1', '2025-06-05 08:00', [[D(1), '102016-1', 1, 700]], 1400);
  closed(tb1, 'S2', '2025-07-01 00:10', [[D(2), '102016-1', 1, 1000]], 3000);

  return {
    ta1, ta2, tb1,
    appendLate: () => closed(ta2, 'R5', '2025-06-30 23:50', [[C(5), '102016-1', 1, 1000]], 5000),
  };
}

export const JUNE_MAEBASHI = { rides: 5, riders: 6, subsidyYen: 4800, couponUnits: 6, yenUnits: 1000, fareYen: 11200, lateItems: 0, lateSubsidyYen: 0 };
export const JUNE_AKAGI = { rides: 1, riders: 1, subsidyYen: 700, couponUnits: 1, yenUnits: 0, fareYen: 1400, lateItems: 0, lateSubsidyYen: 0 };
export const JULY_AKAGI = { rides: 1, riders: 1, subsidyYen: 1000, couponUnits: 1, yenUnits: 0, fareYen: 3000, lateItems: 0, lateSubsidyYen: 0 };
export const JULY_MAEBASHI_LATE = { rides: 1, riders: 1, subsidyYen: 1000, couponUnits: 1, yenUnits: 0, fareYen: 5000, lateItems: 1, lateSubsidyYen: 1000 };
