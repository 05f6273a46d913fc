import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createFileIssuerSigner, createFileKeyStore, generateDevKeys, KEY_FILES, type IssuerSigner, type KeyStore } from '../free-area/index.js';

/**
 * The terminal's keys. With emulated readers, development keys are created on first start
 * (and their issuer key signs the demo wallet); with real readers the keys must come from the
 * office, and their absence is an error that says so.
 */
export function loadTerminalKeys(dir: string, emulated: boolean): { keys: KeyStore; devSigner: IssuerSigner | null; created: boolean } {
  let created = false;
  const terminalKeys = [KEY_FILES.issuerPublic, KEY_FILES.mac, KEY_FILES.auth].filter((f) => existsSync(join(dir, f)));
  // Development keys only where there are none: a terminal given the office's public and shared
  // keys (and no signing key) keeps them.
  if (emulated && terminalKeys.length === 0) created = generateDevKeys(dir).created;
  else if (terminalKeys.length < 3) {
    throw new Error(`no terminal keys in ${dir}: install the key files the office issued for this terminal (${KEY_FILES.issuerPublic}, ${KEY_FILES.mac}, ${KEY_FILES.auth}), mode 0600`);
  }
  const devSigner = emulated && existsSync(join(dir, KEY_FILES.issuerPrivate)) ? createFileIssuerSigner(dir) : null;
  return { keys: createFileKeyStore(dir), devSigner, created };
}
