import { mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDevKeys, KEY_FILES } from '../free-area/index.js';
import { loadTerminalKeys } from './keys.js';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'fa-keys-'));
  dirs.push(d);
  return join(d, 'keys');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a terminal key directory', () => {
  it('gets development keys when it is empty and the readers are emulated', () => {
    const dir = fresh();
    const loaded = loadTerminalKeys(dir, true);
    expect(loaded.created).toBe(true);
    expect(loaded.devSigner).not.toBeNull();
  });

  it('keeps the office\'s public and shared keys when they come without the signing key', () => {
    const dir = fresh();
    generateDevKeys(dir);
    unlinkSync(join(dir, KEY_FILES.issuerPrivate));
    const before = readFileSync(join(dir, KEY_FILES.mac), 'utf8');
    const loaded = loadTerminalKeys(dir, true);
    expect(loaded.created).toBe(false);
    expect(loaded.devSigner).toBeNull();
    expect(readFileSync(join(dir, KEY_FILES.mac), 'utf8')).toBe(before);
  });

  it('refuses to run real readers without the office\'s keys, naming the files', () => {
    expect(() => loadTerminalKeys(fresh(), false)).toThrow(/issuer-public\.json.*mac-master\.json.*auth-master\.json/);
  });
});
