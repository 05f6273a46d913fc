import { describe, expect, it, onTestFinished } from 'vitest';
import { TEST_CARD_ID, signedTestGrants, testKeyStore } from '../../test/vectors/fixture.js';
import {
  BadMacError,
  UnknownFormatVersionError,
  UnknownKeyVersionError,
  buildNextSlot,
  chooseCurrentSlot,
  emptySlotBytes,
  initialSlotState,
  openSlot,
  sealSlot,
  type SlotContext,
  type SlotReading,
  type SlotState,
} from './index.js';

const keys = testKeyStore();
const { coupon } = signedTestGrants();
const ctx: SlotContext = { cardId: TEST_CARD_ID, programmeIndex: 0, programme: coupon.grant.programme, grantSerial: coupon.grant.serial };
const T0 = Date.parse('2025-05-10T08:30:00+09:00');

function state(seq: number, used = seq, macKeyVersion = 1): SlotState {
  return { ...buildNextSlot(initialSlotState(macKeyVersion), { units: used, atMs: T0, terminal: 7, macKeyVersion }), seq };
}
const valid = (s: SlotState): SlotReading => openSlot(sealSlot(s, ctx, keys), ctx, keys);
const empty = (): SlotReading => openSlot(emptySlotBytes(), ctx, keys);
function torn(s: SlotState, keep = 10): SlotReading {
  const bytes = sealSlot(s, ctx, keys);
  bytes.fill(0, keep);
  return openSlot(bytes, ctx, keys);
}
function unknownKey(seq: number): SlotReading {
  const store = testKeyStore({ currentMac: 2 });
  const lacking = testKeyStore({ macVersions: [1] });
  return openSlot(sealSlot(state(seq, seq, 2), ctx, store), ctx, lacking);
}
function unknownFormat(): SlotReading {
  const bytes = sealSlot(state(9), ctx, keys);
  bytes[0] = 2;
  return openSlot(bytes, ctx, keys);
}

describe('choosing the current slot', () => {
  it('treats two empty slots as a fresh programme: nothing used, write to A', () => {
    const c = chooseCurrentSlot([empty(), empty()], 1);
    expect(c).toEqual({ index: null, state: initialSlotState(1), writeIndex: 0, tie: false });
  });

  it('takes the only valid slot and writes to the other, whether that one is empty or bad', () => {
    expect(chooseCurrentSlot([valid(state(1)), empty()], 1)).toMatchObject({ index: 0, writeIndex: 1 });
    expect(chooseCurrentSlot([empty(), valid(state(1))], 1)).toMatchObject({ index: 1, writeIndex: 0 });
    expect(chooseCurrentSlot([valid(state(4)), torn(state(5))], 1)).toMatchObject({ index: 0, writeIndex: 1, state: { seq: 4 } });
    expect(chooseCurrentSlot([torn(state(5)), valid(state(4))], 1)).toMatchObject({ index: 1, writeIndex: 0 });
  });

  it('takes the higher sequence number when both verify', () => {
    expect(chooseCurrentSlot([valid(state(6)), valid(state(7))], 1)).toMatchObject({ index: 1, writeIndex: 0, tie: false });
    expect(chooseCurrentSlot([valid(state(8)), valid(state(7))], 1)).toMatchObject({ index: 0, writeIndex: 1, tie: false });
  });

  it('breaks a tie of sequence numbers towards more units used, then slot A, and flags it', () => {
    expect(chooseCurrentSlot([valid(state(5, 3)), valid(state(5, 4))], 1)).toMatchObject({ index: 1, tie: true, state: { used: 4 } });
    expect(chooseCurrentSlot([valid(state(5, 4)), valid(state(5, 3))], 1)).toMatchObject({ index: 0, tie: true });
    expect(chooseCurrentSlot([valid(state(5, 4)), valid(state(5, 4))], 1)).toMatchObject({ index: 0, writeIndex: 1, tie: true });
  });

  it('treats a torn first write next to an empty slot as fresh and writes over the torn one', () => {
    expect(chooseCurrentSlot([torn(state(1)), empty()], 1)).toMatchObject({ index: null, writeIndex: 0, state: { seq: 0 } });
    expect(chooseCurrentSlot([empty(), torn(state(1))], 1)).toMatchObject({ index: null, writeIndex: 1 });
  });

  it('throws BadMacError when neither slot verifies', () => {
    expect(() => chooseCurrentSlot([torn(state(3)), torn(state(4))], 1)).toThrow(BadMacError);
  });

  it('refuses when a slot under an unknown MAC key claims a newer state, and ignores it when older', () => {
    expect(() => chooseCurrentSlot([valid(state(4)), unknownKey(5)], 1)).toThrow(UnknownKeyVersionError);
    expect(() => chooseCurrentSlot([empty(), unknownKey(1)], 1)).toThrow(UnknownKeyVersionError);
    expect(chooseCurrentSlot([valid(state(4)), unknownKey(3)], 1)).toMatchObject({ index: 0, writeIndex: 1 });
  });

  it('refuses when a slot is in a format this terminal does not know', () => {
    expect(() => chooseCurrentSlot([valid(state(4)), unknownFormat()], 1)).toThrow(UnknownFormatVersionError);
  });
});

describe('opening slots', () => {
  it('accepts a slot in either position: A and B carry the same bytes', () => {
    const bytes = sealSlot(state(3), ctx, keys);
    expect(openSlot(bytes, ctx, keys).kind).toBe('valid');
  });

  it('refuses a slot moved to another programme area, card or grant', () => {
    const bytes = sealSlot(state(3), ctx, keys);
    for (const other of [{ ...ctx, programmeIndex: 1 }, { ...ctx, cardId: '0000000000000001' }, { ...ctx, grantSerial: ctx.grantSerial + 1 }, { ...ctx, programme: { municipality: 132055, number: 1 } }]) {
      const r = openSlot(bytes, other, keys);
      expect(r.kind === 'invalid' && r.error).toBeInstanceOf(BadMacError);
    }
  });

  it('refuses a slot with any single bit flipped', () => {
    const bytes = sealSlot(state(3), ctx, keys);
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const copy = bytes.slice();
      copy[bit >> 3] = (copy[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      expect(openSlot(copy, ctx, keys).kind).toBe('invalid');
    }
  });
});

describe('building the next slot', () => {
  it('adds the units, counts the use and stamps terminal and time', () => {
    const next = buildNextSlot(state(3, 3), { units: 2, atMs: T0 + 60_000, terminal: 99, macKeyVersion: 1 });
    expect(next).toMatchObject({ seq: 4, used: 5, day: '2025-05-10', dayUses: 2, monthUnits: 5, lastTerminal: 99, time: Math.floor((T0 + 60_000) / 1000) });
  });

  it('starts a new day at midnight Japan time, not at the device clock’s midnight', () => {
    const zone = process.env['TZ'];
    process.env['TZ'] = 'America/Los_Angeles';
    onTestFinished(() => {
      if (zone === undefined) delete process.env['TZ'];
      else process.env['TZ'] = zone;
    });
    const lastMsOfDay = Date.parse('2025-05-10T14:59:59.999Z');
    const before = buildNextSlot(initialSlotState(1), { units: 1, atMs: lastMsOfDay, terminal: 1, macKeyVersion: 1 });
    expect(before.day).toBe('2025-05-10');
    const same = buildNextSlot(before, { units: 1, atMs: lastMsOfDay - 3_600_000, terminal: 1, macKeyVersion: 1 });
    expect(same.dayUses).toBe(2);
    const after = buildNextSlot(before, { units: 1, atMs: lastMsOfDay + 1, terminal: 1, macKeyVersion: 1 });
    expect(after).toMatchObject({ day: '2025-05-11', dayUses: 1, month: '2025-05', monthUnits: 2 });
  });

  it('starts a new month at midnight Japan time on the first', () => {
    const may = buildNextSlot(initialSlotState(1), { units: 500, atMs: Date.parse('2025-05-31T23:59:00+09:00'), terminal: 1, macKeyVersion: 1 });
    const june = buildNextSlot(may, { units: 300, atMs: Date.parse('2025-05-31T15:00:00Z'), terminal: 1, macKeyVersion: 1 });
    expect(june).toMatchObject({ month: '2025-06', monthUnits: 300, day: '2025-06-01', dayUses: 1, used: 800 });
  });

  it('rewrites the slot under the MAC key version it is given', () => {
    expect(buildNextSlot(state(3), { units: 1, atMs: T0, terminal: 1, macKeyVersion: 2 }).macKeyVersion).toBe(2);
  });

  it('refuses negative or fractional units', () => {
    expect(() => buildNextSlot(state(1), { units: -1, atMs: T0, terminal: 1, macKeyVersion: 1 })).toThrow();
    expect(() => buildNextSlot(state(1), { units: 0.5, atMs: T0, terminal: 1, macKeyVersion: 1 })).toThrow();
  });
});
