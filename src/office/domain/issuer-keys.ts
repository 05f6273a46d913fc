/**
 * The office's Ed25519 issuer keys. The private key never leaves the office's key directory
 * (files 0600, see src/free-area/keystore-files.ts); terminals get the public keys of every
 * version through the retained downlink topic `{p}/{org}/keys`, so grants signed before a
 * rotation stay valid.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { createFileIssuerSigner, KEY_FILES, rawPublicKey, rotateIssuerKey } from '../../free-area/index.js';
import type { IssuerSigner } from '../../free-area/index.js';
import type { IssuerKey } from '../../sync/index.js';

export interface IssuerKeyRing {
  /** Signs under the current version. */
  signer(): IssuerSigner;
  /** Every public key version, oldest first, as the downlink carries them (64 hex digits). */
  publicKeys(): IssuerKey[];
  /** Adds a key version and makes it current; returns the new version. */
  rotate(): number;
}

const publicFile = z.object({ keys: z.record(z.string().regex(/^\d+$/), z.string().regex(/^[0-9A-Fa-f]{64}$/)) });

export function createFileIssuerKeyRing(dir: string): IssuerKeyRing {
  let current: IssuerSigner = createFileIssuerSigner(dir);
  return {
    signer: () => current,
    publicKeys() {
      const file = publicFile.parse(JSON.parse(readFileSync(join(dir, KEY_FILES.issuerPublic), 'utf8')));
      return Object.entries(file.keys)
        .map(([version, hex]) => ({ version: Number(version), publicKey: hex.toLowerCase() }))
        .sort((a, b) => a.version - b.version);
    },
    rotate() {
      const version = rotateIssuerKey(dir);
      current = createFileIssuerSigner(dir);
      return version;
    },
  };
}

/** A key ring over signers held in memory: for tests. */
export function createMemoryIssuerKeyRing(signers: readonly IssuerSigner[], next?: () => IssuerSigner): IssuerKeyRing {
  const all = [...signers];
  return {
    signer: () => {
      const last = all.at(-1);
      if (last === undefined) throw new RangeError('no issuer key');
      return last;
    },
    publicKeys: () => all.map((s) => ({ version: s.keyVersion, publicKey: Buffer.from(rawPublicKey(s.publicKey)).toString('hex') })),
    rotate() {
      if (next === undefined) throw new RangeError('this key ring cannot make keys');
      const signer = next();
      all.push(signer);
      return signer.keyVersion;
    },
  };
}
