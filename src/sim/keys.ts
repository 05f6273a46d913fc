/**
 * Key material of the simulated city, derived from the seed: the office's issuer signing key
 * (behind the office's key ring), the MAC and write-authentication masters that terminals share,
 * and a forger's key set that the office never had.
 */
import { createPrivateKey } from 'node:crypto';
import { createIssuerSigner, createMemoryKeyStore, type IssuerSigner, type KeyStore } from '../free-area/index.js';
import { createMemoryIssuerKeyRing, type IssuerKeyRing } from '../office/domain/index.js';
import type { Random } from './random.js';

/** PKCS#8 DER prefix of a raw 32-byte Ed25519 private key (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface KeySet {
  readonly signer: IssuerSigner;
  /** What terminals hold: issuer public keys and the master keys. */
  readonly keys: KeyStore;
}

export interface CityKeys extends KeySet {
  /** The office's key ring over the same signer. */
  readonly ring: IssuerKeyRing;
  /** A forger's own key set: grants signed under "key version 1", but not the office's key. */
  readonly forger: KeySet;
}

export function cityKeys(random: Random): CityKeys {
  const office = keySet(random.fork('office-keys'));
  return { ...office, ring: createMemoryIssuerKeyRing([office.signer]), forger: keySet(random.fork('forger-keys')) };
}

function keySet(random: Random): KeySet {
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(random.bytes(32))]);
  const signer = createIssuerSigner(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), 1);
  const keys = createMemoryKeyStore({
    issuerPublicKeys: new Map([[1, signer.publicKey]]),
    macMasterKeys: new Map([[1, random.bytes(32)]]),
    authMasterKeys: new Map([[1, random.bytes(32)]]),
  });
  return { signer, keys };
}
