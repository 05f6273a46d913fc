/**
 * How `fa card` commands reach a card: `--reader emulator:<card file>` opens an emulated card
 * image (saved back on every write), anything else is a PC/SC reader name. `--layout` and
 * `--keys` give the card context.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { createFileKeyStore, defaultLayout, generateDevKeys, parseLayout, type CardContext, type Layout } from '../free-area/index.js';
import type { CardChannel } from '../reader/channel.js';
import { createEmulatorChannel, openWallet } from '../reader/emulator/index.js';
import { openPcscChannel } from '../reader/pcsc.js';
import type { OptionSpec } from './command.js';
import { UsageError } from './command.js';

export const cardOptions: Record<string, OptionSpec> = {
  reader: { type: 'string', short: 'r', help: 'PC/SC reader name, or emulator:<card file> for an emulated card image', placeholder: 'name' },
  layout: { type: 'string', help: 'layout file: AID, file IDs, offsets, sizes, write authentication (default layout when omitted)', placeholder: 'file' },
  keys: { type: 'string', help: 'key directory', default: './data/keys', placeholder: 'dir' },
  timeout: { type: 'string', help: 'seconds to wait for a card on a PC/SC reader', default: '10', placeholder: 's' },
};

const CARD_SUFFIX = '.card.json';

export function loadLayout(file: string | undefined): Layout {
  return file ? parseLayout(JSON.parse(readFileSync(file, 'utf8'))) : defaultLayout();
}

/** Keys for the card context; development keys are created for emulated cards only. */
export function cardContext(values: Record<string, unknown>): CardContext {
  const dir = resolve(String(values['keys']));
  if (String(values['reader'] ?? '').startsWith('emulator:')) generateDevKeys(dir);
  return { layout: loadLayout(values['layout'] as string | undefined), keys: createFileKeyStore(dir) };
}

/** Splits `emulator:<path>.card.json` into the wallet directory and the card name. */
export function emulatorCardPath(reader: string): { dir: string; name: string } {
  const file = resolve(reader.slice('emulator:'.length));
  if (!file.endsWith(CARD_SUFFIX)) throw new UsageError(`an emulated card file ends in ${CARD_SUFFIX}: ${file}`);
  return { dir: dirname(file), name: basename(file, CARD_SUFFIX) };
}

export async function openCard(values: Record<string, unknown>): Promise<{ channel: CardChannel; close(): Promise<void> }> {
  const reader = values['reader'];
  if (typeof reader !== 'string' || reader === '') throw new UsageError('--reader is required (a PC/SC reader name from `fa card readers`, or emulator:<card file>)');
  if (reader.startsWith('emulator:')) {
    const { dir, name } = emulatorCardPath(reader);
    if (!existsSync(resolve(dir, `${name}${CARD_SUFFIX}`))) throw new Error(`no emulated card at ${resolve(dir, name + CARD_SUFFIX)} (make one with fa card issue --new-card)`);
    const card = openWallet(dir).loadCard(name);
    return { channel: createEmulatorChannel(card, reader), close: async () => card.powerOff() };
  }
  const oneShot = await openPcscChannel(reader, { timeoutMs: Number(values['timeout']) * 1000 });
  return { channel: oneShot.channel, close: () => oneShot.close() };
}
