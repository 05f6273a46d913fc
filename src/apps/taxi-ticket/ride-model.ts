/**
 * The shapes of a ride: the taps it holds, its events (what the terminal appends to its
 * journal) and its settlement. Amounts are whole yen; instants are Unix milliseconds.
 */
import type { GrantUnit } from '../../free-area/types.js';
import type { SubsidyRule } from './programmes.js';

/** A place the driver may note: a label, a position, or both. */
export interface Place {
  readonly label?: string;
  readonly lat?: number;
  readonly lon?: number;
}

/**
 * One rider's accepted tap. `units` is what the card gave this ride (after any units were
 * returned); `subsidyYen` is the provisional subsidy when the tap was decided. The rule travels
 * with the tap, so settling a ride never depends on configuration changed since.
 */
export interface AcceptedTap {
  readonly cardId: string;
  readonly programmeId: string;
  readonly unit: GrantUnit;
  readonly units: number;
  readonly subsidyYen: number;
  readonly rule: SubsidyRule;
  readonly returnUnitsOnVoid: boolean;
  readonly atMs: number;
}

export type RideStatus = 'open' | 'closed' | 'cancelled';

/** What deciding a tap needs to know of the ride: its fare and the riders who stand, in tap order. */
export interface RideSnapshot {
  readonly status: RideStatus;
  readonly fareYen: number;
  readonly riders: readonly AcceptedTap[];
}

/** One rider in a settlement: the units the ride keeps from the card and the subsidy. */
export interface RiderSettlement {
  readonly cardId: string;
  readonly programmeId: string;
  readonly units: number;
  readonly subsidyYen: number;
}

export interface RideSummary {
  readonly riders: readonly RiderSettlement[];
  readonly totalSubsidyYen: number;
  readonly cashToCollectYen: number;
}

/** How one rider's settlement moved in a correction or a void. */
export interface RiderAdjustment {
  readonly cardId: string;
  readonly programmeId: string;
  readonly oldSubsidyYen: number;
  readonly newSubsidyYen: number;
  readonly deltaYen: number;
  /** Units to give back to the card (0 when the programme does not return units). */
  readonly unitsToReturn: number;
}

/** A compensating record: the settlement before and after, rider by rider. */
export interface Compensation {
  readonly adjustments: readonly RiderAdjustment[];
  readonly oldTotalSubsidyYen: number;
  readonly newTotalSubsidyYen: number;
  readonly cashToCollectYen: number;
}

export interface RideOpenedPayload {
  readonly rideId: string;
  readonly atMs: number;
  readonly fareYen: number;
  readonly pickup?: Place;
  readonly dropoff?: Place;
}

export type RideEvent =
  | { readonly type: 'ride-opened'; readonly payload: RideOpenedPayload }
  | { readonly type: 'tap-accepted'; readonly payload: { readonly rideId: string; readonly atMs: number; readonly tap: AcceptedTap } }
  | {
      readonly type: 'tap-voided';
      readonly payload: { readonly rideId: string; readonly atMs: number; readonly cardId: string } & Compensation;
    }
  | {
      readonly type: 'fare-corrected';
      readonly payload: {
        readonly rideId: string;
        readonly atMs: number;
        readonly oldFareYen: number;
        readonly newFareYen: number;
      } & Compensation;
    }
  | {
      readonly type: 'ride-closed';
      readonly payload: { readonly rideId: string; readonly atMs: number; readonly dropoff?: Place } & RideSummary;
    }
  | { readonly type: 'ride-cancelled'; readonly payload: { readonly rideId: string; readonly atMs: number } };

export type RideEventType = RideEvent['type'];

/** A ride: its current state, derived from its events, which are never edited. */
export interface Ride extends RideSnapshot {
  readonly rideId: string;
  readonly openedAtMs: number;
  readonly closedAtMs: number | null;
  readonly pickup?: Place;
  readonly dropoff?: Place;
  readonly events: readonly RideEvent[];
}
