/**
 * Builds every hex vector of this folder from the fixed test keys (`fixture.ts`), with the
 * pure encoders only. `vectors.test.ts` checks the JSON files against this, and rewrites them
 * when run with FA_WRITE_VECTORS=1 (see README.md).
 */
import { authCryptogram } from '../../src/reader/auth-cryptogram.js';
import { encodeCommand, toHex } from '../../src/reader/iso7816.js';
import { externalAuthenticate, getChallenge, readBinary, selectAid } from '../../src/free-area/apdu.js';
import {
  aidBytes,
  areaSize,
  buildNextSlot,
  defaultLayout,
  diversifyAuthKey,
  diversifyMacKey,
  encodeHeader,
  grantRegion,
  initialSlotState,
  sealSlot,
  slotRegion,
  writeCommands,
  type CardHeaderRecord,
  type Grant,
  type SignedGrant,
  type SlotContext,
  type SlotState,
} from '../../src/free-area/index.js';
import { TEST_CARD_ID, TEST_KEYS, issuerPublicKeyHex, signedTestGrants, testKeyStore } from './fixture.js';

const hex = (b: Uint8Array) => toHex(b);
/** Instants of the two uses recorded in the slot vectors (Japan time in the comments). */
const FIRST_USE = Date.parse('2025-05-10T08:30:00+09:00');
const SECOND_USE = Date.parse('2025-05-10T17:45:00+09:00');
const FIXED_CHALLENGE = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);

export function grantJson(grant: Grant): Record<string, unknown> {
  return { ...grant, programme: { ...grant.programme }, ext: hex(grant.ext) };
}

export function buildVectors(): Record<string, unknown> {
  const keys = testKeyStore();
  const layout = defaultLayout();
  const grants = signedTestGrants();
  const header: CardHeaderRecord = { formatVersion: 1, cardId: TEST_CARD_ID, programmeCount: 3, areaSize: areaSize(layout), authKeyVersion: 1 };
  const list: [string, SignedGrant][] = [['coupon', grants.coupon], ['yen', grants.yen], ['entry-with-extension', grants.entry]];
  const ctx = (index: number, g: SignedGrant): SlotContext => ({ cardId: TEST_CARD_ID, programmeIndex: index, programme: g.grant.programme, grantSerial: g.grant.serial });
  const s1 = buildNextSlot(initialSlotState(1), { units: 1, atMs: FIRST_USE, terminal: 0x0001_0203, macKeyVersion: 1 });
  const s2 = buildNextSlot(s1, { units: 1, atMs: SECOND_USE, terminal: 0x0001_0204, macKeyVersion: 1 });
  const y1 = buildNextSlot(initialSlotState(1), { units: 1200, atMs: FIRST_USE, terminal: 0x0001_0203, macKeyVersion: 1 });
  const slotA = sealSlot(s1, ctx(0, grants.coupon), keys);
  const slotB = sealSlot(s2, ctx(0, grants.coupon), keys);
  const yenA = sealSlot(y1, ctx(1, grants.yen), keys);

  const ef = new Uint8Array(layout.files[0]?.size ?? 0);
  ef.set(encodeHeader(header), layout.header.offset);
  list.forEach(([, g], i) => ef.set(g.bytes, grantRegion(layout, i).offset));
  ef.set(slotA, slotRegion(layout, 0, 0).offset);
  ef.set(slotB, slotRegion(layout, 0, 1).offset);
  ef.set(yenA, slotRegion(layout, 1, 0).offset);

  const s3 = buildNextSlot(s2, { units: 1, atMs: Date.parse('2025-05-11T07:00:00+09:00'), terminal: 0x0001_0205, macKeyVersion: 1 });
  const authKey = diversifyAuthKey(TEST_KEYS.authMaster[1], TEST_CARD_ID);
  const decrementWrite = writeCommands(layout, slotRegion(layout, 0, 0), sealSlot(s3, ctx(0, grants.coupon), keys));
  return {
    'keys.json': {
      description: 'Fixed test keys (public: tests only). Seeds are SHA-256("fa-test-vectors/<label>").',
      cardId: TEST_CARD_ID,
      issuer: { 1: { seed: hex(TEST_KEYS.issuerSeed[1]), publicKey: issuerPublicKeyHex(1) }, 2: { seed: hex(TEST_KEYS.issuerSeed[2]), publicKey: issuerPublicKeyHex(2) } },
      macMaster: { 1: hex(TEST_KEYS.macMaster[1]), 2: hex(TEST_KEYS.macMaster[2]) },
      authMaster: { 1: hex(TEST_KEYS.authMaster[1]) },
      diversified: {
        macKey1: hex(diversifyMacKey(TEST_KEYS.macMaster[1], TEST_CARD_ID)),
        authKey1: hex(authKey),
      },
    },
    'header.json': { description: 'Card header, format version 1', fields: header, hex: hex(encodeHeader(header)) },
    'grants.json': {
      description: 'Grants signed with issuer key version 1: body, Ed25519 signature over "fa-grant" || body, and the whole record',
      vectors: list.map(([name, g]) => ({
        name,
        fields: grantJson(g.grant),
        body: hex(g.bytes.subarray(0, g.bytes.length - 64)),
        signature: hex(g.bytes.subarray(g.bytes.length - 64)),
        hex: hex(g.bytes),
      })),
    },
    'slots.json': {
      description: 'Value-state slots of the coupon grant (programme index 0) and the yen grant (index 1), MAC key version 1',
      vectors: [
        { name: 'coupon-first-use', programmeIndex: 0, grant: 'coupon', fields: s1, hex: hex(slotA) },
        { name: 'coupon-second-use-same-day', programmeIndex: 0, grant: 'coupon', fields: s2, hex: hex(slotB) },
        { name: 'yen-first-use', programmeIndex: 1, grant: 'yen', fields: y1, hex: hex(yenA) },
        { name: 'empty', programmeIndex: 0, grant: 'coupon', fields: null, hex: '00'.repeat(36) },
      ],
    },
    'ef-image.json': {
      description: 'The whole EF 0101 of the default layout with the three grants; coupon slots A (seq 1) and B (seq 2, current), yen slot A (seq 1), entry fresh',
      layout: 'default',
      hex: hex(ef),
      expected: [
        { index: 0, grant: 'coupon', current: 'B', state: s2 as SlotState, writeTo: 'A' },
        { index: 1, grant: 'yen', current: 'A', state: y1, writeTo: 'B' },
        { index: 2, grant: 'entry-with-extension', current: 'none', state: initialSlotState(1), writeTo: 'A' },
      ],
    },
    'apdus.json': {
      description: 'Command APDUs of a read and of a coupon decrement on the ef-image card, challenge fixed to 0102030405060708',
      read: [hex(encodeCommand(selectAid(aidBytes(layout)))), hex(encodeCommand(readBinary({ sfi: 1, offset: 0 }, 255)))],
      readOtherProgrammes: 'two more READ BINARY (offset 255 by SFI, then SELECT EF 0101 and offset 511) for programmes 1 and 2',
      decrement: {
        challenge: hex(FIXED_CHALLENGE),
        nextState: s3,
        commands: [
          hex(encodeCommand(getChallenge())),
          hex(encodeCommand(externalAuthenticate(1, true, authCryptogram(authKey, FIXED_CHALLENGE)))),
          ...decrementWrite.map((c) => hex(encodeCommand(c))),
        ],
      },
    },
  };
}
