/**
 * The ISO 7816-4 commands our application uses, built field by field. Short APDUs only;
 * no proprietary instruction anywhere.
 */
import type { Command } from '../reader/iso7816.js';
import { CHALLENGE_LENGTH } from '../reader/auth-cryptogram.js';

/** CLA 00: interindustry class, no secure messaging, no chaining, logical channel 0. */
const CLA = 0x00;

const INS = {
  SELECT: 0xa4,
  READ_BINARY: 0xb0,
  UPDATE_BINARY: 0xd6,
  GET_CHALLENGE: 0x84,
  EXTERNAL_AUTHENTICATE: 0x82,
} as const;

/** SELECT P1 04: by DF name (AID). */
const SELECT_BY_NAME = 0x04;
/** SELECT P1 02: an EF under the current DF, by file ID. */
const SELECT_EF_UNDER_DF = 0x02;
/** SELECT P2 0C: first occurrence, no FCI/FCP in the answer (saves bytes on the air). */
const SELECT_NO_RESPONSE = 0x0c;
/** READ/UPDATE BINARY P1 bit 8: bits 5..1 are a short EF identifier and P2 an 8-bit offset. */
const P1_SFI = 0x80;
/** Largest offset SFI addressing reaches (P2 is 8 bits). */
export const MAX_SFI_OFFSET = 0xff;
/** EXTERNAL AUTHENTICATE P2 bit 8: the key reference is specific to the current DF. */
const P2_DF_SPECIFIC_KEY = 0x80;

/** Where a READ/UPDATE BINARY points: an EF by SFI, or the current EF. */
export type BinaryAddress = { readonly sfi: number; readonly offset: number } | { readonly currentEf: true; readonly offset: number };

export function selectAid(aid: Uint8Array): Command {
  // 00 A4 04 0C Lc <AID>: no Le, the answer is a bare status word.
  return { cla: CLA, ins: INS.SELECT, p1: SELECT_BY_NAME, p2: SELECT_NO_RESPONSE, data: aid };
}

export function selectEf(fid: number): Command {
  // 00 A4 02 0C 02 <FID>
  return { cla: CLA, ins: INS.SELECT, p1: SELECT_EF_UNDER_DF, p2: SELECT_NO_RESPONSE, data: Uint8Array.of(fid >> 8, fid & 0xff) };
}

export function readBinary(at: BinaryAddress, length: number): Command {
  // 00 B0 P1 P2 Le; Le 256 goes out as 00.
  return { cla: CLA, ins: INS.READ_BINARY, ...p1p2(at), le: length };
}

export function updateBinary(at: BinaryAddress, data: Uint8Array): Command {
  // 00 D6 P1 P2 Lc <data>: no Le.
  return { cla: CLA, ins: INS.UPDATE_BINARY, ...p1p2(at), data };
}

export function getChallenge(): Command {
  // 00 84 00 00 08: an 8-byte random number from the card.
  return { cla: CLA, ins: INS.GET_CHALLENGE, p1: 0x00, p2: 0x00, le: CHALLENGE_LENGTH };
}

export function externalAuthenticate(keyRef: number, dfSpecific: boolean, cryptogram: Uint8Array): Command {
  // 00 82 00 P2 10 <cryptogram>: P1 00 = algorithm implied by the key; P2 = key reference.
  return { cla: CLA, ins: INS.EXTERNAL_AUTHENTICATE, p1: 0x00, p2: (dfSpecific ? P2_DF_SPECIFIC_KEY : 0) | keyRef, data: cryptogram };
}

function p1p2(at: BinaryAddress): { p1: number; p2: number } {
  if ('sfi' in at) {
    if (at.offset > MAX_SFI_OFFSET) throw new RangeError(`offset ${at.offset} is out of SFI reach`);
    return { p1: P1_SFI | at.sfi, p2: at.offset };
  }
  // P1 bit 8 clear: P1 bits 7..1 and P2 are a 15-bit offset in the current EF.
  return { p1: (at.offset >> 8) & 0x7f, p2: at.offset & 0xff };
}
