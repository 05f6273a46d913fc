/**
 * A ride is the fold of its events. Every ride operation makes one event and applies it here,
 * and a terminal that restarts rebuilds an open ride from its journal with `replayRide`.
 */
import type { AcceptedTap, Compensation, Ride, RideEvent } from './ride-model.js';

/** Riders after a compensating record: returned units leave, a voided rider leaves. */
function compensate(riders: readonly AcceptedTap[], record: Compensation, voidedCardId: string | null): AcceptedTap[] {
  return riders
    .filter((rider) => rider.cardId !== voidedCardId)
    .map((rider) => {
      const returned = record.adjustments.find((a) => a.cardId === rider.cardId)?.unitsToReturn ?? 0;
      return returned === 0 ? rider : { ...rider, units: rider.units - returned };
    });
}

function opened(event: Extract<RideEvent, { type: 'ride-opened' }>): Ride {
  const { rideId, atMs, fareYen, pickup, dropoff } = event.payload;
  const ride: Ride = { rideId, status: 'open', fareYen, riders: [], openedAtMs: atMs, closedAtMs: null, events: [event] };
  return {
    ...ride,
    ...(pickup === undefined ? {} : { pickup }),
    ...(dropoff === undefined ? {} : { dropoff }),
  };
}

/** The ride after one more event. Throws when the event cannot follow (a corrupt history is a bug). */
export function applyRideEvent(ride: Ride | null, event: RideEvent): Ride {
  if (event.type === 'ride-opened') {
    if (ride !== null) throw new Error(`ride ${ride.rideId} is already open`);
    return opened(event);
  }
  if (ride === null) throw new Error(`${event.type} before ride-opened`);
  if (event.payload.rideId !== ride.rideId) {
    throw new Error(`${event.type} of ride ${event.payload.rideId} applied to ride ${ride.rideId}`);
  }
  const events = [...ride.events, event];
  switch (event.type) {
    case 'tap-accepted':
      return { ...ride, riders: [...ride.riders, event.payload.tap], events };
    case 'tap-voided':
      return { ...ride, riders: compensate(ride.riders, event.payload, event.payload.cardId), events };
    case 'fare-corrected':
      return { ...ride, fareYen: event.payload.newFareYen, riders: compensate(ride.riders, event.payload, null), events };
    case 'ride-closed': {
      const closed: Ride = { ...ride, status: 'closed', closedAtMs: event.payload.atMs, events };
      return event.payload.dropoff === undefined ? closed : { ...closed, dropoff: event.payload.dropoff };
    }
    case 'ride-cancelled':
      return { ...ride, status: 'cancelled', closedAtMs: event.payload.atMs, events };
  }
}

/** The ride its events describe, first event `ride-opened`. */
export function replayRide(events: readonly RideEvent[]): Ride {
  const ride = events.reduce<Ride | null>(applyRideEvent, null);
  if (ride === null) throw new Error('a ride needs at least its ride-opened event');
  return ride;
}
