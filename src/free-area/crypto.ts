/**
 * Signatures over grants (Ed25519, issuer keys) and MACs over slots (HMAC-SHA-256 under a
 * key diversified per card). Functions of their inputs only: keys are passed in.
 */
import { createHmac, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { cardIdBytes } from './bytes.js';
import { encodeGrantBody, type DecodedGrant } from './codec.js';
import { BadSignatureError, WrongCardIdError } from './errors.js';
import { CARD_ID_LENGTH, GRANT, SLOT } from './format.js';
import type { Grant, ProgrammeId } from './types.js';

const MAC_DIVERSIFIER = new TextEncoder().encode('fa-mac');
const AUTH_DIVERSIFIER = new TextEncoder().encode('fa-auth');
/** Write-authentication keys are 128-bit: the card's key slot size for the default scheme. */
export const AUTH_KEY_LENGTH = 16;

/** K_card = HMAC-SHA-256(master, "fa-mac" || cardId): a terminal never holds a key that works for one card only by accident. */
export function diversifyMacKey(master: Uint8Array, cardId: string): Uint8Array {
  return hmac(master, MAC_DIVERSIFIER, cardIdBytes(cardId, CARD_ID_LENGTH));
}

/** K_auth = HMAC-SHA-256(master, "fa-auth" || cardId)[0..16]: the key installed in the card for write authentication. */
export function diversifyAuthKey(master: Uint8Array, cardId: string): Uint8Array {
  return hmac(master, AUTH_DIVERSIFIER, cardIdBytes(cardId, CARD_ID_LENGTH)).subarray(0, AUTH_KEY_LENGTH);
}

/** What a slot MAC is bound to besides its own bytes: the card, the programme area and the grant it counts against. */
export interface SlotContext {
  readonly cardId: string;
  readonly programmeIndex: number;
  readonly programme: ProgrammeId;
  readonly grantSerial: number;
}

/**
 * MAC over "fa-slot" || cardId || programme index || municipality || programme number ||
 * grant serial || slot body. The slot's A/B position is deliberately not covered, so a
 * slot is valid in either position; the grant serial is, so a slot cannot outlive its grant.
 */
export function slotMac(key: Uint8Array, ctx: SlotContext, body: Uint8Array): Uint8Array {
  const binding = new Uint8Array(1 + 3 + 2 + 4);
  const view = new DataView(binding.buffer);
  view.setUint8(0, ctx.programmeIndex);
  view.setUint16(1, Math.floor(ctx.programme.municipality / 256));
  view.setUint8(3, ctx.programme.municipality % 256);
  view.setUint16(4, ctx.programme.number);
  view.setUint32(6, ctx.grantSerial);
  return hmac(key, SLOT.macContext, cardIdBytes(ctx.cardId, CARD_ID_LENGTH), binding, body).subarray(0, SLOT.macSize);
}

/** Constant-time in the sense that matters here: it always compares every byte. */
export function macEquals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** The exact message an issuer signs for a grant body: a context prefix, then the body. */
export function grantSigningMessage(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(GRANT.signingContext.length + body.length);
  out.set(GRANT.signingContext);
  out.set(body, GRANT.signingContext.length);
  return out;
}

/** Something that holds an issuer private key: the office, or the development CLI. */
export interface IssuerSigner {
  readonly keyVersion: number;
  readonly publicKey: KeyObject;
  sign(message: Uint8Array): Uint8Array;
}

/** A grant ready for the card: its fields (with the signer's key version) and its bytes. */
export interface SignedGrant {
  readonly grant: Grant;
  readonly bytes: Uint8Array;
}

export type GrantFields = Omit<Grant, 'keyVersion' | 'formatVersion'> & { readonly formatVersion?: number };

/** Office and development use: signs a grant under the signer's current key. */
export function signGrant(fields: GrantFields, signer: IssuerSigner): SignedGrant {
  const grant: Grant = { ...fields, formatVersion: fields.formatVersion ?? 1, keyVersion: signer.keyVersion };
  const body = encodeGrantBody(grant);
  const signature = signer.sign(grantSigningMessage(body));
  const bytes = new Uint8Array(body.length + signature.length);
  bytes.set(body);
  bytes.set(signature, body.length);
  return { grant, bytes };
}

/**
 * Checks a decoded grant against the issuer's public key for its key version and the
 * card it was read from. Throws `WrongCardIdError` or `BadSignatureError`.
 */
export function verifyGrant(decoded: DecodedGrant, cardId: string, issuerPublicKey: KeyObject): void {
  if (decoded.grant.cardId !== cardId) {
    throw new WrongCardIdError(`grant is for card ${decoded.grant.cardId}, but this card is ${cardId}`);
  }
  if (!verify(null, grantSigningMessage(decoded.body), issuerPublicKey, decoded.signature)) {
    throw new BadSignatureError(`grant serial ${decoded.grant.serial}: the issuer signature (key version ${decoded.grant.keyVersion}) does not verify`);
  }
}

/** Ed25519 public key from its 32 raw bytes (how key files and vectors carry it). */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');
  return createPublicKey({ key: Buffer.concat([spkiPrefix, raw]), format: 'der', type: 'spki' });
}

export function rawPublicKey(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ format: 'der', type: 'spki' }).subarray(-32));
}

function hmac(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}
