import { createHmac } from 'node:crypto';

/** Length of the GET CHALLENGE answer the default write-authentication scheme asks for. */
export const CHALLENGE_LENGTH = 8;
/** Length of the cryptogram sent with EXTERNAL AUTHENTICATE. */
export const CRYPTOGRAM_LENGTH = 16;

/**
 * The cryptogram of the default challenge-response scheme: the first 16 bytes of
 * HMAC-SHA-256 over the card's challenge, keyed with the card's own (diversified) key.
 * The card and the terminal both compute it; it lives here because the emulated card in
 * this layer must check it and `src/free-area` may import this layer, not the reverse.
 */
export function authCryptogram(key: Uint8Array, challenge: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(challenge).digest().subarray(0, CRYPTOGRAM_LENGTH));
}
