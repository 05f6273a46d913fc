/**
 * The gate grant's access rights: the bytes the gate app puts in a grant's `ext` field, signed
 * with the grant by the issuer. `docs/card-format.md` §12 is the prose version of this file.
 *
 * Version 1, 24 bytes, integers unsigned big-endian:
 *
 * | offset | width | field        |                                                              |
 * |-------:|------:|--------------|--------------------------------------------------------------|
 * |      0 |     1 | version      | 1                                                            |
 * |      1 |     1 | flags        | bit 0: visitor pass; bits 1–7 reserved, zero                 |
 * |      2 |     8 | holder       | random pseudonym of the holder, never a name or 個人番号     |
 * |     10 |     4 | organisation | code of the issuing organisation                             |
 * |     14 |     8 | zones        | bit i of this 64-bit number set: zone i (0–63) is allowed    |
 * |     22 |     2 | accessGroup  | schedule reference; each door maps groups to schedules       |
 */
import { MalformedAccessRightsError, TruncatedAccessRightsError, UnknownAccessRightsVersionError } from './errors.js';

export const ACCESS_RIGHTS_VERSION = 1;
export const HOLDER_LENGTH = 8;
export const ZONE_COUNT = 64;

export const ACCESS_RIGHTS = {
  size: 24,
  at: { version: 0, flags: 1, holder: 2, organisation: 10, zones: 14, accessGroup: 22 },
  width: { version: 1, flags: 1, holder: HOLDER_LENGTH, organisation: 4, zones: 8, accessGroup: 2 },
  flags: { visitor: 0x01 },
} as const;

const RESERVED_FLAGS = 0xff & ~ACCESS_RIGHTS.flags.visitor;

/**
 * `staff`: the pass is only read at the gate, never written. `visitor`: the grant's `amount` is
 * the number of entries, and each entry takes one unit with the same tap protocol as the taxi app.
 */
export type PassKind = 'staff' | 'visitor';

export interface AccessRights {
  readonly kind: PassKind;
  /** Holder pseudonym, 16 upper-case hex digits. */
  readonly holder: string;
  readonly organisation: number;
  /** Allowed zone numbers, ascending, each 0–63. */
  readonly zones: readonly number[];
  /** Schedule reference: the access group a door maps to one of its schedules. */
  readonly accessGroup: number;
}

export function encodeAccessRights(rights: AccessRights): Uint8Array {
  const out = new Uint8Array(ACCESS_RIGHTS.size);
  const view = new DataView(out.buffer);
  const { at } = ACCESS_RIGHTS;
  out[at.version] = ACCESS_RIGHTS_VERSION;
  out[at.flags] = rights.kind === 'visitor' ? ACCESS_RIGHTS.flags.visitor : 0;
  out.set(holderBytes(rights.holder), at.holder);
  view.setUint32(at.organisation, checkUint(rights.organisation, 4, 'organisation'));
  out.set(zoneBitmap(rights.zones), at.zones);
  view.setUint16(at.accessGroup, checkUint(rights.accessGroup, 2, 'access group'));
  return out;
}

export function decodeAccessRights(ext: Uint8Array): AccessRights {
  const { at, size } = ACCESS_RIGHTS;
  if (ext.length === 0) throw new TruncatedAccessRightsError('gate access rights: the grant has no extension');
  const version = ext[at.version] ?? 0;
  if (version !== ACCESS_RIGHTS_VERSION) throw new UnknownAccessRightsVersionError(version);
  if (ext.length < size) throw new TruncatedAccessRightsError(`gate access rights: needs ${size} bytes, has ${ext.length}`);
  if (ext.length > size) throw new MalformedAccessRightsError(`gate access rights: ${ext.length - size} bytes after the last field`);
  const flags = ext[at.flags] ?? 0;
  if ((flags & RESERVED_FLAGS) !== 0) throw new MalformedAccessRightsError(`gate access rights: reserved flag bits set (${flags})`);
  const view = new DataView(ext.buffer, ext.byteOffset, ext.byteLength);
  return {
    kind: (flags & ACCESS_RIGHTS.flags.visitor) !== 0 ? 'visitor' : 'staff',
    holder: hex(ext.subarray(at.holder, at.holder + HOLDER_LENGTH)),
    organisation: view.getUint32(at.organisation),
    zones: zonesOf(ext.subarray(at.zones, at.zones + ACCESS_RIGHTS.width.zones)),
    accessGroup: view.getUint16(at.accessGroup),
  };
}

/** True when the rights allow at least one of the door's zones. */
export function allowsAnyZone(rights: AccessRights, doorZones: readonly number[]): boolean {
  return doorZones.some((zone) => rights.zones.includes(zone));
}

/** Zone i sits at bit i of the big-endian 64-bit field: byte 7 - ⌊i/8⌋, mask 1 << (i mod 8). */
function zoneBitmap(zones: readonly number[]): Uint8Array {
  const out = new Uint8Array(ACCESS_RIGHTS.width.zones);
  for (const zone of zones) {
    if (!Number.isInteger(zone) || zone < 0 || zone >= ZONE_COUNT) {
      throw new MalformedAccessRightsError(`gate access rights: zone ${zone} is not 0–${ZONE_COUNT - 1}`);
    }
    const index = out.length - 1 - (zone >> 3);
    out[index] = (out[index] ?? 0) | (1 << (zone & 7));
  }
  return out;
}

function zonesOf(bitmap: Uint8Array): number[] {
  const zones: number[] = [];
  for (let zone = 0; zone < ZONE_COUNT; zone++) {
    const byte = bitmap[bitmap.length - 1 - (zone >> 3)] ?? 0;
    if ((byte & (1 << (zone & 7))) !== 0) zones.push(zone);
  }
  return zones;
}

function holderBytes(holder: string): Uint8Array {
  if (!new RegExp(`^[0-9A-Fa-f]{${HOLDER_LENGTH * 2}}$`).test(holder)) {
    throw new MalformedAccessRightsError(`gate access rights: holder must be ${HOLDER_LENGTH * 2} hex digits`);
  }
  return Uint8Array.from(Buffer.from(holder, 'hex'));
}

function checkUint(value: number, width: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** (8 * width)) {
    throw new MalformedAccessRightsError(`gate access rights: ${field} = ${value} does not fit ${width} byte(s)`);
  }
  return value;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}
