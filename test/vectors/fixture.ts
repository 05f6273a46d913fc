/**
 * Fixed test keys and records: the source of the hex vectors in this folder and of the unit
 * tests' cards. Everything is derived from constant strings, and Ed25519 signatures are
 * deterministic, so the vectors regenerate byte for byte. These keys are public: never use
 * them outside tests.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import type { CardChannel } from '../../src/reader/channel.js';
import { createEmulatedCard, createEmulatorChannel, type EmulatedCard } from '../../src/reader/emulator/index.js';
import {
  blankCardForLayout,
  createIssuerSigner,
  createMemoryKeyStore,
  defaultLayout,
  issueCard,
  rawPublicKey,
  signGrant,
  type GrantFields,
  type IssuerSigner,
  type KeyStore,
  type Layout,
  type SignedGrant,
} from '../../src/free-area/index.js';

const seed = (label: string): Uint8Array => new Uint8Array(createHash('sha256').update(`fa-test-vectors/${label}`).digest());

/** PKCS#8 DER prefix of a raw 32-byte Ed25519 private key (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export const TEST_CARD_ID = 'A1B2C3D4E5F60718';
export const TEST_KEYS = {
  issuerSeed: { 1: seed('issuer/1'), 2: seed('issuer/2') },
  macMaster: { 1: seed('mac/1'), 2: seed('mac/2') },
  authMaster: { 1: seed('auth/1') },
} as const;

export function testSigner(version: 1 | 2 = 1): IssuerSigner {
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, TEST_KEYS.issuerSeed[version]]);
  return createIssuerSigner(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), version);
}

/** The terminal's view: issuer public keys 1 and 2, MAC masters 1 and 2 (current 1 unless told), auth master 1. */
export function testKeyStore(options: { macVersions?: readonly (1 | 2)[]; currentMac?: 1 | 2; issuerVersions?: readonly (1 | 2)[] } = {}): KeyStore {
  const macVersions = options.macVersions ?? [1, 2];
  const issuerVersions = options.issuerVersions ?? [1, 2];
  return createMemoryKeyStore({
    issuerPublicKeys: new Map(issuerVersions.map((v) => [v, testSigner(v).publicKey])),
    macMasterKeys: new Map(macVersions.map((v) => [v, TEST_KEYS.macMaster[v]])),
    authMasterKeys: new Map([[1, TEST_KEYS.authMaster[1]]]),
    currentMacKeyVersion: options.currentMac ?? 1,
    currentAuthKeyVersion: 1,
  });
}

export function issuerPublicKeyHex(version: 1 | 2): string {
  return Buffer.from(rawPublicKey(testSigner(version).publicKey)).toString('hex').toUpperCase();
}

/** Maebashi style: 70 rides over a year, at most 2 a day. */
export const COUPON_GRANT: GrantFields = {
  cardId: TEST_CARD_ID,
  programme: { municipality: 102016, number: 1 },
  unit: 'coupon',
  amount: 70,
  validFrom: '2025-04-01',
  validUntil: '2026-03-31',
  dailyUses: 2,
  monthlyUnits: 0,
  serial: 1001,
  ext: new Uint8Array(0),
};

/** 青梅 style: ¥3,000 a month. */
export const YEN_GRANT: GrantFields = {
  cardId: TEST_CARD_ID,
  programme: { municipality: 132055, number: 2 },
  unit: 'yen',
  amount: 36000,
  validFrom: '2025-04-01',
  validUntil: '2026-03-31',
  dailyUses: 0,
  monthlyUnits: 3000,
  serial: 2001,
  ext: new Uint8Array(0),
};

/** A visitor pass with an app-specific extension (opaque bytes here; the gate defines them). */
export const ENTRY_GRANT: GrantFields = {
  cardId: TEST_CARD_ID,
  programme: { municipality: 131016, number: 7 },
  unit: 'entry',
  amount: 10,
  validFrom: '2025-06-01',
  validUntil: '2025-06-30',
  dailyUses: 4,
  monthlyUnits: 0,
  serial: 3001,
  ext: new TextEncoder().encode('gate:zones=1,2;schedule=office'),
};

export function signedTestGrants(): { coupon: SignedGrant; yen: SignedGrant; entry: SignedGrant } {
  const signer = testSigner(1);
  return { coupon: signGrant(COUPON_GRANT, signer), yen: signGrant(YEN_GRANT, signer), entry: signGrant(ENTRY_GRANT, signer) };
}


/** A small deterministic PRNG (mulberry32) for challenges and fuzzing with a fixed seed. */
export function seededRandom(seedValue: number): { next(): number; bytes(n: number): Uint8Array; int(max: number): number } {
  let s = seedValue >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max) => Math.floor(next() * max),
    bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
  };
}

export interface TestCard {
  readonly card: EmulatedCard;
  readonly layout: Layout;
  readonly keys: KeyStore;
  /** Powers the card (again) and returns a fresh channel: a new tap. */
  tap(): CardChannel;
}

/** An emulated card with our application installed (card ID `TEST_CARD_ID`) and the given grants issued. */
export async function issuedTestCard(grants: readonly SignedGrant[] = [signedTestGrants().coupon], layout: Layout = defaultLayout()): Promise<TestCard> {
  const keys = testKeyStore();
  const rng = seededRandom(7);
  const card = createEmulatedCard(blankCardForLayout(layout, keys, TEST_CARD_ID), { random: rng.bytes });
  const tap = () => createEmulatorChannel(card, 'emulator:test');
  if (grants.length > 0) await issueCard(tap(), { layout, keys }, grants);
  return { card, layout, keys, tap };
}
