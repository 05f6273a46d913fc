import { describe, expect, it } from 'vitest';
import { floorToStep, priceRider, roundToStep, type RiderContext } from './pricing.js';
import type { Rounding } from './programmes.js';
import { COUPONS, MAEBASHI, OME, TAIKI, customProgramme, programme } from './test-fixtures.js';

/** A rider alone in the ride with plenty of units. */
function alone(fareYen: number, unitsAvailable = 1_000_000): RiderContext {
  return { fareYen, fareLeftYen: fareYen, sameProgrammeBeforeYen: 0, sameProgrammeRiders: 1, ridersInRide: 1, unitsAvailable };
}

describe('rounding', () => {
  it.each<[number, number, Rounding, number]>([
    [1195 * 50, 100, { stepYen: 1, mode: 'floor' }, 597],
    [1195 * 50, 100, { stepYen: 1, mode: 'round' }, 598],
    [1195 * 50, 100, { stepYen: 1, mode: 'ceil' }, 598],
    [1190 * 50, 100, { stepYen: 10, mode: 'floor' }, 590],
    [1190 * 50, 100, { stepYen: 10, mode: 'round' }, 600],
    [1190 * 50, 100, { stepYen: 100, mode: 'floor' }, 500],
    [1190 * 50, 100, { stepYen: 100, mode: 'ceil' }, 600],
    [1200 * 50, 100, { stepYen: 100, mode: 'floor' }, 600],
  ])('%i / %i with %o is ¥%i', (numerator, denominator, rounding, expected) => {
    expect(roundToStep(numerator, denominator, rounding)).toBe(expected);
  });

  it.each([
    [550, 100, 500],
    [500, 100, 500],
    [99, 100, 0],
    [-50, 100, 0],
  ])('¥%i floored to ¥%i steps is ¥%i', (yen, step, expected) => {
    expect(floorToStep(yen, step)).toBe(expected);
  });
});

describe('fare share (前橋市, 大紀町), one rider', () => {
  it.each([
    [MAEBASHI, 1999, 999],
    [MAEBASHI, 2000, 1000],
    [MAEBASHI, 2001, 1000],
    [MAEBASHI, 5000, 1000],
    [MAEBASHI, 1195, 597],
    [MAEBASHI, 1, 0],
    [TAIKI, 1999, 999],
    [TAIKI, 2000, 1000],
    [TAIKI, 2001, 1000],
    [TAIKI, 5000, 1000],
  ])('%s at fare ¥%i gives ¥%i for one coupon', (id, fare, subsidy) => {
    expect(priceRider(programme(id).subsidy, alone(fare))).toEqual(subsidy === 0 ? { units: 0, subsidyYen: 0 } : { units: 1, subsidyYen: subsidy });
  });

  it('rounds to the configured step: floor to ¥10 turns ¥597.5 into ¥590', () => {
    const tens = customProgramme({
      name: { ja: '例', en: 'example' },
      subsidy: { style: 'fare-share', farePercent: 50, capYen: 1000, rounding: { stepYen: 10, mode: 'floor' } },
    });
    expect(priceRider(tens.subsidy, alone(1195))).toEqual({ units: 1, subsidyYen: 590 });
  });

  it('gives nothing when the card has no coupon to give', () => {
    expect(priceRider(programme(MAEBASHI).subsidy, alone(3000, 0))).toEqual({ units: 0, subsidyYen: 0 });
  });
});

describe('yen budget (青梅市): half the fare in ¥100 steps', () => {
  it.each([
    ['fare 1,190: half 595 becomes ¥500', 1190, 3000, 500],
    ['fare 1,200: half is exactly ¥600', 1200, 3000, 600],
    ['fare 199: half 99 is under one step', 199, 3000, 0],
    ['fare 200: one step', 200, 3000, 100],
    ['half ¥1,000 above a budget of ¥650: the budget floored to ¥600', 2000, 650, 600],
    ['half ¥1,000 and a budget of exactly ¥1,000', 2000, 1000, 1000],
    ['a budget of ¥99 gives nothing', 2000, 99, 0],
  ])('%s', (_title, fare, budget, subsidy) => {
    expect(priceRider(programme(OME).subsidy, alone(fare, budget))).toEqual({ units: subsidy, subsidyYen: subsidy });
  });

  it('keeps to a per-ride cap, in steps', () => {
    const capped = customProgramme({
      name: { ja: '例', en: 'example' },
      subsidy: { style: 'yen-budget', farePercent: 50, perRideCapYen: 750 },
    });
    expect(priceRider(capped.subsidy, alone(4000))).toEqual({ units: 700, subsidyYen: 700 });
  });

  it('shares half the fare with an earlier rider of the same programme', () => {
    const ctx: RiderContext = { ...alone(2000), fareLeftYen: 1700, sameProgrammeBeforeYen: 300, sameProgrammeRiders: 2, ridersInRide: 2 };
    expect(priceRider(programme(OME).subsidy, ctx)).toEqual({ units: 700, subsidyYen: 700 });
  });
});

describe('coupons worth ¥500, at most 2 a ride', () => {
  it.each([
    [400, 20, 0, 0],
    [500, 20, 1, 500],
    [999, 20, 1, 500],
    [1000, 20, 2, 1000],
    [5000, 20, 2, 1000],
    [5000, 1, 1, 500],
  ])('fare ¥%i with %i coupons on the card takes %i coupons for ¥%i', (fare, onCard, units, subsidy) => {
    expect(priceRider(programme(COUPONS).subsidy, alone(fare, onCard))).toEqual({ units, subsidyYen: subsidy });
  });

  it('lets the last coupon cover a smaller remainder when configured, never more than the fare', () => {
    const partial = customProgramme({
      name: { ja: '例', en: 'example' },
      subsidy: { style: 'coupon', couponYen: 500, maxCouponsPerRide: 3, coverPartial: true },
    });
    expect(priceRider(partial.subsidy, alone(400))).toEqual({ units: 1, subsidyYen: 400 });
    expect(priceRider(partial.subsidy, alone(1200))).toEqual({ units: 3, subsidyYen: 1200 });
  });
});
