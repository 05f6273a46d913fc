import { describe, expect, it } from 'vitest';
import { decideTap, type TapDecision, type TapInput } from './decide.js';
import { reasonMessage, type TapRejection } from './reasons.js';
import { closeRide } from './ride.js';
import { COUPONS, MAEBASHI, NOON, OME, TAIKI, grant, jst, newRide, slot, tapInput, tapInto } from './test-fixtures.js';

function rejection(decision: TapDecision): TapRejection | 'accepted' {
  return decision.kind === 'accepted' ? 'accepted' : decision.reason;
}

const ride = newRide(3000);
const closed = (() => {
  const result = closeRide(newRide(3000), NOON);
  if (result.kind !== 'ok') throw new Error('cannot close');
  return result.ride;
})();
const withCardA = tapInto(ride, MAEBASHI, 'A').ride;

describe('every rejection reason', () => {
  it.each<[TapRejection, TapInput]>([
    ['no-ride', tapInput(MAEBASHI, 'A', ride, { ride: null })],
    ['no-ride', tapInput(MAEBASHI, 'A', closed)],
    ['disk-full', tapInput(MAEBASHI, 'A', ride, { journalWritable: false })],
    ['unreadable', tapInput(MAEBASHI, 'A', ride, { verification: 'unreadable', grant: null, state: null })],
    ['forged', tapInput(MAEBASHI, 'A', ride, { verification: 'forged' })],
    ['revoked', tapInput(MAEBASHI, 'A', ride, { denied: { reason: 'certificateHold' } })],
    ['unknown-programme', tapInput(MAEBASHI, 'A', ride, { programme: undefined })],
    ['already-in-ride', tapInput(MAEBASHI, 'A', withCardA)],
    ['not-yet-valid', tapInput(MAEBASHI, 'A', ride, { atMs: jst('2025-03-31T23:59:59.999') })],
    ['expired', tapInput(MAEBASHI, 'A', ride, { atMs: jst('2026-04-01T00:00:00') })],
    ['exhausted', tapInput(MAEBASHI, 'A', ride, { state: slot({ used: 120 }) })],
    ['daily-limit', tapInput(MAEBASHI, 'A', ride, { state: slot({ used: 5, day: '2025-06-10', dayUses: 2 }) })],
    ['monthly-limit', tapInput(OME, 'A', ride, { state: slot({ used: 3000, month: '2025-06', monthUnits: 3000 }) })],
    ['fare-too-low', tapInput(COUPONS, 'A', newRide(400))],
  ])('%s is refused with a message in Japanese and English', (reason, input) => {
    const decision = decideTap(input);
    expect(decision).toMatchObject({ kind: 'rejected', reason, message: reasonMessage(reason) });
    if (decision.kind !== 'rejected') return;
    expect(decision.message.ja.length).toBeGreaterThan(0);
    expect(decision.message.en.length).toBeGreaterThan(0);
  });

  it('names the deny-list reason and the validity days in the detail', () => {
    const revoked = decideTap(tapInput(MAEBASHI, 'A', ride, { denied: { reason: 'certificateHold' } }));
    expect(revoked).toMatchObject({ detail: 'certificateHold' });
    const expired = decideTap(tapInput(MAEBASHI, 'A', ride, { atMs: jst('2026-04-01T00:00:00') }));
    expect(expired).toMatchObject({ detail: '2026-03-31' });
  });

  it('treats a grant whose unit does not fit the programme as an unknown programme', () => {
    const yenGrant = grant(MAEBASHI, 'A', { unit: 'yen' });
    expect(decideTap(tapInput(MAEBASHI, 'A', ride, { grant: yenGrant }))).toMatchObject({
      reason: 'unknown-programme',
      detail: '102016-1: grant in yen, programme in coupon',
    });
  });

  it('throws when a card said to be verified comes without its grant, which is a bug in the caller', () => {
    expect(() => decideTap(tapInput(MAEBASHI, 'A', ride, { grant: null }))).toThrow(/grant/);
  });
});

describe('order of checks', () => {
  const everythingWrong: Partial<TapInput> = {
    journalWritable: false,
    verification: 'forged',
    denied: { reason: 'cessationOfOperation' },
    programme: undefined,
    atMs: jst('2027-01-01T00:00:00'),
    state: slot({ used: 120, day: '2027-01-01', dayUses: 2 }),
  };
  it.each<[string, Partial<TapInput>, TapRejection]>([
    ['no ride comes before a full disk', { ...everythingWrong, ride: null }, 'no-ride'],
    ['a full disk comes before the card', everythingWrong, 'disk-full'],
    ['unreadable comes before revoked', { ...everythingWrong, journalWritable: true, verification: 'unreadable' }, 'unreadable'],
    ['forged comes before revoked', { ...everythingWrong, journalWritable: true }, 'forged'],
    ['revoked comes before the programme', { ...everythingWrong, journalWritable: true, verification: 'ok' }, 'revoked'],
    ['the programme comes before validity', { ...everythingWrong, journalWritable: true, verification: 'ok', denied: null }, 'unknown-programme'],
    [
      'validity comes before the allowance',
      { ...everythingWrong, journalWritable: true, verification: 'ok', denied: null, programme: tapInput(MAEBASHI, 'A', ride).programme },
      'expired',
    ],
    ['the allowance comes before the daily limit', { state: slot({ used: 120, day: '2025-06-10', dayUses: 2 }) }, 'exhausted'],
  ])('%s', (_title, overrides, reason) => {
    expect(rejection(decideTap(tapInput(MAEBASHI, 'A', ride, overrides)))).toBe(reason);
  });

  it('reports the same card twice in one ride before its daily limit', () => {
    const input = tapInput(MAEBASHI, 'A', withCardA, { state: slot({ used: 1, day: '2025-06-10', dayUses: 2 }) });
    expect(rejection(decideTap(input))).toBe('already-in-ride');
  });
});

describe('daily and yearly caps of 前橋市', () => {
  it.each([
    [0, 'accepted', 1],
    [1, 'accepted', 0],
    [2, 'daily-limit', null],
  ])('with %i rides today the next is %s', (dayUses, outcome, leftToday) => {
    const decision = decideTap(tapInput(MAEBASHI, 'A', ride, { state: slot({ used: dayUses, day: '2025-06-10', dayUses }) }));
    expect(rejection(decision)).toBe(outcome);
    if (decision.kind === 'accepted') expect(decision.remaining.todayUses).toBe(leftToday);
  });

  it.each([
    [MAEBASHI, 118, 'accepted', 1],
    [MAEBASHI, 119, 'accepted', 0],
    [MAEBASHI, 120, 'exhausted', null],
    [TAIKI, 23, 'accepted', 0],
    [TAIKI, 24, 'exhausted', null],
  ])('%s with %i rides used: %s', (id, used, outcome, left) => {
    const decision = decideTap(tapInput(id, 'A', ride, { state: slot({ used }) }));
    expect(rejection(decision)).toBe(outcome);
    if (decision.kind === 'accepted') expect(decision).toMatchObject({ units: 1, remaining: { units: left } });
  });

  it('applies the stricter of the grant and the programme daily limits', () => {
    const once = grant(MAEBASHI, 'A', { dailyUses: 1 });
    const noneOnGrant = grant(MAEBASHI, 'A', { dailyUses: 0 });
    const usedOnce = slot({ used: 1, day: '2025-06-10', dayUses: 1 });
    expect(rejection(decideTap(tapInput(MAEBASHI, 'A', ride, { grant: once, state: usedOnce })))).toBe('daily-limit');
    expect(rejection(decideTap(tapInput(MAEBASHI, 'A', ride, { grant: noneOnGrant, state: usedOnce })))).toBe('accepted');
    const usedTwice = slot({ used: 2, day: '2025-06-10', dayUses: 2 });
    expect(rejection(decideTap(tapInput(MAEBASHI, 'A', ride, { grant: noneOnGrant, state: usedTwice })))).toBe('daily-limit');
  });

  it.each([
    [1999, 999],
    [2000, 1000],
    [2001, 1000],
    [5000, 1000],
  ])('caps the subsidy at ¥1,000: fare ¥%i gives ¥%i', (fare, subsidy) => {
    expect(decideTap(tapInput(MAEBASHI, 'A', newRide(fare)))).toMatchObject({ kind: 'accepted', units: 1, subsidyYen: subsidy });
  });
});

describe('monthly yen budget of 青梅市', () => {
  it.each([
    ['¥100 steps: fare 1,190, half 595, takes ¥500', 0, 1190, 500, 2500],
    ['exactly reaches the budget', 2500, 1000, 500, 0],
    ['half ¥100 over what is left is capped at what is left', 2500, 1200, 500, 0],
    ['half above the budget takes the budget floored to ¥100', 2350, 2000, 600, 50],
  ])('%s', (_title, monthUnits, fare, taken, monthLeft) => {
    const state = slot({ used: monthUnits, month: '2025-06', monthUnits });
    expect(decideTap(tapInput(OME, 'A', newRide(fare), { state }))).toMatchObject({
      kind: 'accepted',
      units: taken,
      subsidyYen: taken,
      remaining: { units: 36_000 - monthUnits - taken, monthUnits: monthLeft, todayUses: null },
    });
  });

  it.each([
    ['with the budget used up', 3000],
    ['with less than one ¥100 step left', 2950],
  ])('refuses %s this month', (_title, monthUnits) => {
    const state = slot({ used: monthUnits, month: '2025-06', monthUnits });
    expect(rejection(decideTap(tapInput(OME, 'A', newRide(2000), { state })))).toBe('monthly-limit');
  });

  it('refuses when the whole grant has less than one step left, whatever the month', () => {
    const state = slot({ used: 35_950, month: '2025-05', monthUnits: 3000 });
    expect(rejection(decideTap(tapInput(OME, 'A', newRide(2000), { state })))).toBe('exhausted');
  });

  it('refuses a fare whose half is under one step', () => {
    expect(rejection(decideTap(tapInput(OME, 'A', newRide(190))))).toBe('fare-too-low');
  });
});

describe('midnight in Japan, whatever the UTC date', () => {
  const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  it('takes the instants on either side of midnight JST to share a UTC date', () => {
    expect(utcDay(jst('2025-06-10T23:59:59.999'))).toBe('2025-06-10');
    expect(utcDay(jst('2025-06-11T00:00:00'))).toBe('2025-06-10');
  });

  it.each([
    { period: 'day', id: MAEBASHI, state: slot({ used: 2, day: '2025-06-10', dayUses: 2 }), at: '2025-06-10T23:59:59.999', outcome: 'daily-limit' },
    { period: 'day', id: MAEBASHI, state: slot({ used: 2, day: '2025-06-10', dayUses: 2 }), at: '2025-06-11T00:00:00', outcome: 'accepted' },
    { period: 'month', id: OME, state: slot({ used: 3000, month: '2025-06', monthUnits: 3000 }), at: '2025-06-30T23:59:59.999', outcome: 'monthly-limit' },
    { period: 'month', id: OME, state: slot({ used: 3000, month: '2025-06', monthUnits: 3000 }), at: '2025-07-01T00:00:00', outcome: 'accepted' },
    { period: 'year', id: OME, state: slot({ used: 3000, month: '2025-12', monthUnits: 3000 }), at: '2025-12-31T23:59:59.999', outcome: 'monthly-limit' },
    { period: 'year', id: OME, state: slot({ used: 3000, month: '2025-12', monthUnits: 3000 }), at: '2026-01-01T00:00:00', outcome: 'accepted' },
    { period: 'year', id: MAEBASHI, state: slot({ used: 9, day: '2025-12-31', dayUses: 2 }), at: '2026-01-01T00:00:00', outcome: 'accepted' },
  ])('the $period rolls over: $id at $at JST is $outcome', ({ id, state, at, outcome }) => {
    const atMs = jst(at);
    expect(rejection(decideTap(tapInput(id, 'A', newRide(2000, atMs), { state, atMs })))).toBe(outcome);
  });

  it('starts the new day with a full daily allowance', () => {
    const atMs = jst('2025-06-11T00:00:00');
    const state = slot({ used: 2, day: '2025-06-10', dayUses: 2 });
    expect(decideTap(tapInput(MAEBASHI, 'A', newRide(2000, atMs), { state, atMs }))).toMatchObject({ remaining: { todayUses: 1 } });
  });

  it('gives the same decisions whatever time zone the device runs in', () => {
    const inputs = [
      tapInput(MAEBASHI, 'A', ride, { atMs: jst('2025-06-11T00:00:00'), state: slot({ used: 2, day: '2025-06-10', dayUses: 2 }) }),
      tapInput(MAEBASHI, 'A', ride, { atMs: jst('2025-06-10T08:59:59.999'), state: slot({ used: 2, day: '2025-06-10', dayUses: 2 }) }),
      tapInput(MAEBASHI, 'A', ride, { atMs: jst('2025-03-31T23:59:59.999') }),
    ];
    const original = process.env.TZ;
    const decisionsIn = (zone: string) => {
      process.env.TZ = zone;
      return inputs.map((input) => rejection(decideTap(input)));
    };
    try {
      const tokyo = decisionsIn('Asia/Tokyo');
      expect(tokyo).toEqual(['accepted', 'daily-limit', 'not-yet-valid']);
      expect(decisionsIn('America/Los_Angeles')).toEqual(tokyo);
      expect(decisionsIn('UTC')).toEqual(tokyo);
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });
});

describe('validity days, inclusive in Japan time', () => {
  it.each([
    ['the day before the first day, last millisecond', '2025-03-31T23:59:59.999', 'not-yet-valid'],
    ['the first day at 00:00', '2025-04-01T00:00:00', 'accepted'],
    ['the last day at 23:59', '2026-03-31T23:59:00', 'accepted'],
    ['the last day, last millisecond', '2026-03-31T23:59:59.999', 'accepted'],
    ['the day after the last day at 00:00', '2026-04-01T00:00:00', 'expired'],
  ])('%s is %s', (_title, wallClock, outcome) => {
    const atMs = jst(wallClock);
    expect(rejection(decideTap(tapInput(TAIKI, 'A', newRide(2000, atMs), { atMs })))).toBe(outcome);
  });
});

describe('an accepted tap', () => {
  it('carries the tap to add to the ride', () => {
    const decision = decideTap(tapInput(COUPONS, 'C', newRide(1200)));
    expect(decision).toMatchObject({
      kind: 'accepted',
      units: 2,
      subsidyYen: 1000,
      remaining: { units: 18, todayUses: null, monthUnits: null },
      tap: { cardId: 'C', programmeId: '072010-1', unit: 'coupon', units: 2, subsidyYen: 1000, returnUnitsOnVoid: true, atMs: NOON },
    });
  });

  it('treats a card never used as having used nothing', () => {
    expect(decideTap(tapInput(MAEBASHI, 'A', ride, { state: null }))).toMatchObject({ remaining: { units: 119, todayUses: 1 } });
  });

  it('does not change its input', () => {
    const input = tapInput(MAEBASHI, 'B', withCardA);
    const before = JSON.stringify(input);
    decideTap(input);
    expect(JSON.stringify(input)).toBe(before);
  });
});
