import { describe, expect, it } from 'vitest';
import { decideTap } from './decide.js';
import { addTap, cancelRide, closeRide, correctFare, openRide, rideSummary, voidTap } from './ride.js';
import { applyRideEvent, replayRide } from './ride-events.js';
import type { Ride } from './ride-model.js';
import { COUPONS, MAEBASHI, NOON, OME, TAIKI, customProgramme, newRide, programme, slot, tapInput, tapInto } from './test-fixtures.js';

/** A ride at `fare` with one accepted tap per `[programmeId, cardId]`, in order. */
function rideWith(fare: number, riders: readonly (readonly [string, string])[]): Ride {
  return riders.reduce((ride, [id, card]) => {
    const next = tapInto(ride, id, card);
    if (next.decision.kind !== 'accepted') throw new Error(`${card} refused: ${next.decision.reason}`);
    return next.ride;
  }, newRide(fare));
}

function ok<T extends { kind: string }>(outcome: T): Extract<T, { kind: 'ok' }> {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome as Extract<T, { kind: 'ok' }>;
}

const subsidies = (ride: Ride) => rideSummary(ride).riders.map((r) => r.subsidyYen);

describe('opening a ride', () => {
  it('records the fare and the places given, and nothing for places not given', () => {
    const opened = ok(openRide({ rideId: 'R9', fareYen: 2400, atMs: NOON, pickup: { label: '前橋駅', lat: 36.383, lon: 139.073 } }));
    expect(opened.event).toEqual({
      type: 'ride-opened',
      payload: { rideId: 'R9', atMs: NOON, fareYen: 2400, pickup: { label: '前橋駅', lat: 36.383, lon: 139.073 } },
    });
    expect(opened.ride).toMatchObject({ status: 'open', fareYen: 2400, riders: [], closedAtMs: null });
    expect('dropoff' in opened.ride).toBe(false);
  });

  it.each([0, -100, 1500.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses a fare of %d', (fareYen) => {
    expect(openRide({ rideId: 'R1', fareYen, atMs: NOON })).toMatchObject({ kind: 'refused', reason: 'invalid-fare' });
  });
});

describe('shared rides', () => {
  it.each([
    { title: '前橋市 alone: half the fare up to ¥1,000', fare: 3000, riders: [[MAEBASHI, 'A']], subsidy: [1000], cash: 2000 },
    { title: '前橋市 alone on a short ride', fare: 1500, riders: [[MAEBASHI, 'A']], subsidy: [750], cash: 750 },
    { title: '前橋市, two riders: ¥500 each', fare: 3000, riders: [[MAEBASHI, 'A'], [MAEBASHI, 'B']], subsidy: [500, 500], cash: 2000 },
    { title: '前橋市, two riders on a short ride: ¥500 each', fare: 1500, riders: [[MAEBASHI, 'A'], [MAEBASHI, 'B']], subsidy: [500, 500], cash: 500 },
    {
      title: '前橋市, three riders: ¥500 each',
      fare: 3000,
      riders: [[MAEBASHI, 'A'], [MAEBASHI, 'B'], [MAEBASHI, 'C']],
      subsidy: [500, 500, 500],
      cash: 1500,
    },
    {
      title: '前橋市, three riders, never above the fare',
      fare: 1200,
      riders: [[MAEBASHI, 'A'], [MAEBASHI, 'B'], [MAEBASHI, 'C']],
      subsidy: [500, 500, 200],
      cash: 0,
    },
    { title: '大紀町, two riders split the fare', fare: 3000, riders: [[TAIKI, 'A'], [TAIKI, 'B']], subsidy: [750, 750], cash: 1500 },
    { title: 'a mix: 前橋市 counts only its own riders', fare: 3000, riders: [[MAEBASHI, 'A'], [OME, 'B']], subsidy: [1000, 1500], cash: 500 },
    { title: 'a mix: coupons cover what the fare leaves', fare: 1500, riders: [[MAEBASHI, 'A'], [COUPONS, 'B']], subsidy: [750, 500], cash: 250 },
    {
      title: 'a mix of four programmes',
      fare: 5000,
      riders: [[MAEBASHI, 'A'], [MAEBASHI, 'B'], [TAIKI, 'C'], [COUPONS, 'D']],
      subsidy: [500, 500, 625, 1000],
      cash: 2375,
    },
  ] as const)('$title', ({ fare, riders, subsidy, cash }) => {
    const summary = rideSummary(rideWith(fare, riders));
    expect(summary.riders.map((r) => r.subsidyYen).filter((y) => y > 0)).toEqual(subsidy);
    expect(summary.totalSubsidyYen).toBe(subsidy.reduce((a, b) => a + b, 0));
    expect(summary.cashToCollectYen).toBe(cash);
  });

  it('gives each rider a provisional subsidy that later riders may change', () => {
    const first = tapInto(newRide(3000), MAEBASHI, 'A');
    expect(first.decision).toMatchObject({ subsidyYen: 1000 });
    const second = tapInto(first.ride, MAEBASHI, 'B');
    expect(second.decision).toMatchObject({ subsidyYen: 500 });
    expect(subsidies(second.ride)).toEqual([500, 500]);
  });

  it('lets riders of 青梅市 share half the fare: the second takes what the first could not', () => {
    const first = decideTap(tapInput(OME, 'A', newRide(3000), { state: slot({ used: 2500, month: '2025-06', monthUnits: 2500 }) }));
    expect(first).toMatchObject({ kind: 'accepted', units: 500 });
    const withA = first.kind === 'accepted' ? ok(addTap(newRide(3000), first.tap)).ride : newRide(3000);
    const second = tapInto(withA, OME, 'B');
    expect(second.decision).toMatchObject({ kind: 'accepted', units: 1000 });
    expect(rideSummary(second.ride)).toMatchObject({ totalSubsidyYen: 1500, cashToCollectYen: 1500 });
    expect(tapInto(second.ride, OME, 'C').decision).toMatchObject({ kind: 'rejected', reason: 'fare-too-low' });
  });

  it('refuses a rider the fare has nothing left for', () => {
    const full = rideWith(1000, [[MAEBASHI, 'A'], [MAEBASHI, 'B']]);
    expect(tapInto(full, MAEBASHI, 'C').decision).toMatchObject({ kind: 'rejected', reason: 'fare-too-low' });
  });

  it('counts riders of every programme when the shared-ride rule says so', () => {
    const anyRider = customProgramme({
      name: { ja: '例', en: 'example' },
      subsidy: { style: 'fare-share', farePercent: 50, capYen: 1000, sharedRide: { rule: 'per-rider', perRiderYen: 500, counts: 'any-programme' } },
    });
    const withOme = rideWith(3000, [[OME, 'B']]);
    const decision = decideTap(tapInput(MAEBASHI, 'A', withOme, { programme: anyRider }));
    expect(decision).toMatchObject({ kind: 'accepted', subsidyYen: 500 });
  });

  it('refuses a rider whose joining would leave units an earlier rider gave unused', () => {
    const hundreds = customProgramme({
      name: { ja: '例', en: 'example' },
      subsidy: { style: 'coupon', couponYen: 100, maxCouponsPerRide: 5 },
    });
    const withA = tapInto(newRide(600), MAEBASHI, 'A').ride;
    const c = decideTap(tapInput(COUPONS, 'C', withA, { programme: hundreds }));
    expect(c).toMatchObject({ kind: 'accepted', units: 3, subsidyYen: 300 });
    const withC = c.kind === 'accepted' ? ok(addTap(withA, c.tap)).ride : withA;
    expect(tapInto(withC, MAEBASHI, 'B').decision).toMatchObject({ kind: 'rejected', reason: 'fare-too-low' });
  });
});

describe('adding taps', () => {
  it('refuses the same card twice and any tap once the ride is closed', () => {
    const ride = rideWith(3000, [[MAEBASHI, 'A']]);
    const tap = ride.riders[0];
    if (tap === undefined) throw new Error('no rider');
    expect(addTap(ride, tap)).toMatchObject({ kind: 'refused', reason: 'already-in-ride' });
    const closed = ok(closeRide(ride, NOON + 60_000)).ride;
    expect(addTap(closed, { ...tap, cardId: 'B' })).toMatchObject({ kind: 'refused', reason: 'ride-not-open' });
  });
});

describe('closing a ride', () => {
  it('records every rider, the total subsidy and the cash to collect', () => {
    const closed = ok(closeRide(rideWith(3000, [[MAEBASHI, 'A'], [MAEBASHI, 'B']]), NOON + 600_000, { label: '前橋赤十字病院' }));
    expect(closed.event).toEqual({
      type: 'ride-closed',
      payload: {
        rideId: 'R1',
        atMs: NOON + 600_000,
        dropoff: { label: '前橋赤十字病院' },
        riders: [
          { cardId: 'A', programmeId: MAEBASHI, units: 1, subsidyYen: 500 },
          { cardId: 'B', programmeId: MAEBASHI, units: 1, subsidyYen: 500 },
        ],
        totalSubsidyYen: 1000,
        cashToCollectYen: 2000,
      },
    });
    expect(closed.ride).toMatchObject({ status: 'closed', closedAtMs: NOON + 600_000, dropoff: { label: '前橋赤十字病院' } });
    expect(closeRide(closed.ride, NOON + 700_000)).toMatchObject({ kind: 'refused', reason: 'ride-not-open' });
  });
});

describe('cancelling a ride', () => {
  it.each([
    { title: 'a ride with no taps is cancelled', ride: newRide(3000), outcome: 'ok' },
    { title: 'a ride with a tap is not', ride: rideWith(3000, [[MAEBASHI, 'A']]), outcome: 'ride-has-taps' },
    { title: 'a ride whose only tap was voided is', ride: ok(voidTap(rideWith(3000, [[OME, 'A']]), 'A', NOON)).ride, outcome: 'ok' },
    { title: 'a closed ride is not', ride: ok(closeRide(newRide(3000), NOON)).ride, outcome: 'ride-not-open' },
  ])('$title', ({ ride, outcome }) => {
    const result = cancelRide(ride, NOON + 1000);
    expect(result.kind === 'ok' ? 'ok' : result.reason).toBe(outcome);
    if (result.kind === 'ok') expect(result.ride.status).toBe('cancelled');
  });
});

describe('correcting the fare', () => {
  it.each([
    { title: '前橋市 keeps its coupon; the subsidy follows the fare', riders: [[MAEBASHI, 'A']], from: 3000, to: 1500, old: 1000, now: 750, back: 0 },
    { title: '前橋市 up again: the cap holds', riders: [[MAEBASHI, 'A']], from: 1500, to: 3000, old: 750, now: 1000, back: 0 },
    { title: '青梅市 gets back the yen a lower fare does not need', riders: [[OME, 'A']], from: 2000, to: 1200, old: 1000, now: 600, back: 400 },
    { title: '青梅市 cannot take more after the card has left', riders: [[OME, 'A']], from: 1200, to: 2000, old: 600, now: 600, back: 0 },
    { title: 'coupons: one of two goes back', riders: [[COUPONS, 'A']], from: 1200, to: 700, old: 1000, now: 500, back: 1 },
  ] as const)('$title', ({ riders, from, to, old, now, back }) => {
    const ride = ok(closeRide(rideWith(from, riders), NOON + 1));
    const corrected = ok(correctFare(ride.ride, to, NOON + 2));
    expect(corrected.event.payload).toMatchObject({
      oldFareYen: from,
      newFareYen: to,
      adjustments: [{ cardId: 'A', oldSubsidyYen: old, newSubsidyYen: now, deltaYen: now - old, unitsToReturn: back }],
      oldTotalSubsidyYen: old,
      newTotalSubsidyYen: now,
      cashToCollectYen: to - now,
    });
    expect(corrected.ride.fareYen).toBe(to);
    expect(corrected.ride.riders[0]?.units).toBe((ride.ride.riders[0]?.units ?? 0) - back);
    expect(corrected.ride.events.slice(0, -1)).toEqual(ride.ride.events);
  });

  it('returns nothing where the programme keeps spent units, and later raises use them again', () => {
    const keeps = customProgramme({ name: { ja: '例', en: 'example' }, subsidy: { style: 'yen-budget', farePercent: 50 }, returnUnitsOnVoid: false });
    const decision = decideTap(tapInput(OME, 'A', newRide(2000), { programme: keeps }));
    if (decision.kind !== 'accepted') throw new Error('refused');
    const ride = ok(addTap(newRide(2000), decision.tap)).ride;
    const lower = ok(correctFare(ride, 1200, NOON + 1));
    expect(lower.event.payload.adjustments).toEqual([
      { cardId: 'A', programmeId: OME, oldSubsidyYen: 1000, newSubsidyYen: 600, deltaYen: -400, unitsToReturn: 0 },
    ]);
    expect(ok(correctFare(lower.ride, 2000, NOON + 2)).event.payload.adjustments[0]).toMatchObject({ newSubsidyYen: 1000 });
  });

  it.each([
    { title: 'the same fare', ride: () => newRide(3000), fare: 3000, reason: 'fare-unchanged' },
    { title: 'a fare of ¥0', ride: () => newRide(3000), fare: 0, reason: 'invalid-fare' },
    { title: 'a cancelled ride', ride: () => ok(cancelRide(newRide(3000), NOON)).ride, fare: 2000, reason: 'ride-cancelled' },
  ])('refuses $title', ({ ride, fare, reason }) => {
    expect(correctFare(ride(), fare, NOON)).toMatchObject({ kind: 'refused', reason });
  });

  it('settles an open ride at the corrected fare when it closes', () => {
    const corrected = ok(correctFare(rideWith(3000, [[MAEBASHI, 'A']]), 1000, NOON + 1)).ride;
    expect(ok(closeRide(corrected, NOON + 2)).event.payload).toMatchObject({ totalSubsidyYen: 500, cashToCollectYen: 500 });
  });
});

describe('voiding a tap', () => {
  it('settles the others again without the voided rider', () => {
    const ride = rideWith(3000, [[MAEBASHI, 'A'], [MAEBASHI, 'B']]);
    const voided = ok(voidTap(ride, 'B', NOON + 1));
    expect(voided.event.payload.adjustments).toEqual([
      { cardId: 'A', programmeId: MAEBASHI, oldSubsidyYen: 500, newSubsidyYen: 1000, deltaYen: 500, unitsToReturn: 0 },
      { cardId: 'B', programmeId: MAEBASHI, oldSubsidyYen: 500, newSubsidyYen: 0, deltaYen: -500, unitsToReturn: 0 },
    ]);
    expect(voided.ride.riders.map((r) => r.cardId)).toEqual(['A']);
  });

  it.each([
    { id: OME, back: 1500 },
    { id: COUPONS, back: 2 },
    { id: MAEBASHI, back: 0 },
  ])('gives $id back $back units when voided', ({ id, back }) => {
    const voided = ok(voidTap(rideWith(3000, [[id, 'A']]), 'A', NOON + 1));
    expect(voided.event.payload.adjustments[0]?.unitsToReturn).toBe(back);
  });

  it('refuses a card that is not in the ride', () => {
    expect(voidTap(rideWith(3000, [[MAEBASHI, 'A']]), 'Z', NOON)).toMatchObject({ kind: 'refused', reason: 'not-in-ride' });
  });

  it('lets the voided card tap again in the same ride', () => {
    const voided = ok(voidTap(rideWith(3000, [[MAEBASHI, 'A']]), 'A', NOON + 1)).ride;
    expect(tapInto(voided, MAEBASHI, 'A').decision.kind).toBe('accepted');
  });
});

describe('the ride as events', () => {
  function fullHistory(): Ride {
    const withTaps = rideWith(3000, [[MAEBASHI, 'A'], [OME, 'B'], [COUPONS, 'C']]);
    const voided = ok(voidTap(withTaps, 'C', NOON + 1)).ride;
    const closed = ok(closeRide(voided, NOON + 2)).ride;
    return ok(correctFare(closed, 2000, NOON + 3)).ride;
  }

  it('keeps every event in order', () => {
    expect(fullHistory().events.map((e) => e.type)).toEqual([
      'ride-opened',
      'tap-accepted',
      'tap-accepted',
      'tap-accepted',
      'tap-voided',
      'ride-closed',
      'fare-corrected',
    ]);
  });

  it('rebuilds the same ride from its events after a trip through JSON', () => {
    const ride = fullHistory();
    const stored = JSON.parse(JSON.stringify(ride.events)) as Ride['events'];
    expect(replayRide(stored)).toEqual(ride);
  });

  it('never changes the ride it was given', () => {
    const ride = rideWith(3000, [[OME, 'A']]);
    const before = JSON.stringify(ride);
    correctFare(ride, 1200, NOON + 1);
    voidTap(ride, 'A', NOON + 1);
    closeRide(ride, NOON + 1);
    expect(JSON.stringify(ride)).toBe(before);
  });

  it('throws on a history that cannot be, which is a bug or a damaged journal', () => {
    const ride = rideWith(3000, [[MAEBASHI, 'A']]);
    const [opened, tapped] = ride.events;
    if (opened === undefined || tapped === undefined) throw new Error('no events');
    expect(() => replayRide([])).toThrow(/ride-opened/);
    expect(() => applyRideEvent(null, tapped)).toThrow(/before ride-opened/);
    expect(() => applyRideEvent(ride, opened)).toThrow(/already open/);
    expect(() => applyRideEvent(newRide(1000, NOON, 'R2'), tapped)).toThrow(/ride R1 applied to ride R2/);
  });
});

describe('programme rules travel with the tap', () => {
  it('settles with the rule the tap was decided under', () => {
    const ride = rideWith(3000, [[MAEBASHI, 'A']]);
    expect(ride.riders[0]?.rule).toEqual(programme(MAEBASHI).subsidy);
  });
});
