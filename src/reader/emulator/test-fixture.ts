import { authCryptogram } from '../auth-cryptogram.js';
import { fromHex, toHex } from '../iso7816.js';
import { blankCardImage } from './blank-image.js';
import type { EmulatedCard } from './card.js';
import type { CardImage } from './image.js';

/** Shared by the emulator's own tests: a card layout exercising every access condition. */
export const AID = fromHex('F0464145000001');
export const KEY_1 = fromHex('00112233445566778899AABBCCDDEEFF');
export const KEY_2 = fromHex('0F0E0D0C0B0A09080706050403020100');

/** EF 0101 (SFI 1, 300 bytes, read-only), EF 0102 (SFI 2, update needs key 1), EF 0103 (no SFI, all needs key 2). */
export function fixtureImage(): CardImage {
  const image = blankCardImage({
    aid: AID,
    label: 'fixture',
    keys: [
      { ref: 1, key: KEY_1 },
      { ref: 2, key: KEY_2 },
    ],
    files: [
      { fid: 0x0101, sfi: 1, size: 300, read: 'always', update: 'never' },
      { fid: 0x0102, sfi: 2, size: 64, read: 'always', update: { auth: 1 } },
      { fid: 0x0103, size: 16, read: { auth: 2 }, update: { auth: 2 } },
    ],
  });
  const header = image.applications[0]?.files[0];
  if (header) header.data = toHex(Uint8Array.from({ length: 300 }, (_, i) => i & 0xff));
  const keyed = image.applications[0]?.keys[1];
  if (keyed) keyed.tries = { max: 3, left: 3 };
  return image;
}

export interface Answer {
  data: string;
  sw: number;
}

/** Sends a hex APDU and splits the answer, data as hex. */
export async function send(card: EmulatedCard, hex: string): Promise<Answer> {
  const raw = await card.process(fromHex(hex));
  return { data: toHex(raw.subarray(0, raw.length - 2)), sw: ((raw.at(-2) ?? 0) << 8) | (raw.at(-1) ?? 0) };
}

export const SELECT_APP = `00A4040C07${toHex(AID)}`;

/** GET CHALLENGE then EXTERNAL AUTHENTICATE with `key` under reference `ref`; returns the final answer. */
export async function authenticate(card: EmulatedCard, ref: number, key: Uint8Array): Promise<Answer> {
  const challenge = await send(card, '0084000008');
  const cryptogram = toHex(authCryptogram(key, fromHex(challenge.data)));
  return send(card, `008200${ref.toString(16).padStart(2, '0')}10${cryptogram}`);
}
