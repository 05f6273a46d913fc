/**
 * Settling a ride: each rider's subsidy at a fare, and the compensating record when the fare
 * or the riders change after taps. Riders are settled in tap order; each gets what their
 * programme's rule gives within the fare the earlier riders left, so the total never exceeds
 * the fare.
 */
import { priceRider } from './pricing.js';
import type { AcceptedTap, Compensation, RiderAdjustment, RideSummary } from './ride-model.js';

/** A rider's settlement with the units the ride no longer needs from the card. */
export interface SettledRider {
  readonly cardId: string;
  readonly programmeId: string;
  /** Units the card gave this ride and has not had back. */
  readonly units: number;
  readonly subsidyYen: number;
  /** Of `units`, how many the rule no longer needs at this fare. */
  readonly unitsFreed: number;
}

export interface Settlement {
  readonly riders: readonly SettledRider[];
  readonly totalSubsidyYen: number;
  readonly cashToCollectYen: number;
}

/** Every rider's subsidy at `fareYen`; each rider's `units` is the most the card gives. */
export function settleRiders(fareYen: number, riders: readonly AcceptedTap[]): Settlement {
  const settled: SettledRider[] = [];
  let granted = 0;
  const grantedByProgramme = new Map<string, number>();
  for (const rider of riders) {
    const price = priceRider(rider.rule, {
      fareYen,
      fareLeftYen: fareYen - granted,
      sameProgrammeBeforeYen: grantedByProgramme.get(rider.programmeId) ?? 0,
      sameProgrammeRiders: riders.filter((r) => r.programmeId === rider.programmeId).length,
      ridersInRide: riders.length,
      unitsAvailable: rider.units,
    });
    granted += price.subsidyYen;
    grantedByProgramme.set(rider.programmeId, (grantedByProgramme.get(rider.programmeId) ?? 0) + price.subsidyYen);
    settled.push({
      cardId: rider.cardId,
      programmeId: rider.programmeId,
      units: rider.units,
      subsidyYen: price.subsidyYen,
      unitsFreed: rider.units - price.units,
    });
  }
  return { riders: settled, totalSubsidyYen: granted, cashToCollectYen: fareYen - granted };
}

/** The summary a closed ride reports. */
export function summaryOf(settlement: Settlement): RideSummary {
  return {
    riders: settlement.riders.map(({ cardId, programmeId, units, subsidyYen }) => ({ cardId, programmeId, units, subsidyYen })),
    totalSubsidyYen: settlement.totalSubsidyYen,
    cashToCollectYen: settlement.cashToCollectYen,
  };
}

/**
 * The compensating record between two settlements of the same riders. A rider missing from
 * `after` is the voided one: its subsidy goes to 0 and all its units are freed. Freed units go
 * back to the card only where the rider's programme returns units.
 */
export function compensation(before: Settlement, after: Settlement, riders: readonly AcceptedTap[]): Compensation {
  const adjustments: RiderAdjustment[] = before.riders.map((old) => {
    const now = after.riders.find((r) => r.cardId === old.cardId);
    const newSubsidyYen = now?.subsidyYen ?? 0;
    const freed = now ? now.unitsFreed : old.units;
    const returns = riders.find((r) => r.cardId === old.cardId)?.returnUnitsOnVoid ?? false;
    return {
      cardId: old.cardId,
      programmeId: old.programmeId,
      oldSubsidyYen: old.subsidyYen,
      newSubsidyYen,
      deltaYen: newSubsidyYen - old.subsidyYen,
      unitsToReturn: returns ? freed : 0,
    };
  });
  return {
    adjustments,
    oldTotalSubsidyYen: before.totalSubsidyYen,
    newTotalSubsidyYen: after.totalSubsidyYen,
    cashToCollectYen: after.cashToCollectYen,
  };
}
