/**
 * Installation on an emulated card: the DF with our AID, the EFs of the layout (readable
 * always, writable after write authentication), the card's diversified write key, and the
 * header with the new card ID. On a real card J-LIS loads DF, EFs and key; `installApplication`
 * in `issue.ts` then writes the header.
 */
import { blankCardImage, type CardImage } from '../reader/emulator/index.js';
import { toHex } from '../reader/iso7816.js';
import { encodeHeader } from './codec.js';
import { CARD_ID_LENGTH, FORMAT_VERSION } from './format.js';
import type { KeyStore } from './keystore.js';
import { aidBytes, areaSize, headerRegion, type Layout } from './layout.js';

export interface BlankCardOptions {
  readonly label?: string;
  /** Auth master version to diversify the card's write key from; the key store's current one by default. */
  readonly authKeyVersion?: number;
}

/** A fresh random application card ID (`random` is the caller's CSPRNG: `crypto.randomBytes`). */
export function newCardId(random: (n: number) => Uint8Array): string {
  const bytes = random(CARD_ID_LENGTH);
  if (bytes.length !== CARD_ID_LENGTH) throw new RangeError(`need ${CARD_ID_LENGTH} random bytes`);
  return toHex(bytes);
}

export function blankCardForLayout(layout: Layout, keys: KeyStore, cardId: string, options: BlankCardOptions = {}): CardImage {
  const authKeyVersion = options.authKeyVersion ?? keys.currentAuthKeyVersion;
  const auth = layout.writeAuth;
  const image = blankCardImage({
    aid: aidBytes(layout),
    files: layout.files.map((f) => ({
      fid: f.fid,
      ...(f.sfi === undefined ? {} : { sfi: f.sfi }),
      size: f.size,
      read: 'always' as const,
      update: auth.scheme === 'none' ? ('always' as const) : { auth: auth.keyRef },
    })),
    keys: auth.scheme === 'none' ? [] : [{ ref: auth.keyRef, key: keys.authKeyFor(cardId, authKeyVersion) }],
    ...(options.label === undefined ? {} : { label: options.label }),
  });
  const header = encodeHeader({ formatVersion: FORMAT_VERSION, cardId: cardId.toUpperCase(), programmeCount: 0, areaSize: areaSize(layout), authKeyVersion });
  return withBytes(image, layout, headerRegion(layout).file.fid, layout.header.offset, header);
}

function withBytes(image: CardImage, layout: Layout, fid: number, offset: number, bytes: Uint8Array): CardImage {
  const aid = layout.aid;
  return {
    ...image,
    applications: image.applications.map((app) =>
      app.aid.toUpperCase() !== aid
        ? app
        : {
            ...app,
            files: app.files.map((f) =>
              f.fid !== fid ? f : { ...f, data: f.data.slice(0, offset * 2) + toHex(bytes) + f.data.slice((offset + bytes.length) * 2) },
            ),
          },
    ),
  };
}
