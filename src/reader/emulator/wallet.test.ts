import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CardRemovedError } from '../errors.js';
import { CardImageError } from './image.js';
import { WalletError, openWallet } from './wallet.js';
import { KEY_1, SELECT_APP, authenticate, fixtureImage, send } from './test-fixture.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fa-wallet-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('wallet', () => {
  it('saves, lists, loads and removes cards by name', () => {
    const wallet = openWallet(join(dir, 'cards'));
    expect(wallet.list()).toEqual([]);
    wallet.save('taro', fixtureImage());
    wallet.save('hanako', { ...fixtureImage(), label: 'second' });
    expect(wallet.list()).toEqual(['hanako', 'taro']);
    expect(wallet.load('taro')).toEqual(fixtureImage());
    expect(wallet.path('taro')).toBe(join(dir, 'cards', 'taro.card.json'));
    expect(statSync(wallet.path('taro')).mode & 0o777).toBe(0o600);
    wallet.remove('taro');
    expect(wallet.list()).toEqual(['hanako']);
    expect(() => wallet.remove('taro')).toThrow(WalletError);
  });

  it('lists only card files, not temp files or anything else', () => {
    const wallet = openWallet(dir);
    wallet.save('taro', fixtureImage());
    writeFileSync(join(dir, '.taro.card.json.123.tmp'), '{"half');
    writeFileSync(join(dir, 'notes.txt'), 'x');
    expect(wallet.list()).toEqual(['taro']);
  });

  it('says which card is missing and which file is invalid, listing every issue', () => {
    const wallet = openWallet(dir);
    expect(() => wallet.load('nobody')).toThrow(/no card "nobody"/);
    writeFileSync(wallet.path('broken'), '{');
    expect(() => wallet.load('broken')).toThrow(/broken\.card\.json: not JSON/);
    writeFileSync(wallet.path('wrong'), JSON.stringify({ ...fixtureImage(), atr: 'x', format: 'v0' }));
    const error = (() => {
      try {
        wallet.load('wrong');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CardImageError);
    const issues = (error as CardImageError).issues.join('\n');
    expect(issues).toMatch(/wrong\.card\.json: format: /);
    expect(issues).toMatch(/wrong\.card\.json: atr: /);
  });

  it('refuses names that are not plain file names and images that are invalid', () => {
    const wallet = openWallet(dir);
    expect(() => wallet.save('../escape', fixtureImage())).toThrow(WalletError);
    expect(() => wallet.save('.hidden', fixtureImage())).toThrow(WalletError);
    expect(() => wallet.save('ok', { ...fixtureImage(), atr: '' })).toThrow(CardImageError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('persists every write of a card loaded from it, a torn partial write included', async () => {
    const wallet = openWallet(dir);
    wallet.save('taro', fixtureImage());
    const card = wallet.loadCard('taro');
    card.powerOn();
    await send(card, SELECT_APP);
    await authenticate(card, 1, KEY_1);
    await send(card, '00D6820002CAFE');
    expect(wallet.load('taro').applications[0]?.files[1]?.data.slice(0, 4)).toBe('CAFE');
    card.setFaults({ tearAfterBytes: 2 });
    await expect(send(card, '00D682000412345678')).rejects.toBeInstanceOf(CardRemovedError);
    expect(wallet.load('taro').applications[0]?.files[1]?.data.slice(0, 8)).toBe('12340000');
  });
});

describe('wallet save under kill -9', () => {
  it('always leaves the old or the new image, never half a file', async () => {
    const code = join(dir, 'code');
    transpileReaderLayer(code);
    const walletDir = join(dir, 'wallet');
    for (let round = 0; round < 4; round++) {
      await killWhileSaving(code, walletDir, 5 + round * 15);
      const wallet = openWallet(walletDir);
      expect(wallet.list()).toEqual(['card']);
      const fills = new Set(wallet.load('card').applications[0]?.files.map((f) => f.data.slice(0, 2)));
      expect([['AA'], ['BB']]).toContainEqual([...fills]);
    }
  });
});

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '../../..');

/** The child process runs compiled JavaScript, as a device does, so the reader layer is transpiled first. */
function transpileReaderLayer(out: string): void {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  for (const file of walk(resolve(here, '..')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const target = join(out, relative(projectRoot, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    const js = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(target, js);
  }
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  symlinkSync(join(projectRoot, 'node_modules'), join(out, 'node_modules'));
  writeFileSync(
    join(out, 'saver.js'),
    `import { blankCardImage } from './src/reader/emulator/blank-image.js';
import { openWallet } from './src/reader/emulator/wallet.js';
const wallet = openWallet(process.argv[2]);
const files = Array.from({ length: 8 }, (_, i) => ({ fid: 0x100 + i, size: 32000, read: 'always', update: 'always' }));
const blank = blankCardImage({ aid: Uint8Array.of(0xf0, 1, 2, 3, 4), keys: [], files });
const filled = (byte) => ({ ...blank, applications: blank.applications.map((a) => ({ ...a, files: a.files.map((f) => ({ ...f, data: byte.repeat(f.size) })) })) });
const images = [filled('AA'), filled('BB')];
wallet.save('card', images[0]);
process.stdout.write('ready\\n');
for (let i = 1; ; i++) wallet.save('card', images[i % 2]);
`,
  );
}

async function killWhileSaving(code: string, walletDir: string, afterMs: number): Promise<void> {
  const child = spawn(process.execPath, [join(code, 'saver.js'), walletDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ready, fail) => {
    child.stdout.once('data', () => ready());
    child.once('exit', (status) => fail(new Error(`saver exited early with ${status}`)));
  });
  await new Promise((r) => setTimeout(r, afterMs));
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
