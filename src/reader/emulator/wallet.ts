import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createEmulatedCard, type EmulatedCard, type EmulatedCardOptions } from './card.js';
import { CardImageError, parseCardImage, type CardImage } from './image.js';

const SUFFIX = '.card.json';
/** Card names become file names: no separators, no leading dot (temp files start with one). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** A directory of card images, one `<name>.card.json` per card. */
export interface Wallet {
  readonly dir: string;
  /** Names of the cards in the wallet, sorted. */
  list(): string[];
  /** Reads and validates one image; throws `WalletError` if absent, `CardImageError` if invalid. */
  load(name: string): CardImage;
  /** Validates and writes an image atomically: temp file, fsync, rename, fsync of the directory. */
  save(name: string, image: CardImage): void;
  path(name: string): string;
  remove(name: string): void;
  /** An emulated card that saves itself to the wallet after every write, torn ones included. */
  loadCard(name: string, options?: EmulatedCardOptions): EmulatedCard;
}

export class WalletError extends Error {
  override readonly name = 'WalletError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function openWallet(dir: string): Wallet {
  const path = (name: string): string => {
    if (!NAME.test(name)) throw new WalletError(`"${name}" is not a card name: use letters, digits, '.', '_' and '-'`);
    return join(dir, `${name}${SUFFIX}`);
  };

  const load = (name: string): CardImage => {
    const file = path(name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      throw new WalletError(`no card "${name}" in wallet ${dir} (${file})`, { cause });
    }
    try {
      return parseCardImage(JSON.parse(text));
    } catch (cause) {
      const issues = cause instanceof CardImageError ? cause.issues : [`not JSON: ${(cause as Error).message}`];
      throw new CardImageError(issues.map((i) => `${file}: ${i}`), { cause });
    }
  };

  const save = (name: string, image: CardImage): void => {
    const file = path(name);
    const text = `${JSON.stringify(parseCardImage(image), null, 2)}\n`;
    mkdirSync(dir, { recursive: true });
    writeAtomically(dir, file, `.${name}${SUFFIX}.${process.pid}.tmp`, text);
  };

  return {
    dir,
    path,
    load,
    save,
    list: () => listNames(dir),
    remove(name) {
      try {
        unlinkSync(path(name));
      } catch (cause) {
        throw new WalletError(`cannot remove card "${name}" from wallet ${dir}`, { cause });
      }
    },
    loadCard(name, options = {}) {
      return createEmulatedCard(load(name), {
        ...options,
        onWrite: (image) => {
          save(name, image);
          options.onWrite?.(image);
        },
      });
    },
  };
}

function listNames(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new WalletError(`cannot list wallet ${dir}`, { cause });
  }
  return entries
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => f.slice(0, -SUFFIX.length))
    .filter((n) => NAME.test(n))
    .sort();
}

/**
 * Card images hold keys, hence mode 0600. The rename replaces the old file in one step, so a
 * crash leaves either the old or the new image; the directory fsync makes the rename durable.
 */
function writeAtomically(dir: string, file: string, tempName: string, text: string): void {
  const temp = join(dir, tempName);
  const fd = openSync(temp, 'w', 0o600);
  try {
    const bytes = Buffer.from(text, 'utf8');
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
    fsyncSync(fd);
  } catch (cause) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw new WalletError(`cannot write ${file}`, { cause });
  }
  closeSync(fd);
  renameSync(temp, file);
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
