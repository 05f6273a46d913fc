/**
 * Byte layout of format version 1 (docs/card-format.md is the prose version of this file).
 * All integers are unsigned big-endian. Offsets are relative to the start of the record.
 */
import type { GrantUnit } from './types.js';

export const FORMAT_VERSION = 1;

/** Width of the random application card ID. 64 bits: see docs/card-format.md, "Card ID". */
export const CARD_ID_LENGTH = 8;

/** Card header: the first record of the application, written once at installation. */
export const HEADER = {
  /** "FA": tells our header from an erased or foreign EF. */
  magic: new Uint8Array([0x46, 0x41]),
  size: 16,
  at: {
    magic: 0, // 2 bytes
    version: 2, // 1
    programmeCount: 3, // 1: programme areas in use
    cardId: 4, // 8
    areaSize: 12, // 2: grant region + two slots; must match the layout
    authKeyVersion: 14, // 1: master version the card's write key was diversified from
    reserved: 15, // 1: zero
  },
} as const;

/** Grant: a signed body followed by the Ed25519 signature over it. */
export const GRANT = {
  /** Body bytes before the extension. */
  fixedBodySize: 36,
  signatureSize: 64,
  /** The smallest grant (no extension): 36 + 64. */
  minSize: 100,
  at: {
    version: 0, // 1
    keyVersion: 1, // 1: issuer key version
    cardId: 2, // 8
    municipality: 10, // 3: 全国地方公共団体コード, 6 digits incl. check digit
    programmeNumber: 13, // 2
    unit: 15, // 1: UNIT_CODES
    amount: 16, // 4
    validFrom: 20, // 2: day number
    validUntil: 22, // 2: day number
    dailyUses: 24, // 2: 0 = no daily limit
    monthlyUnits: 26, // 4: 0 = no monthly limit
    serial: 30, // 4
    extLength: 34, // 2
    ext: 36, // extLength bytes, then the signature
  },
  /** Prefix of the signed message, so an issuer key can never be tricked into signing a grant by signing something else. */
  signingContext: new TextEncoder().encode('fa-grant'),
} as const;

/** One value-state slot. Slots A and B are identical in format and position-independent. */
export const SLOT = {
  size: 36,
  macSize: 8,
  /** Bytes covered by the MAC (everything before it). */
  bodySize: 28,
  at: {
    version: 0, // 1: slot format; an all-0x00 or all-0xFF slot is empty
    macKeyVersion: 1, // 1
    seq: 2, // 4
    used: 6, // 4
    day: 10, // 2: day number of the last use; 0 = none
    dayUses: 12, // 2
    month: 14, // 2: months since 1970-01; 0 = none
    monthUnits: 16, // 4
    lastTerminal: 20, // 4
    time: 24, // 4: Unix seconds
    mac: 28, // 8: truncated HMAC-SHA-256
  },
  macContext: new TextEncoder().encode('fa-slot'),
} as const;

/** Upper bound on one programme area, grant region plus both slots. */
export const MAX_AREA_SIZE = 512;

export const UNIT_CODES: Readonly<Record<GrantUnit, number>> = { coupon: 1, yen: 2, entry: 3 };

export function unitFromCode(code: number): GrantUnit | undefined {
  return (Object.keys(UNIT_CODES) as GrantUnit[]).find((u) => UNIT_CODES[u] === code);
}
