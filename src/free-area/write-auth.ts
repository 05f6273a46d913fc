/**
 * Write authentication: what must happen before the card accepts UPDATE BINARY. A scheme is
 * pluggable; the layout picks one. `challenge-response` proves knowledge of the card's
 * diversified key K_auth with GET CHALLENGE + EXTERNAL AUTHENTICATE (2 APDUs); `none` is
 * for file systems whose EFs are writable without it (0 APDUs).
 */
import { authCryptogram, CHALLENGE_LENGTH } from '../reader/auth-cryptogram.js';
import { CardIoError } from '../reader/errors.js';
import { SW_OK } from '../reader/iso7816.js';
import { externalAuthenticate, getChallenge } from './apdu.js';
import type { CardIo } from './card-io.js';
import { CardStatusError, WriteAuthenticationError } from './errors.js';
import type { KeyStore } from './keystore.js';
import type { WriteAuthConfig } from './layout.js';

/** What a scheme knows of the card it authenticates to. */
export interface AuthTarget {
  readonly cardId: string;
  /** Master version the card's K_auth was diversified from (from the card header). */
  readonly authKeyVersion: number;
}

export interface WriteAuthScheme {
  readonly name: string;
  /** APDUs the scheme sends on success (for budgets and benchmarks). */
  readonly apdus: number;
  authenticate(io: CardIo, target: AuthTarget, keys: KeyStore): Promise<void>;
}

const SW_AUTH_BLOCKED = 0x6983;

export function writeAuthScheme(config: WriteAuthConfig): WriteAuthScheme {
  if (config.scheme === 'none') return { name: 'none', apdus: 0, authenticate: async () => undefined };
  const { keyRef, dfSpecific } = config;
  return {
    name: 'challenge-response',
    apdus: 2,
    async authenticate(io, target, keys) {
      const key = keys.authKeyFor(target.cardId, target.authKeyVersion);
      const challenge = await sendAuth(io, getChallenge(), 'GET CHALLENGE');
      if (challenge.length !== CHALLENGE_LENGTH) throw new CardIoError(`GET CHALLENGE answered ${challenge.length} bytes, not ${CHALLENGE_LENGTH}`);
      await sendAuth(io, externalAuthenticate(keyRef, dfSpecific, authCryptogram(key, challenge)), 'EXTERNAL AUTHENTICATE');
    },
  };
}

async function sendAuth(io: CardIo, cmd: Parameters<CardIo['exchange']>[0], what: string): Promise<Uint8Array> {
  const res = await io.exchange(cmd);
  if (res.sw === SW_OK) return res.data;
  const status = new CardStatusError(res.sw, what);
  if (isRefusal(res.sw)) throw new WriteAuthenticationError(`${what}: the card refused our write key (${status.message})`, { cause: status });
  throw status;
}

/** 6300 / 63Cx (wrong cryptogram), 6983 (blocked), 6982/6985 (not allowed now), 6A88 (no such key). */
function isRefusal(sw: number): boolean {
  return sw === 0x6300 || (sw & 0xfff0) === 0x63c0 || sw === SW_AUTH_BLOCKED || sw === 0x6982 || sw === 0x6985 || sw === 0x6a88;
}

