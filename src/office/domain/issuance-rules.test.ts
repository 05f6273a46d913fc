import { describe, expect, it } from 'vitest';
import { carryOver, planGrant, remainingOf } from './issuance-rules.js';
import type { Allowance } from './issuance-rules.js';
import { officeProgrammeSchema } from './programmes.js';
import { jst } from './test-support.js';

const programme = officeProgrammeSchema.parse({ id: '102016-1', name: { ja: 'マイタク', en: 'MyTaku' }, unit: 'coupon', amount: 120, dailyUses: 2 });
const allowance = (a: Partial<Allowance> = {}): Allowance => ({
  programmeId: '102016-1', serial: 4, amount: 120, validFrom: '2025-04-01', validUntil: '2026-03-31', usedByEvents: 20, usedOnCard: null, used: 20, remaining: 100, ...a,
});

describe('issuance rules', () => {
  it('takes the larger of what the events and the card report as used', () => {
    expect(remainingOf(120, 20, null)).toEqual({ used: 20, remaining: 100 });
    expect(remainingOf(120, 20, 25)).toEqual({ used: 25, remaining: 95 });
    expect(remainingOf(10, 12, null)).toEqual({ used: 12, remaining: 0 });
  });

  it('grants a new card the yearly amount for the fiscal year, April to March', () => {
    expect(planGrant('new', programme, null, 0, jst('2026-03-31 23:00'))).toEqual({ kind: 'grant', plan: { amount: 120, validFrom: '2025-04-01', validUntil: '2026-03-31', carriedOver: 0, previousSerial: null } });
    expect(planGrant('new', programme, null, 0, jst('2026-04-01 00:10'))).toMatchObject({ plan: { validFrom: '2026-04-01', validUntil: '2027-03-31' } });
  });

  it('renews for a new year, but not twice in one', () => {
    expect(planGrant('renewal', programme, allowance(), 0, jst('2025-06-01 10:00'))).toEqual({ kind: 'refused', reason: 'already-granted' });
    expect(planGrant('renewal', programme, allowance(), 0, jst('2026-04-02 10:00'))).toMatchObject({ kind: 'grant', plan: { amount: 120, validFrom: '2026-04-01', previousSerial: 4 } });
  });

  it('tops up with what is left plus the new units, only on a current grant', () => {
    expect(planGrant('top-up', programme, allowance(), 10, jst('2025-06-01 10:00'))).toMatchObject({ plan: { amount: 110, carriedOver: 100, validUntil: '2026-03-31' } });
    expect(planGrant('top-up', programme, allowance(), 0, jst('2025-06-01 10:00'))).toEqual({ kind: 'refused', reason: 'top-up-needs-units' });
    expect(planGrant('top-up', programme, allowance(), 5, jst('2026-05-01 10:00'))).toEqual({ kind: 'refused', reason: 'no-current-grant' });
  });

  it('carries a current grant\'s remainder to a reissued card, and nothing from an expired one', () => {
    expect(carryOver(allowance(), jst('2025-06-01 10:00'))).toEqual({ amount: 100, validFrom: '2025-04-01', validUntil: '2026-03-31', carriedOver: 100, previousSerial: 4 });
    expect(carryOver(allowance(), jst('2026-06-01 10:00'))).toBeNull();
  });
});
