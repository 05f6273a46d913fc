import { describe, expect, it } from 'vitest';
import { TEST_CARD_ID, TEST_KEYS, YEN_GRANT, signedTestGrants, testKeyStore, testSigner } from '../../test/vectors/fixture.js';
import {
  BadMacError,
  BadSignatureError,
  UnknownKeyVersionError,
  WrongCardIdError,
  decodeGrant,
  diversifyAuthKey,
  diversifyMacKey,
  emptySlotBytes,
  sealSlot,
  signGrant,
  verifyGrant,
  verifyProgramme,
  buildNextSlot,
  initialSlotState,
  MalformedDataError,
  type CardHeaderRecord,
} from './index.js';

const keys = testKeyStore();
const header: CardHeaderRecord = { formatVersion: 1, cardId: TEST_CARD_ID, programmeCount: 1, areaSize: 239, authKeyVersion: 1 };
const { coupon } = signedTestGrants();
const empties = [emptySlotBytes(), emptySlotBytes()] as const;

function status(grantBytes: Uint8Array, slots: readonly [Uint8Array, Uint8Array] = empties, store = keys) {
  const region = new Uint8Array(167);
  region.set(grantBytes.subarray(0, 167));
  return verifyProgramme(header, 0, region, slots, store).status;
}

describe('grant verification', () => {
  it('accepts a grant signed by the issuer for this card', () => {
    expect(status(coupon.bytes).kind).toBe('ok');
  });

  it('never accepts a grant with any byte changed, and finds a bad signature unless a checked field says more', () => {
    // Format version, key version, card ID, unit and extension length fail their own checks first.
    const ownChecks = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 34, 35]);
    for (let at = 0; at < coupon.bytes.length; at++) {
      const forged = coupon.bytes.slice();
      forged[at] = (forged[at] ?? 0) ^ 0x01;
      const s = status(forged);
      expect(s.kind, `byte ${at}`).toBe('bad-grant');
      if (!ownChecks.has(at)) expect(s.kind === 'bad-grant' && s.error, `byte ${at}`).toBeInstanceOf(BadSignatureError);
    }
  });

  it('finds a grant signed for another card', () => {
    const other = signGrant({ ...coupon.grant, cardId: '0102030405060708' }, testSigner());
    const s = status(other.bytes);
    expect(s.kind === 'bad-grant' && s.error).toBeInstanceOf(WrongCardIdError);
  });

  it('finds a grant signed under an issuer key version the terminal does not hold', () => {
    const v2 = signGrant(YEN_GRANT, testSigner(2));
    const s = status(v2.bytes, empties, testKeyStore({ issuerVersions: [1] }));
    expect(s.kind === 'bad-grant' && s.error).toBeInstanceOf(UnknownKeyVersionError);
    expect(status(v2.bytes).kind).toBe('ok');
  });

  it('finds a grant whose key version was changed to one held but not used', () => {
    const lied = coupon.bytes.slice();
    lied[1] = 2;
    const s = status(lied);
    expect(s.kind === 'bad-grant' && s.error).toBeInstanceOf(BadSignatureError);
  });

  it('does not accept a signature by a key other than the issuer’s own', () => {
    const decoded = decodeGrant(coupon.bytes);
    expect(() => verifyGrant(decoded, TEST_CARD_ID, testSigner(2).publicKey)).toThrow(BadSignatureError);
  });

  it('reports an undecodable grant as a bad grant with the decoding error', () => {
    const s = status(new Uint8Array(167));
    expect(s.kind === 'bad-grant' && s.error).toBeInstanceOf(MalformedDataError);
  });
});

describe('slot verification within a programme', () => {
  const ctx = { cardId: TEST_CARD_ID, programmeIndex: 0, programme: coupon.grant.programme, grantSerial: coupon.grant.serial };
  const s1 = buildNextSlot(initialSlotState(1), { units: 1, atMs: Date.parse('2025-05-10T09:00:00+09:00'), terminal: 1, macKeyVersion: 1 });

  it('reports slots that fail their MAC as bad slots', () => {
    const a = sealSlot(s1, ctx, keys);
    a[20] = (a[20] ?? 0) ^ 0xff;
    const b = sealSlot({ ...s1, seq: 2 }, ctx, keys);
    b[3] = (b[3] ?? 0) ^ 0x01;
    const s = status(coupon.bytes, [a, b]);
    expect(s.kind === 'bad-slots' && s.error).toBeInstanceOf(BadMacError);
  });

  it('reports slots written under a grant with another serial as bad slots', () => {
    const old = sealSlot(s1, { ...ctx, grantSerial: 999 }, keys);
    const s = status(coupon.bytes, [old, sealSlot({ ...s1, seq: 2 }, { ...ctx, grantSerial: 999 }, keys)]);
    expect(s.kind === 'bad-slots' && s.error).toBeInstanceOf(BadMacError);
  });
});

describe('per-card key diversification', () => {
  it('gives every card its own MAC and write key, and a 16-byte write key', () => {
    const a = diversifyMacKey(TEST_KEYS.macMaster[1], TEST_CARD_ID);
    const b = diversifyMacKey(TEST_KEYS.macMaster[1], '0000000000000001');
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(diversifyAuthKey(TEST_KEYS.authMaster[1], TEST_CARD_ID)).toHaveLength(16);
    expect(Buffer.from(diversifyAuthKey(TEST_KEYS.macMaster[1], TEST_CARD_ID)).equals(Buffer.from(a.subarray(0, 16)))).toBe(false);
  });

  it('answers an unknown master key version with UnknownKeyVersionError', () => {
    expect(() => keys.macKeyFor(TEST_CARD_ID, 9)).toThrow(UnknownKeyVersionError);
    expect(() => keys.authKeyFor(TEST_CARD_ID, 2)).toThrow(UnknownKeyVersionError);
    expect(() => keys.issuerPublicKey(3)).toThrow(UnknownKeyVersionError);
  });
});
