/**
 * Verification of one programme area from its bytes: decode the grant, check its signature
 * and card ID, open both slots and choose the current one. Pure; bad data becomes a status
 * value, so a card with one damaged programme still serves the others.
 */
import { decodeGrant, type CardHeaderRecord, type DecodedGrant } from './codec.js';
import { verifyGrant, type SlotContext } from './crypto.js';
import { FreeAreaError } from './errors.js';
import type { KeyStore } from './keystore.js';
import { chooseCurrentSlot, openSlot, type CurrentSlot, type SlotReading } from './slots.js';
import type { Grant, ProgrammeId } from './types.js';

/**
 * - `ok`: signature and card ID check out and the current slot is known.
 * - `bad-grant`: the grant does not decode, is for another card, has an unknown key version or a bad signature.
 * - `bad-slots`: the grant is fine but no current state can be established (both slots bad, or a slot under a key or format we lack).
 */
export type ProgrammeStatus =
  | { readonly kind: 'ok'; readonly current: CurrentSlot }
  | { readonly kind: 'bad-grant'; readonly error: FreeAreaError }
  | { readonly kind: 'bad-slots'; readonly error: FreeAreaError };

export interface ProgrammeRead {
  readonly index: number;
  /** The decoded grant, or null when its bytes do not decode. Trust it only when `status.kind` is `ok`. */
  readonly grant: Grant | null;
  /** The grant region as read, padding included. */
  readonly grantBytes: Uint8Array;
  /** Both slots, opened against the grant; null when the grant does not decode (no MAC context). */
  readonly slots: readonly [SlotReading, SlotReading] | null;
  readonly slotBytes: readonly [Uint8Array, Uint8Array];
  readonly status: ProgrammeStatus;
}

export function slotContext(header: CardHeaderRecord, index: number, grant: Grant): SlotContext {
  return { cardId: header.cardId, programmeIndex: index, programme: grant.programme, grantSerial: grant.serial };
}

export function verifyProgramme(
  header: CardHeaderRecord,
  index: number,
  grantBytes: Uint8Array,
  slotBytes: readonly [Uint8Array, Uint8Array],
  keys: KeyStore,
): ProgrammeRead {
  const base = { index, grantBytes, slotBytes };
  let decoded: DecodedGrant;
  try {
    decoded = decodeGrant(grantBytes);
  } catch (error) {
    return { ...base, grant: null, slots: null, status: { kind: 'bad-grant', error: asFreeAreaError(error) } };
  }
  const ctx = slotContext(header, index, decoded.grant);
  const slots = [openSlot(slotBytes[0], ctx, keys), openSlot(slotBytes[1], ctx, keys)] as const;
  return { ...base, grant: decoded.grant, slots, status: programmeStatus(decoded, header, slots, keys) };
}

function programmeStatus(decoded: DecodedGrant, header: CardHeaderRecord, slots: readonly [SlotReading, SlotReading], keys: KeyStore): ProgrammeStatus {
  try {
    verifyGrant(decoded, header.cardId, keys.issuerPublicKey(decoded.grant.keyVersion));
  } catch (error) {
    return { kind: 'bad-grant', error: asFreeAreaError(error) };
  }
  try {
    return { kind: 'ok', current: chooseCurrentSlot(slots, keys.currentMacKeyVersion) };
  } catch (error) {
    return { kind: 'bad-slots', error: asFreeAreaError(error) };
  }
}

function asFreeAreaError(error: unknown): FreeAreaError {
  if (error instanceof FreeAreaError) return error;
  throw error;
}

/** The programme on the card with this programme ID, if any. */
export function findProgramme(programmes: readonly ProgrammeRead[], id: ProgrammeId): ProgrammeRead | undefined {
  return programmes.find((p) => p.grant?.programme.municipality === id.municipality && p.grant.programme.number === id.number);
}
