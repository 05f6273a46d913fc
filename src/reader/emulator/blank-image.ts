import { toHex } from '../iso7816.js';
import { CARD_IMAGE_FORMAT, parseCardImage, type Access, type CardImage } from './image.js';

/**
 * ATR of an emulated card: TS=3B (direct convention), T0=86 (TD1 follows, 6 historical
 * bytes), TD1=01 (T=1), historical bytes "FA-EMU", TCK=F0 (XOR of T0..last historical byte).
 */
export const DEFAULT_ATR = '3B860146412D454D55F0';

export interface BlankFileSpec {
  fid: number;
  sfi?: number;
  size: number;
  read: Access;
  update: Access;
}

export interface BlankCardOptions {
  aid: Uint8Array;
  files: readonly BlankFileSpec[];
  keys: ReadonlyArray<{ ref: number; key: Uint8Array }>;
  atr?: Uint8Array;
  label?: string;
}

/**
 * A card with one application whose EFs are all zero bytes: the layout someone else (the
 * free-area code) decided, on a fresh card. Throws `CardImageError` if the layout is invalid.
 */
export function blankCardImage(opts: BlankCardOptions): CardImage {
  return parseCardImage({
    format: CARD_IMAGE_FORMAT,
    ...(opts.label === undefined ? {} : { label: opts.label }),
    atr: opts.atr === undefined ? DEFAULT_ATR : toHex(opts.atr),
    applications: [
      {
        aid: toHex(opts.aid),
        keys: opts.keys.map((k) => ({ ref: k.ref, key: toHex(k.key) })),
        files: opts.files.map((f) => ({
          fid: f.fid,
          ...(f.sfi === undefined ? {} : { sfi: f.sfi }),
          size: f.size,
          read: f.read,
          update: f.update,
          data: '00'.repeat(f.size),
        })),
      },
    ],
  });
}
