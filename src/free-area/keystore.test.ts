import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COUPON_GRANT, TEST_CARD_ID } from '../../test/vectors/fixture.js';
import {
  KEY_FILES,
  KeyStoreError,
  createFileIssuerSigner,
  createFileKeyStore,
  decodeGrant,
  generateDevKeys,
  rotateIssuerKey,
  rotateMasterKey,
  signGrant,
  verifyGrant,
} from './index.js';

const dirs: string[] = [];
function keyDir(): string {
  const parent = mkdtempSync(join(tmpdir(), 'fa-keys-'));
  dirs.push(parent);
  return join(parent, 'keys');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('file key store', () => {
  it('creates the development keys in a 0700 directory with 0600 files, once', () => {
    const dir = keyDir();
    expect(generateDevKeys(dir)).toEqual({ created: true });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of Object.values(KEY_FILES)) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    const before = readFileSync(join(dir, KEY_FILES.mac), 'utf8');
    expect(generateDevKeys(dir)).toEqual({ created: false });
    expect(readFileSync(join(dir, KEY_FILES.mac), 'utf8')).toBe(before);
  });

  it('verifies grants the file signer signs, and diversifies keys per card', () => {
    const dir = keyDir();
    generateDevKeys(dir);
    const keys = createFileKeyStore(dir);
    const signed = signGrant(COUPON_GRANT, createFileIssuerSigner(dir));
    expect(() => verifyGrant(decodeGrant(signed.bytes), TEST_CARD_ID, keys.issuerPublicKey(1))).not.toThrow();
    expect(keys.macKeyFor(TEST_CARD_ID, 1)).toHaveLength(32);
    expect(keys.authKeyFor(TEST_CARD_ID, 1)).toHaveLength(16);
    expect(keys.versions()).toEqual({ issuer: [1], mac: [1], auth: [1] });
  });

  it('refuses a secret key file that group or others can read, saying how to fix it', () => {
    const dir = keyDir();
    generateDevKeys(dir);
    chmodSync(join(dir, KEY_FILES.mac), 0o640);
    expect(() => createFileKeyStore(dir)).toThrow(KeyStoreError);
    expect(() => createFileKeyStore(dir)).toThrow(/chmod 600/);
    chmodSync(join(dir, KEY_FILES.issuerPrivate), 0o604);
    expect(() => createFileIssuerSigner(dir)).toThrow(/readable or writable by group or others/);
  });

  it('names the file and the field when a key file is malformed', () => {
    const dir = keyDir();
    generateDevKeys(dir);
    writeFileSync(join(dir, KEY_FILES.auth), JSON.stringify({ format: 'fa-master-keys/1', purpose: 'auth', current: 1, keys: { 1: 'XYZ' } }), { mode: 0o600 });
    expect(() => createFileKeyStore(dir)).toThrow(/auth-master\.json is malformed: keys\.1/);
  });

  it('rotates master and issuer keys to a new current version while keeping the old ones', () => {
    const dir = keyDir();
    generateDevKeys(dir);
    const oldMac = createFileKeyStore(dir).macKeyFor(TEST_CARD_ID, 1);
    expect(rotateMasterKey(dir, 'mac')).toBe(2);
    expect(rotateIssuerKey(dir)).toBe(2);
    const keys = createFileKeyStore(dir);
    expect(keys.currentMacKeyVersion).toBe(2);
    expect(keys.currentAuthKeyVersion).toBe(1);
    expect(Buffer.from(keys.macKeyFor(TEST_CARD_ID, 1)).equals(Buffer.from(oldMac))).toBe(true);
    const signer = createFileIssuerSigner(dir);
    expect(signer.keyVersion).toBe(2);
    const signed = signGrant(COUPON_GRANT, signer);
    expect(() => verifyGrant(decodeGrant(signed.bytes), TEST_CARD_ID, keys.issuerPublicKey(2))).not.toThrow();
    expect(statSync(join(dir, KEY_FILES.mac)).mode & 0o777).toBe(0o600);
  });

  it('reports a missing key directory as a key store error', () => {
    expect(() => createFileKeyStore(join(tmpdir(), 'fa-no-such-dir-0'))).toThrow(KeyStoreError);
  });
});
