/**
 * The ride as a state machine: open with the meter fare, add accepted taps, close with each
 * rider's subsidy and the cash to collect. A ride with no standing taps may be cancelled; after
 * taps, a wrong fare or a wrong tap is put right by a compensating event (`fare-corrected`,
 * `tap-voided`), never by editing history. Every operation returns the new ride and the one
 * event to append to the journal, or a refusal with its reason.
 */
import { reasonMessage, type Message, type RideRefusal } from './reasons.js';
import { applyRideEvent } from './ride-events.js';
import type { AcceptedTap, Place, Ride, RideEvent, RideEventType, RideSummary } from './ride-model.js';
import { compensation, settleRiders, summaryOf } from './settle.js';

export interface RideRefused {
  readonly kind: 'refused';
  readonly reason: RideRefusal;
  readonly message: Message;
}

export type RideOutcome<T extends RideEventType = RideEventType> =
  | { readonly kind: 'ok'; readonly ride: Ride; readonly event: Extract<RideEvent, { type: T }> }
  | RideRefused;

export interface OpenRideInput {
  readonly rideId: string;
  readonly fareYen: number;
  readonly atMs: number;
  readonly pickup?: Place;
  readonly dropoff?: Place;
}

function refuse(reason: RideRefusal): RideRefused {
  return { kind: 'refused', reason, message: reasonMessage(reason) };
}

function step<T extends RideEventType>(ride: Ride | null, event: Extract<RideEvent, { type: T }>): RideOutcome<T> {
  return { kind: 'ok', ride: applyRideEvent(ride, event), event };
}

function isFare(fareYen: number): boolean {
  return Number.isSafeInteger(fareYen) && fareYen >= 1;
}

/** Open a ride at the meter fare (whole yen, at least ¥1). */
export function openRide(input: OpenRideInput): RideOutcome<'ride-opened'> {
  if (!isFare(input.fareYen)) return refuse('invalid-fare');
  const { rideId, fareYen, atMs, pickup, dropoff } = input;
  const payload = {
    rideId,
    atMs,
    fareYen,
    ...(pickup === undefined ? {} : { pickup }),
    ...(dropoff === undefined ? {} : { dropoff }),
  };
  return step(null, { type: 'ride-opened', payload });
}

/** Add a tap the card has committed (`decideTap`'s `tap`). */
export function addTap(ride: Ride, tap: AcceptedTap): RideOutcome<'tap-accepted'> {
  if (ride.status !== 'open') return refuse('ride-not-open');
  if (ride.riders.some((r) => r.cardId === tap.cardId)) return refuse('already-in-ride');
  return step(ride, { type: 'tap-accepted', payload: { rideId: ride.rideId, atMs: tap.atMs, tap } });
}

/** The ride's settlement now: each rider's subsidy, the total and the cash to collect. */
export function rideSummary(ride: Ride): RideSummary {
  return summaryOf(settleRiders(ride.fareYen, ride.riders));
}

/** Close the ride; the event carries the settlement the office pays. */
export function closeRide(ride: Ride, atMs: number, dropoff?: Place): RideOutcome<'ride-closed'> {
  if (ride.status !== 'open') return refuse('ride-not-open');
  const payload = { rideId: ride.rideId, atMs, ...(dropoff === undefined ? {} : { dropoff }), ...rideSummary(ride) };
  return step(ride, { type: 'ride-closed', payload });
}

/** Cancel a ride that no standing tap belongs to. */
export function cancelRide(ride: Ride, atMs: number): RideOutcome<'ride-cancelled'> {
  if (ride.status !== 'open') return refuse('ride-not-open');
  if (ride.riders.length > 0) return refuse('ride-has-taps');
  return step(ride, { type: 'ride-cancelled', payload: { rideId: ride.rideId, atMs } });
}

/**
 * Put the fare right, open or closed: every rider is settled again at the new fare. A card
 * cannot give more after it has left, so a higher fare raises only what the units already
 * taken allow; units a lower fare no longer needs go back where the programme says so.
 */
export function correctFare(ride: Ride, newFareYen: number, atMs: number): RideOutcome<'fare-corrected'> {
  if (ride.status === 'cancelled') return refuse('ride-cancelled');
  if (!isFare(newFareYen)) return refuse('invalid-fare');
  if (newFareYen === ride.fareYen) return refuse('fare-unchanged');
  const before = settleRiders(ride.fareYen, ride.riders);
  const after = settleRiders(newFareYen, ride.riders);
  const payload = {
    rideId: ride.rideId,
    atMs,
    oldFareYen: ride.fareYen,
    newFareYen,
    ...compensation(before, after, ride.riders),
  };
  return step(ride, { type: 'fare-corrected', payload });
}

/**
 * Void one rider's tap, open or closed: that rider's subsidy goes to 0, its units go back where
 * the programme says so, and the others are settled again without it.
 */
export function voidTap(ride: Ride, cardId: string, atMs: number): RideOutcome<'tap-voided'> {
  if (ride.status === 'cancelled') return refuse('ride-cancelled');
  if (!ride.riders.some((r) => r.cardId === cardId)) return refuse('not-in-ride');
  const rest = ride.riders.filter((r) => r.cardId !== cardId);
  const before = settleRiders(ride.fareYen, ride.riders);
  const after = settleRiders(ride.fareYen, rest);
  const payload = { rideId: ride.rideId, atMs, cardId, ...compensation(before, after, ride.riders) };
  return step(ride, { type: 'tap-voided', payload });
}
