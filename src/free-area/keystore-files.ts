/**
 * Keys in files, readable only by the service: the default `KeyStore` of a terminal, and the
 * issuer signing key of the office or the development CLI. Each file holds every version of
 * one kind of key and names the current one, so a rotation adds a version and old cards stay
 * readable. Files are created 0600 in a 0700 directory; a secret file that group or others
 * can read is refused at load.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { ed25519PublicKey, rawPublicKey, type IssuerSigner } from './crypto.js';
import { KeyStoreError, UnknownKeyVersionError } from './errors.js';
import { createMemoryKeyStore, type KeyStore } from './keystore.js';

export const KEY_FILES = {
  issuerPublic: 'issuer-public.json',
  issuerPrivate: 'issuer-private.json',
  mac: 'mac-master.json',
  auth: 'auth-master.json',
} as const;

const MASTER_KEY_LENGTH = 32;
const versionKey = z.string().regex(/^\d+$/, 'key versions are whole numbers').transform(Number).pipe(z.number().int().min(1).max(254));
const hexKey = (bytes: number) => z.string().regex(new RegExp(`^[0-9A-Fa-f]{${bytes * 2}}$`), `${bytes} bytes of hex`);

const publicFile = z.strictObject({ format: z.literal('fa-issuer-public/1'), keys: z.record(versionKey, hexKey(32)) });
const masterFile = z.strictObject({
  format: z.literal('fa-master-keys/1'),
  purpose: z.enum(['mac', 'auth']),
  current: z.number().int().min(1).max(254),
  keys: z.record(versionKey, hexKey(MASTER_KEY_LENGTH)),
});
const privateFile = z.strictObject({
  format: z.literal('fa-issuer-private/1'),
  current: z.number().int().min(1).max(254),
  keys: z.record(versionKey, z.string().includes('PRIVATE KEY')),
});

/** A terminal's key store from `dir`: issuer public keys, MAC and auth master keys. */
export function createFileKeyStore(dir: string): KeyStore {
  const pub = loadJson(join(dir, KEY_FILES.issuerPublic), publicFile, false);
  const mac = loadJson(join(dir, KEY_FILES.mac), masterFile, true);
  const auth = loadJson(join(dir, KEY_FILES.auth), masterFile, true);
  return createMemoryKeyStore({
    issuerPublicKeys: new Map(Object.entries(pub.keys).map(([v, k]) => [Number(v), ed25519PublicKey(Buffer.from(k, 'hex'))])),
    macMasterKeys: masterMap(mac),
    authMasterKeys: masterMap(auth),
    currentMacKeyVersion: mac.current,
    currentAuthKeyVersion: auth.current,
  });
}

/** The issuer signing key from `dir` (office and development only; terminals never hold it). */
export function createFileIssuerSigner(dir: string): IssuerSigner {
  const file = loadJson(join(dir, KEY_FILES.issuerPrivate), privateFile, true);
  const pem = file.keys[file.current];
  if (pem === undefined) throw new UnknownKeyVersionError('issuer', file.current);
  return createIssuerSigner(createPrivateKey(pem), file.current);
}

export function createIssuerSigner(privateKey: KeyObject, keyVersion: number): IssuerSigner {
  const publicKey = createPublicKey(privateKey);
  return { keyVersion, publicKey, sign: (message) => new Uint8Array(sign(null, message, privateKey)) };
}

/**
 * Creates the development key set in `dir` (version 1 of everything) unless it is there
 * already. For `fa card issue` and the demo; production keys come from the office.
 */
export function generateDevKeys(dir: string): { created: boolean } {
  if (Object.values(KEY_FILES).every((f) => existsSync(join(dir, f)))) return { created: false };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeSecret(join(dir, KEY_FILES.issuerPrivate), {
    format: 'fa-issuer-private/1',
    current: 1,
    keys: { 1: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() },
  });
  writeSecret(join(dir, KEY_FILES.issuerPublic), { format: 'fa-issuer-public/1', keys: { 1: hex(rawPublicKey(publicKey)) } });
  for (const purpose of ['mac', 'auth'] as const) {
    writeSecret(join(dir, KEY_FILES[purpose]), { format: 'fa-master-keys/1', purpose, current: 1, keys: { 1: hex(randomBytes(MASTER_KEY_LENGTH)) } });
  }
  return { created: true };
}

/**
 * Adds a new master key version and makes it current. Slots are re-MACed under it as cards
 * are used; cards keep their write key's version until reissued (see docs/card-format.md).
 */
export function rotateMasterKey(dir: string, purpose: 'mac' | 'auth'): number {
  const path = join(dir, KEY_FILES[purpose]);
  const file = loadJson(path, masterFile, true);
  const version = Math.max(0, ...Object.keys(file.keys).map(Number)) + 1;
  if (version > 254) throw new KeyStoreError(`${path}: no key version left (254 used)`);
  writeSecret(path, { ...file, current: version, keys: { ...file.keys, [version]: hex(randomBytes(MASTER_KEY_LENGTH)) } });
  return version;
}

/** Adds a new issuer key pair (private and public files) and makes it current; returns its version. */
export function rotateIssuerKey(dir: string): number {
  const privPath = join(dir, KEY_FILES.issuerPrivate);
  const pubPath = join(dir, KEY_FILES.issuerPublic);
  const priv = loadJson(privPath, privateFile, true);
  const pub = loadJson(pubPath, publicFile, false);
  const version = Math.max(0, ...Object.keys(priv.keys).map(Number), ...Object.keys(pub.keys).map(Number)) + 1;
  if (version > 254) throw new KeyStoreError(`${privPath}: no key version left (254 used)`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeSecret(pubPath, { ...pub, keys: { ...pub.keys, [version]: hex(rawPublicKey(publicKey)) } });
  writeSecret(privPath, { ...priv, current: version, keys: { ...priv.keys, [version]: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() } });
  return version;
}

function masterMap(file: z.output<typeof masterFile>): Map<number, Uint8Array> {
  return new Map(Object.entries(file.keys).map(([v, k]) => [Number(v), new Uint8Array(Buffer.from(k, 'hex'))]));
}

function loadJson<T extends z.ZodType>(path: string, schema: T, secret: boolean): z.output<T> {
  let text: string;
  try {
    if (secret) refuseOpenPermissions(path);
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    if (cause instanceof KeyStoreError) throw cause;
    throw new KeyStoreError(`cannot read key file ${path}: ${(cause as Error).message}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new KeyStoreError(`key file ${path} is not JSON`, { cause });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new KeyStoreError(`key file ${path} is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

function refuseOpenPermissions(path: string): void {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new KeyStoreError(
      `key file ${path} is readable or writable by group or others (mode ${mode.toString(8).padStart(3, '0')}); ` +
        `only the service's user may hold it: run "chmod 600 ${path}"`,
    );
  }
}

/** Writes a new version of a secret file atomically, never world-readable even for a moment. */
function writeSecret(path: string, content: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'w' });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}
