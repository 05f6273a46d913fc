/**
 * Encoders and decoders of the card header and the grant (format version 1). Decoders take
 * whatever bytes the card returned and either give a record or throw one of the record-level
 * errors of `errors.ts`; they never check signatures (that is `crypto.ts`).
 */
import { ByteReader, ByteWriter, allBytes, cardIdBytes, equalBytes, hexUpper } from './bytes.js';
import { MalformedDataError, TruncatedDataError, UnknownFormatVersionError } from './errors.js';
import { CARD_ID_LENGTH, FORMAT_VERSION, GRANT, HEADER, UNIT_CODES, unitFromCode } from './format.js';
import { dayFromNumber, dayNumber } from './jst.js';
import type { CardHeader, Grant } from './types.js';

/** The header as the card stores it: the shared `CardHeader` plus what the card needs to be read and written. */
export interface CardHeaderRecord extends CardHeader {
  /** Bytes per programme area (grant region plus both slots); checked against the layout. */
  readonly areaSize: number;
  /** Version of the auth master key the card's write key was diversified from. */
  readonly authKeyVersion: number;
}

export function encodeHeader(header: CardHeaderRecord): Uint8Array {
  if (header.formatVersion !== FORMAT_VERSION) throw new UnknownFormatVersionError('card header', header.formatVersion);
  return new ByteWriter(HEADER.size, 'card header')
    .bytes(HEADER.magic)
    .u8(header.formatVersion, 'format version')
    .u8(header.programmeCount, 'programme count')
    .bytes(cardIdBytes(header.cardId, CARD_ID_LENGTH))
    .u16(header.areaSize, 'area size')
    .u8(header.authKeyVersion, 'auth key version')
    .u8(0, 'reserved')
    .done();
}

/** True when the header bytes were never written (erased to 00 or FF): the application is installed but blank. */
export function isBlankHeader(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, HEADER.size);
  return head.length === HEADER.size && (allBytes(head, 0x00) || allBytes(head, 0xff));
}

export function decodeHeader(bytes: Uint8Array): CardHeaderRecord {
  const r = new ByteReader(bytes, 'card header');
  if (!equalBytes(r.take(HEADER.magic.length), HEADER.magic)) throw new MalformedDataError('card header: bad magic, not our application');
  const formatVersion = r.u8();
  if (formatVersion !== FORMAT_VERSION) throw new UnknownFormatVersionError('card header', formatVersion);
  const programmeCount = r.u8();
  const cardId = hexUpper(r.take(CARD_ID_LENGTH));
  const areaSize = r.u16();
  const authKeyVersion = r.u8();
  if (r.u8() !== 0) throw new MalformedDataError('card header: reserved byte is not zero');
  return { formatVersion, cardId, programmeCount, areaSize, authKeyVersion };
}

/** A grant as read from the card: the fields, and the exact bytes the signature covers. */
export interface DecodedGrant {
  readonly grant: Grant;
  readonly body: Uint8Array;
  readonly signature: Uint8Array;
  /** Bytes the grant occupies (body plus signature); the rest of the grant region is padding. */
  readonly size: number;
}

export function grantSize(extLength: number): number {
  return GRANT.minSize + extLength;
}

export function encodeGrantBody(grant: Grant): Uint8Array {
  if (grant.formatVersion !== FORMAT_VERSION) throw new UnknownFormatVersionError('grant', grant.formatVersion);
  if (!isMunicipalityCode(grant.programme.municipality)) {
    throw new MalformedDataError(`grant: ${grant.programme.municipality} is not a 全国地方公共団体コード (check digit)`);
  }
  return new ByteWriter(GRANT.fixedBodySize + grant.ext.length, 'grant')
    .u8(grant.formatVersion, 'format version')
    .u8(grant.keyVersion, 'key version')
    .bytes(cardIdBytes(grant.cardId, CARD_ID_LENGTH))
    .u24(grant.programme.municipality, 'municipality')
    .u16(grant.programme.number, 'programme number')
    .u8(UNIT_CODES[grant.unit], 'unit')
    .u32(grant.amount, 'amount')
    .u16(dayField(grant.validFrom, 'validFrom'), 'validFrom')
    .u16(dayField(grant.validUntil, 'validUntil'), 'validUntil')
    .u16(grant.dailyUses, 'daily uses')
    .u32(grant.monthlyUnits, 'monthly units')
    .u32(grant.serial, 'serial')
    .u16(grant.ext.length, 'extension length')
    .bytes(grant.ext)
    .done();
}

export function encodeGrant(grant: Grant, signature: Uint8Array): Uint8Array {
  if (signature.length !== GRANT.signatureSize) throw new MalformedDataError(`grant: signature must be ${GRANT.signatureSize} bytes`);
  const body = encodeGrantBody(grant);
  const out = new Uint8Array(body.length + signature.length);
  out.set(body);
  out.set(signature, body.length);
  return out;
}

/** Decodes the grant at the start of `bytes`; trailing padding of the grant region is ignored. */
export function decodeGrant(bytes: Uint8Array): DecodedGrant {
  if (bytes.length > 0 && bytes[0] === 0x00) throw new MalformedDataError('grant: the programme area holds no grant');
  const r = new ByteReader(bytes, 'grant');
  const formatVersion = r.u8();
  if (formatVersion !== FORMAT_VERSION) throw new UnknownFormatVersionError('grant', formatVersion);
  const keyVersion = r.u8();
  const cardId = hexUpper(r.take(CARD_ID_LENGTH));
  const municipality = r.u24();
  const number = r.u16();
  const unitCode = r.u8();
  const unit = unitFromCode(unitCode);
  if (unit === undefined) throw new MalformedDataError(`grant: unknown unit code ${unitCode}`);
  const amount = r.u32();
  const validFrom = dayFromNumber(r.u16());
  const validUntil = dayFromNumber(r.u16());
  const dailyUses = r.u16();
  const monthlyUnits = r.u32();
  const serial = r.u32();
  const ext = new Uint8Array(r.take(r.u16()));
  const bodyEnd = r.offset;
  const signature = new Uint8Array(r.take(GRANT.signatureSize));
  const grant: Grant = {
    formatVersion, cardId, programme: { municipality, number }, unit, amount,
    validFrom, validUntil, dailyUses, monthlyUnits, keyVersion, serial, ext,
  };
  return { grant, body: new Uint8Array(bytes.subarray(0, bodyEnd)), signature, size: r.offset };
}

/** Reads only the extension length, to tell how many bytes a grant needs before decoding it. */
export function peekGrantSize(bytes: Uint8Array): number {
  const at = GRANT.at.extLength;
  if (bytes.length < at + 2) throw new TruncatedDataError('grant: too short to hold its extension length');
  return grantSize(((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0));
}

/**
 * 全国地方公共団体コード check: five digits weighted 6,5,4,3,2, sum mod 11, subtracted
 * from 11, last digit of that (Maebashi 10201 → 6, giving 102016).
 */
export function isMunicipalityCode(code: number): boolean {
  if (!Number.isInteger(code) || code < 10000 || code > 999999) return false;
  const digits = String(code).padStart(6, '0');
  const sum = [6, 5, 4, 3, 2].reduce((s, w, i) => s + w * Number(digits[i]), 0);
  return (11 - (sum % 11)) % 10 === Number(digits[5]);
}

function dayField(day: string, field: string): number {
  try {
    return dayNumber(day);
  } catch (cause) {
    throw new MalformedDataError(`grant: ${field} "${day}" is not a YYYY-MM-DD day`, { cause });
  }
}
