/** Status words the emulated card answers (ISO 7816-4 section 5.6). */
export const SW = {
  OK: 0x9000,
  END_OF_FILE: 0x6282,
  VERIFICATION_FAILED: 0x6300,
  WRONG_LENGTH: 0x6700,
  SECURITY_NOT_SATISFIED: 0x6982,
  AUTH_BLOCKED: 0x6983,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  NO_CURRENT_EF: 0x6986,
  NOT_FOUND: 0x6a82,
  BAD_P1P2: 0x6a86,
  REF_DATA_NOT_FOUND: 0x6a88,
  OFFSET_OUT_OF_RANGE: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
} as const;

/** `61xx`: xx more bytes wait for GET RESPONSE (00 = 256). */
export const swMoreData = (n: number): number => 0x6100 | (n & 0xff);
/** `6Cxx`: wrong Le, send again with Le = xx (00 = 256). */
export const swWrongLe = (n: number): number => 0x6c00 | (n & 0xff);
/** `63Cx`: verification failed, x tries left. */
export const swTriesLeft = (n: number): number => 0x63c0 | (n & 0x0f);

/** A short command APDU, split into its fields. */
export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  /** Command data (Lc bytes); empty for cases 1 and 2. */
  data: Uint8Array;
  /** Ne: 1..256, or null when the command carries no Le (cases 1 and 3). */
  le: number | null;
}

/**
 * Splits a short APDU (ISO 7816-3 cases 1 to 4). Extended APDUs (Lc = 00 followed by two
 * length bytes) are not supported; like a card without extended-length support we answer
 * wrong length. Returns the status word to answer when the APDU is malformed.
 */
export function parseCommandApdu(raw: Uint8Array): CommandApdu | { sw: number } {
  if (raw.length < 4) return { sw: SW.WRONG_LENGTH };
  const [cla = 0, ins = 0, p1 = 0, p2 = 0] = raw;
  const header = { cla, ins, p1, p2 };
  if (raw.length === 4) return { ...header, data: new Uint8Array(0), le: null };
  const p3 = raw[4] ?? 0;
  // Case 2: P3 is Le, and 00 means 256.
  if (raw.length === 5) return { ...header, data: new Uint8Array(0), le: p3 === 0 ? 256 : p3 };
  if (p3 === 0) return { sw: SW.WRONG_LENGTH };
  const data = raw.slice(5, 5 + p3);
  // Case 3: Lc and data; case 4: Lc, data and one Le byte.
  if (raw.length === 5 + p3) return { ...header, data, le: null };
  if (raw.length === 6 + p3) {
    const le = raw[5 + p3] ?? 0;
    return { ...header, data, le: le === 0 ? 256 : le };
  }
  return { sw: SW.WRONG_LENGTH };
}
