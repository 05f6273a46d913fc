/**
 * The two value-state slots: sealing (encode + MAC), opening (decode + verify), choosing the
 * current one and building the next one. All pure: keys and the clock come in as arguments.
 */
import { macEquals, slotMac, type SlotContext } from './crypto.js';
import { BadMacError, FreeAreaError, MalformedDataError, UnknownFormatVersionError, UnknownKeyVersionError } from './errors.js';
import { jstDay, jstMonth } from './jst.js';
import type { KeyStore } from './keystore.js';
import { decodeSlot, encodeSlot, encodeSlotBody, initialSlotState } from './slot-codec.js';
import type { SlotState } from './types.js';

/** One slot as read and checked. `bytes` is exactly what the card holds (for the journal). */
export type SlotReading =
  | { readonly kind: 'empty'; readonly bytes: Uint8Array }
  | { readonly kind: 'valid'; readonly state: SlotState; readonly bytes: Uint8Array }
  | {
      readonly kind: 'invalid';
      readonly error: FreeAreaError;
      /** The sequence number as written, when the slot decodes at all; not to be trusted. */
      readonly claimedSeq: number | null;
      readonly bytes: Uint8Array;
    };

export type SlotIndex = 0 | 1;

export interface CurrentSlot {
  /** The slot holding the current state, or null on a fresh programme (no write has landed yet). */
  readonly index: SlotIndex | null;
  readonly state: SlotState;
  /** Where the next write goes: never the current slot, so a torn write leaves `state` current. */
  readonly writeIndex: SlotIndex;
  /** Both slots valid with the same sequence number: two writers diverged. Reported, never silent. */
  readonly tie: boolean;
}

const MAX_U32 = 0xffff_ffff;

/** Encodes a state and appends its MAC under the card's key for `state.macKeyVersion`. */
export function sealSlot(state: SlotState, ctx: SlotContext, keys: KeyStore): Uint8Array {
  const key = keys.macKeyFor(ctx.cardId, state.macKeyVersion);
  return encodeSlot(state, slotMac(key, ctx, encodeSlotBody(state)));
}

/** Decodes and verifies one slot. Bad data is a value (`invalid`), never a throw. */
export function openSlot(bytes: Uint8Array, ctx: SlotContext, keys: KeyStore): SlotReading {
  const copy = new Uint8Array(bytes);
  try {
    const raw = decodeSlot(copy);
    if (raw.kind === 'empty') return { kind: 'empty', bytes: copy };
    if (!isKeyVersion(raw.state.macKeyVersion)) {
      // 00 and FF are what a write torn after its first byte leaves over an empty or erased slot.
      return invalid(new BadMacError(`slot names MAC key version ${raw.state.macKeyVersion}, which is never issued: torn or damaged`), raw.state.seq, copy);
    }
    const key = keys.macKeyFor(ctx.cardId, raw.state.macKeyVersion);
    if (!macEquals(slotMac(key, ctx, raw.body), raw.mac)) {
      return invalid(new BadMacError(`slot with seq ${raw.state.seq}: MAC does not verify`), raw.state.seq, copy);
    }
    return { kind: 'valid', state: raw.state, bytes: copy };
  } catch (error) {
    if (!(error instanceof FreeAreaError)) throw error;
    return invalid(error, claimedSeq(copy), copy);
  }
}

/**
 * The current state of a programme from its two slots:
 * - both valid: the higher seq; on equal seq the one with more units used, then A (the rider never gains);
 * - one valid: that one, whatever the other holds, unless the other is written under a
 *   key or format this terminal does not know with a higher claimed seq (it may be newer: refuse);
 * - none valid but one empty: a fresh programme (a first write tore at most); write over the bad one;
 * - both empty: fresh, write to A;
 * - neither valid nor empty: throws the most useful error (unknown key version, unknown format, bad MAC).
 */
export function chooseCurrentSlot(slots: readonly [SlotReading, SlotReading], macKeyVersion: number): CurrentSlot {
  const [a, b] = slots;
  if (a.kind === 'valid' && b.kind === 'valid') return bothValid(a.state, b.state);
  const validIndex: SlotIndex | null = a.kind === 'valid' ? 0 : b.kind === 'valid' ? 1 : null;
  if (validIndex !== null) {
    const valid = slots[validIndex];
    const other = slots[1 - validIndex];
    if (valid?.kind === 'valid' && other !== undefined) {
      refuseIfPossiblyNewer(other, valid.state.seq);
      return { index: validIndex, state: valid.state, writeIndex: validIndex === 0 ? 1 : 0, tie: false };
    }
  }
  if (a.kind === 'empty' && b.kind === 'empty') return fresh(0, macKeyVersion);
  const emptyIndex: SlotIndex | null = a.kind === 'empty' ? 0 : b.kind === 'empty' ? 1 : null;
  const bad = [a, b].filter((s) => s.kind === 'invalid');
  bad.forEach((s) => refuseIfPossiblyNewer(s, -1));
  if (emptyIndex !== null) return fresh(emptyIndex === 0 ? 1 : 0, macKeyVersion);
  throw new BadMacError('neither slot verifies: the value state of this programme is lost on the card', {
    cause: bad[0]?.kind === 'invalid' ? bad[0].error : undefined,
  });
}

/** Inputs of one use. */
export interface NextSlotInput {
  readonly units: number;
  /** The instant of the use, ms since the epoch; days and months are taken in Japan time. */
  readonly atMs: number;
  readonly terminal: number;
  /** MAC key version to write under (the key store's current one). */
  readonly macKeyVersion: number;
}

/** The state after one use: seq + 1, units added, day and month counters rolled in Japan time. */
export function buildNextSlot(current: SlotState, input: NextSlotInput): SlotState {
  if (!Number.isInteger(input.units) || input.units < 0) throw new MalformedDataError(`units must be a whole number ≥ 0, got ${input.units}`);
  if (current.seq >= MAX_U32) throw new MalformedDataError('slot sequence number exhausted');
  if (current.used + input.units > MAX_U32) throw new MalformedDataError('units used would overflow');
  const day = jstDay(input.atMs);
  const month = jstMonth(input.atMs);
  return {
    seq: current.seq + 1,
    used: current.used + input.units,
    day,
    dayUses: current.day === day ? current.dayUses + 1 : 1,
    month,
    monthUnits: current.month === month ? current.monthUnits + input.units : input.units,
    lastTerminal: input.terminal,
    time: Math.floor(input.atMs / 1000),
    macKeyVersion: input.macKeyVersion,
  };
}

/** Key versions 00 and FF are reserved: they are what empty and erased memory read as. */
export function isKeyVersion(version: number): boolean {
  return Number.isInteger(version) && version >= 1 && version <= 254;
}

function bothValid(a: SlotState, b: SlotState): CurrentSlot {
  const tie = a.seq === b.seq;
  const aWins = tie ? a.used >= b.used : a.seq > b.seq;
  return aWins ? { index: 0, state: a, writeIndex: 1, tie } : { index: 1, state: b, writeIndex: 0, tie };
}

function fresh(writeIndex: SlotIndex, macKeyVersion: number): CurrentSlot {
  return { index: null, state: initialSlotState(macKeyVersion), writeIndex, tie: false };
}

/** A slot we cannot check may hold a newer state than the one we can: deciding on the older one would rewind the card. */
function refuseIfPossiblyNewer(slot: SlotReading, validSeq: number): void {
  if (slot.kind !== 'invalid') return;
  if (slot.error instanceof UnknownFormatVersionError) throw slot.error;
  if (slot.error instanceof UnknownKeyVersionError && (slot.claimedSeq ?? MAX_U32) > validSeq) throw slot.error;
}

function invalid(error: FreeAreaError, seq: number | null, bytes: Uint8Array): SlotReading {
  return { kind: 'invalid', error, claimedSeq: seq, bytes };
}

function claimedSeq(bytes: Uint8Array): number | null {
  if (bytes.length < 6) return null;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(2);
}
