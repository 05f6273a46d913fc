/**
 * Encoder and decoder of one value-state slot (format version 1). The MAC is computed and
 * checked in `slots.ts`; this file only moves fields to and from bytes.
 */
import { ByteReader, ByteWriter, allBytes } from './bytes.js';
import { UnknownFormatVersionError } from './errors.js';
import { SLOT } from './format.js';
import { dayFromNumber, dayNumber, monthFromNumber, monthNumber } from './jst.js';
import type { SlotState } from './types.js';

export const SLOT_FORMAT_VERSION = 1;

/** A slot as stored: never written (empty), or written with fields and a MAC still to be checked. */
export type RawSlot =
  | { readonly kind: 'empty' }
  | { readonly kind: 'written'; readonly state: SlotState; readonly body: Uint8Array; readonly mac: Uint8Array };

/** A fresh card's state: nothing used, sequence 0. It is what two empty slots mean. */
export function initialSlotState(macKeyVersion: number): SlotState {
  return { seq: 0, used: 0, day: null, dayUses: 0, month: null, monthUnits: 0, lastTerminal: 0, time: 0, macKeyVersion };
}

/** The 28 bytes the MAC covers. */
export function encodeSlotBody(state: SlotState): Uint8Array {
  return new ByteWriter(SLOT.bodySize, 'slot')
    .u8(SLOT_FORMAT_VERSION, 'slot version')
    .u8(state.macKeyVersion, 'MAC key version')
    .u32(state.seq, 'seq')
    .u32(state.used, 'used')
    .u16(state.day === null ? 0 : dayNumber(state.day), 'day')
    .u16(state.dayUses, 'day uses')
    .u16(state.month === null ? 0 : monthNumber(state.month), 'month')
    .u32(state.monthUnits, 'month units')
    .u32(state.lastTerminal, 'last terminal')
    .u32(state.time, 'time')
    .done();
}

export function encodeSlot(state: SlotState, mac: Uint8Array): Uint8Array {
  if (mac.length !== SLOT.macSize) throw new RangeError(`slot MAC must be ${SLOT.macSize} bytes`);
  const out = new Uint8Array(SLOT.size);
  out.set(encodeSlotBody(state));
  out.set(mac, SLOT.at.mac);
  return out;
}

/** The bytes of a slot that was never written: what issuance puts in both slots. */
export function emptySlotBytes(): Uint8Array {
  return new Uint8Array(SLOT.size);
}

/**
 * Decodes a slot's fields. All-00 (written by issuance) and all-FF (erased memory) are
 * empty. Any other first byte than the known slot version is an unknown format.
 */
export function decodeSlot(bytes: Uint8Array): RawSlot {
  const r = new ByteReader(bytes, 'slot');
  const all = r.take(SLOT.size);
  if (allBytes(all, 0x00) || allBytes(all, 0xff)) return { kind: 'empty' };
  const f = new ByteReader(all, 'slot');
  const version = f.u8();
  if (version !== SLOT_FORMAT_VERSION) throw new UnknownFormatVersionError('slot', version);
  const macKeyVersion = f.u8();
  const seq = f.u32();
  const used = f.u32();
  const day = f.u16();
  const dayUses = f.u16();
  const month = f.u16();
  const monthUnits = f.u32();
  const lastTerminal = f.u32();
  const time = f.u32();
  const state: SlotState = {
    seq, used, day: day === 0 ? null : dayFromNumber(day), dayUses,
    month: month === 0 ? null : monthFromNumber(month), monthUnits, lastTerminal, time, macKeyVersion,
  };
  return { kind: 'written', state, body: new Uint8Array(all.subarray(0, SLOT.bodySize)), mac: new Uint8Array(f.take(SLOT.macSize)) };
}
