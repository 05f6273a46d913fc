/**
 * What a terminal needs to verify and write cards: issuer public keys, and the MAC and
 * write-authentication master keys from which each card's own keys are diversified. Every
 * key has a version; records on the card name the version they were made under, so keys
 * can be rotated while old cards stay readable. Issuer private keys are not here: see
 * `IssuerSigner` in `crypto.ts`.
 */
import type { KeyObject } from 'node:crypto';
import { diversifyAuthKey, diversifyMacKey } from './crypto.js';
import { KeyStoreError, UnknownKeyVersionError } from './errors.js';

export interface KeyVersions {
  readonly issuer: readonly number[];
  readonly mac: readonly number[];
  readonly auth: readonly number[];
}

export interface KeyStore {
  /** Version new slots are MACed under. */
  readonly currentMacKeyVersion: number;
  /** Version the write key of a newly installed card is diversified from. */
  readonly currentAuthKeyVersion: number;
  /** Throws `UnknownKeyVersionError` when the version is not held. */
  issuerPublicKey(version: number): KeyObject;
  /** The card's slot-MAC key under master version `version`; throws `UnknownKeyVersionError`. */
  macKeyFor(cardId: string, version: number): Uint8Array;
  /** The card's write-authentication key under master version `version`; throws `UnknownKeyVersionError`. */
  authKeyFor(cardId: string, version: number): Uint8Array;
  versions(): KeyVersions;
}

export interface KeyMaterial {
  readonly issuerPublicKeys: ReadonlyMap<number, KeyObject>;
  readonly macMasterKeys: ReadonlyMap<number, Uint8Array>;
  readonly authMasterKeys: ReadonlyMap<number, Uint8Array>;
  /** Defaults to the highest version held. */
  readonly currentMacKeyVersion?: number;
  readonly currentAuthKeyVersion?: number;
}

/** A key store over keys already in memory: for tests, and the body of the file store. */
export function createMemoryKeyStore(material: KeyMaterial): KeyStore {
  const issuer = new Map(material.issuerPublicKeys);
  const mac = copyKeys(material.macMasterKeys, 'mac');
  const auth = copyKeys(material.authMasterKeys, 'auth');
  const currentMacKeyVersion = material.currentMacKeyVersion ?? highest(mac, 'mac');
  const currentAuthKeyVersion = material.currentAuthKeyVersion ?? highest(auth, 'auth');
  if (!mac.has(currentMacKeyVersion)) throw new UnknownKeyVersionError('mac', currentMacKeyVersion);
  if (!auth.has(currentAuthKeyVersion)) throw new UnknownKeyVersionError('auth', currentAuthKeyVersion);
  return {
    currentMacKeyVersion,
    currentAuthKeyVersion,
    issuerPublicKey(version) {
      const key = issuer.get(version);
      if (key === undefined) throw new UnknownKeyVersionError('issuer', version);
      return key;
    },
    macKeyFor: (cardId, version) => diversifyMacKey(master(mac, 'mac', version), cardId),
    authKeyFor: (cardId, version) => diversifyAuthKey(master(auth, 'auth', version), cardId),
    versions: () => ({ issuer: sorted(issuer), mac: sorted(mac), auth: sorted(auth) }),
  };
}

function copyKeys(keys: ReadonlyMap<number, Uint8Array>, purpose: 'mac' | 'auth'): Map<number, Uint8Array> {
  for (const version of keys.keys()) {
    // 00 and FF are what empty and erased card memory read as; a key must never be named by them.
    if (!Number.isInteger(version) || version < 1 || version > 254) throw new KeyStoreError(`${purpose} key version ${version} is outside 1..254`);
  }
  return new Map([...keys].map(([v, k]) => [v, new Uint8Array(k)]));
}

function master(keys: Map<number, Uint8Array>, purpose: 'mac' | 'auth', version: number): Uint8Array {
  const key = keys.get(version);
  if (key === undefined) throw new UnknownKeyVersionError(purpose, version);
  return key;
}

function highest(keys: Map<number, unknown>, purpose: 'mac' | 'auth'): number {
  const versions = sorted(keys);
  const top = versions[versions.length - 1];
  if (top === undefined) throw new UnknownKeyVersionError(purpose, 0);
  return top;
}

function sorted(keys: Map<number, unknown>): number[] {
  return [...keys.keys()].sort((a, b) => a - b);
}
