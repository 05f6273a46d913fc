/**
 * Example programme configurations, one per style. Municipality codes are the real
 * 全国地方公共団体コード with check digit; the programme numbers, the rounding and the coupon
 * programme's values are illustrative, not the towns' published rules.
 */
import type { ProgrammeConfigInput, TerminalProgrammesInput } from './programmes.js';

/** 前橋市 (102016) マイタク: alone half the fare up to ¥1,000; two or more riders ¥500 each; 2 rides a day. */
export const MAEBASHI_MYTAKU: ProgrammeConfigInput = {
  name: { ja: '前橋市 マイタク', en: 'Maebashi MyTaku' },
  subsidy: {
    style: 'fare-share',
    farePercent: 50,
    capYen: 1000,
    rounding: { stepYen: 1, mode: 'floor' },
    sharedRide: { rule: 'per-rider', perRiderYen: 500, minRiders: 2, counts: 'same-programme' },
  },
  dailyUses: 2,
};

/** 大紀町 (244716): half the fare up to ¥1,000, 24 rides a year (the grant's amount). */
export const TAIKI_TAXI: ProgrammeConfigInput = {
  name: { ja: '大紀町 タクシー運賃補助', en: 'Taiki taxi fare subsidy' },
  subsidy: { style: 'fare-share', farePercent: 50, capYen: 1000, sharedRide: { rule: 'split-fare' } },
};

/** 青梅市 (132055): ¥3,000 a month on the card; up to half the fare in ¥100 steps. */
export const OME_TAXI: ProgrammeConfigInput = {
  name: { ja: '青梅市 タクシー運賃助成', en: 'Ome taxi fare support' },
  subsidy: { style: 'yen-budget', farePercent: 50, rounding: { stepYen: 100, mode: 'floor' } },
  monthlyUnits: 3000,
  returnUnitsOnVoid: true,
};

/** 福島市 (072010) code with illustrative coupon values: ¥500 coupons, at most 2 per ride. */
export const COUPON_EXAMPLE: ProgrammeConfigInput = {
  name: { ja: 'タクシー利用券（例）', en: 'Taxi coupons (example)' },
  subsidy: { style: 'coupon', couponYen: 500, maxCouponsPerRide: 2, coverPartial: false },
  returnUnitsOnVoid: true,
};

/** A terminal that honours all four examples. */
export const EXAMPLE_TERMINAL_PROGRAMMES: TerminalProgrammesInput = {
  honours: ['102016-1', '244716-1', '132055-1', '072010-1'],
  programmes: {
    '102016-1': MAEBASHI_MYTAKU,
    '244716-1': TAIKI_TAXI,
    '132055-1': OME_TAXI,
    '072010-1': COUPON_EXAMPLE,
  },
};
