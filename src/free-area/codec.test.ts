import { describe, expect, it } from 'vitest';
import { fromHex } from '../reader/iso7816.js';
import { TEST_CARD_ID, signedTestGrants } from '../../test/vectors/fixture.js';
import {
  MalformedDataError,
  TruncatedDataError,
  UnknownFormatVersionError,
  decodeGrant,
  decodeHeader,
  decodeSlot,
  encodeGrantBody,
  encodeHeader,
  encodeSlot,
  initialSlotState,
  isBlankHeader,
  isMunicipalityCode,
  monthFromNumber,
  monthNumber,
} from './index.js';

const HEADER_HEX = '46410103A1B2C3D4E5F6071800EF0100';

describe('card header codec', () => {
  it('refuses bytes that do not start with the magic', () => {
    expect(() => decodeHeader(fromHex('4642' + HEADER_HEX.slice(4)))).toThrow(MalformedDataError);
  });

  it('refuses a header of an unknown format version', () => {
    expect(() => decodeHeader(fromHex('464102' + HEADER_HEX.slice(6)))).toThrow(UnknownFormatVersionError);
  });

  it('refuses a header whose reserved byte is set', () => {
    expect(() => decodeHeader(fromHex(HEADER_HEX.slice(0, 30) + '01'))).toThrow(MalformedDataError);
  });

  it('reports every truncation of the header as truncated data', () => {
    const bytes = fromHex(HEADER_HEX);
    for (let n = 2; n < bytes.length; n++) expect(() => decodeHeader(bytes.subarray(0, n))).toThrow(TruncatedDataError);
  });

  it('tells a never-written header (all 00 or all FF) from ours', () => {
    expect(isBlankHeader(new Uint8Array(16))).toBe(true);
    expect(isBlankHeader(new Uint8Array(16).fill(0xff))).toBe(true);
    expect(isBlankHeader(fromHex(HEADER_HEX))).toBe(false);
  });

  it('refuses to encode a card ID that is not 8 bytes of hex', () => {
    const header = { formatVersion: 1, cardId: 'ABCD', programmeCount: 0, areaSize: 239, authKeyVersion: 1 };
    expect(() => encodeHeader(header)).toThrow(MalformedDataError);
  });
});

describe('grant codec', () => {
  const { coupon, entry } = signedTestGrants();

  it('reports every truncation of a grant as truncated data', () => {
    for (let n = 1; n < entry.bytes.length; n++) expect(() => decodeGrant(entry.bytes.subarray(0, n))).toThrow(TruncatedDataError);
  });

  it('ignores the padding after a grant in its region', () => {
    const padded = new Uint8Array(167);
    padded.set(coupon.bytes);
    const decoded = decodeGrant(padded);
    expect(decoded.size).toBe(coupon.bytes.length);
    expect(decoded.grant).toEqual(coupon.grant);
  });

  it('says a zeroed grant region holds no grant', () => {
    expect(() => decodeGrant(new Uint8Array(167))).toThrow(MalformedDataError);
  });

  it('refuses a grant of an unknown format version or unit', () => {
    const v2 = coupon.bytes.slice();
    v2[0] = 2;
    expect(() => decodeGrant(v2)).toThrow(UnknownFormatVersionError);
    const badUnit = coupon.bytes.slice();
    badUnit[15] = 9;
    expect(() => decodeGrant(badUnit)).toThrow(MalformedDataError);
  });

  it('refuses to encode a municipality code whose check digit is wrong, or values that do not fit', () => {
    expect(() => encodeGrantBody({ ...coupon.grant, programme: { municipality: 102017, number: 1 } })).toThrow(MalformedDataError);
    expect(() => encodeGrantBody({ ...coupon.grant, amount: 2 ** 32 })).toThrow(MalformedDataError);
    expect(() => encodeGrantBody({ ...coupon.grant, validFrom: '2025-13-01' })).toThrow(MalformedDataError);
    expect(() => encodeGrantBody({ ...coupon.grant, cardId: TEST_CARD_ID.slice(2) })).toThrow(MalformedDataError);
  });

  it('knows real 全国地方公共団体コード by their check digit', () => {
    for (const code of [102016, 132055, 131016, 11002, 244724, 10006]) expect(isMunicipalityCode(code)).toBe(true);
    for (const code of [102010, 132056, 999, 1000000, 10.5]) expect(isMunicipalityCode(code)).toBe(false);
  });
});

describe('slot codec', () => {
  it('reads all-00 and all-FF slots as empty', () => {
    expect(decodeSlot(new Uint8Array(36)).kind).toBe('empty');
    expect(decodeSlot(new Uint8Array(36).fill(0xff)).kind).toBe('empty');
  });

  it('refuses a slot of an unknown format version and a truncated slot', () => {
    const slot = encodeSlot(initialSlotState(1), new Uint8Array(8));
    slot[0] = 7;
    expect(() => decodeSlot(slot)).toThrow(UnknownFormatVersionError);
    expect(() => decodeSlot(slot.subarray(0, 35))).toThrow(TruncatedDataError);
  });

  it('stores "no use yet" as day and month 0 and reads it back as null', () => {
    const raw = decodeSlot(encodeSlot({ ...initialSlotState(1), seq: 1 }, new Uint8Array(8)));
    expect(raw.kind === 'written' && [raw.state.day, raw.state.month]).toEqual([null, null]);
  });

  it('numbers months from 1970-01 and back', () => {
    expect(monthNumber('1970-01')).toBe(0);
    expect(monthNumber('2025-05')).toBe(664);
    expect(monthFromNumber(664)).toBe('2025-05');
    expect(() => monthNumber('2025-13')).toThrow(RangeError);
  });
});
