/**
 * What one rider's tap is worth under each subsidy style, given where the rider stands in the
 * ride. The same function prices a tap when it is decided and every rider when the ride is
 * settled, so the provisional figure and the final one cannot drift apart.
 */
import type { CouponRule, FareShareRule, Rounding, SubsidyRule, YenBudgetRule } from './programmes.js';

/** Where a rider stands in the ride, riders ordered by tap. */
export interface RiderContext {
  readonly fareYen: number;
  /** The fare minus the subsidies of the riders who tapped before this one. */
  readonly fareLeftYen: number;
  /** Subsidy already given to earlier riders of this rider's programme. */
  readonly sameProgrammeBeforeYen: number;
  /** Riders of this rider's programme in the whole ride, this one included. */
  readonly sameProgrammeRiders: number;
  /** Subsidised riders in the whole ride, this one included. */
  readonly ridersInRide: number;
  /** The most units the card can give: what it allows at tap time, what it gave at settlement. */
  readonly unitsAvailable: number;
}

export interface Price {
  readonly units: number;
  readonly subsidyYen: number;
}

const NOTHING: Price = { units: 0, subsidyYen: 0 };

/** `numerator / denominator` yen as a multiple of the rounding step. */
export function roundToStep(numerator: number, denominator: number, rounding: Rounding): number {
  const steps = numerator / (denominator * rounding.stepYen);
  const whole = rounding.mode === 'floor' ? Math.floor(steps) : rounding.mode === 'ceil' ? Math.ceil(steps) : Math.round(steps);
  return whole * rounding.stepYen;
}

/** The largest multiple of `stepYen` not above `yen` (never negative). */
export function floorToStep(yen: number, stepYen: number): number {
  return yen <= 0 ? 0 : Math.floor(yen / stepYen) * stepYen;
}

/** A rider's units and subsidy; zero units and zero yen when the rule gives nothing. */
export function priceRider(rule: SubsidyRule, ctx: RiderContext): Price {
  switch (rule.style) {
    case 'fare-share':
      return priceFareShare(rule, ctx);
    case 'yen-budget':
      return priceYenBudget(rule, ctx);
    case 'coupon':
      return priceCoupon(rule, ctx);
  }
}

/** One coupon; the subsidy is the claim the shared-ride rule gives, within the fare left. */
function priceFareShare(rule: FareShareRule, ctx: RiderContext): Price {
  if (ctx.unitsAvailable < 1) return NOTHING;
  const subsidyYen = Math.min(fareShareClaim(rule, ctx), ctx.fareLeftYen);
  return subsidyYen > 0 ? { units: 1, subsidyYen } : NOTHING;
}

function fareShareClaim(rule: FareShareRule, ctx: RiderContext): number {
  const shared = rule.sharedRide;
  if (shared.rule === 'per-rider') {
    const counted = shared.counts === 'same-programme' ? ctx.sameProgrammeRiders : ctx.ridersInRide;
    if (counted >= shared.minRiders) return shared.perRiderYen;
    return Math.min(rule.capYen, roundToStep(ctx.fareYen * rule.farePercent, 100, rule.rounding));
  }
  return Math.min(rule.capYen, roundToStep(ctx.fareYen * rule.farePercent, 100 * ctx.ridersInRide, rule.rounding));
}

/**
 * Yen off the card: the programme's share of the fare, less what earlier riders of the same
 * programme took, within the fare left, the per-ride cap and what the card can give, in steps.
 */
function priceYenBudget(rule: YenBudgetRule, ctx: RiderContext): Price {
  const share = roundToStep(ctx.fareYen * rule.farePercent, 100, rule.rounding) - ctx.sameProgrammeBeforeYen;
  let limit = Math.min(share, ctx.fareLeftYen, ctx.unitsAvailable);
  if (rule.perRideCapYen > 0) limit = Math.min(limit, rule.perRideCapYen);
  const subsidyYen = floorToStep(limit, rule.rounding.stepYen);
  return subsidyYen > 0 ? { units: subsidyYen, subsidyYen } : NOTHING;
}

/** As many coupons as the fare left uses, within the per-ride maximum and what the card can give. */
function priceCoupon(rule: CouponRule, ctx: RiderContext): Price {
  if (ctx.fareLeftYen <= 0) return NOTHING;
  const fit = ctx.fareLeftYen / rule.couponYen;
  const wanted = rule.coverPartial ? Math.ceil(fit) : Math.floor(fit);
  const units = Math.min(wanted, rule.maxCouponsPerRide, ctx.unitsAvailable);
  if (units <= 0) return NOTHING;
  return { units, subsidyYen: Math.min(units * rule.couponYen, ctx.fareLeftYen) };
}
