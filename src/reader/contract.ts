import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authCryptogram, CHALLENGE_LENGTH } from './auth-cryptogram.js';
import type { CardChannel } from './channel.js';
import { blankCardImage, type CardBehaviour, type CardImage, type FaultPlan } from './emulator/index.js';
import { CardRemovedError } from './errors.js';
import { fromHex, SW_OK, toHex, transceive, type Command } from './iso7816.js';

/**
 * The `CardChannel` contract: one test body run against every way of reaching a card (the
 * in-process emulator, the emulator behind pcscd + vpcd, ...). Test-support code: it imports
 * vitest and is imported only by test files.
 */
export interface ChannelUnderTest {
  readonly channel: CardChannel;
  /** The card behind the channel, to inspect its content and switch its behaviour. */
  readonly card: CardUnderTest;
  /** Takes the card out of the field the way this implementation's reader would see it go. */
  removeCard(): Promise<void>;
  teardown(): Promise<void>;
}

/**
 * What the contract needs of the card behind a channel: an emulated card in this thread, or one
 * held on another thread, whose answers are promises.
 */
export interface CardUnderTest {
  readonly atr: Uint8Array;
  image(): CardImage | Promise<CardImage>;
  setFaults(plan: FaultPlan | null): void | Promise<void>;
  setBehaviour(behaviour: CardBehaviour): void | Promise<void>;
}

/** Application of the contract card, and the key its write-protected EF needs. */
export const CONTRACT_AID = fromHex('F04641434F4E5452');
export const CONTRACT_KEY_REF = 1;
export const CONTRACT_KEY = fromHex('000102030405060708090A0B0C0D0E0F');
/** EF 0101, SFI 1: 200 bytes readable and writable by anyone, filled with 00 01 02 ... */
export const OPEN_EF = { fid: 0x0101, sfi: 1, size: 200 } as const;
/** EF 0102, SFI 2: 32 bytes readable by anyone, writable after EXTERNAL AUTHENTICATE with key 1. */
export const GUARDED_EF = { fid: 0x0102, sfi: 2, size: 32 } as const;

/** The card every implementation is tested with; `setup` loads it into a fresh emulated card. */
export function contractCardImage(): CardImage {
  const image = blankCardImage({
    aid: CONTRACT_AID,
    label: 'card-channel-contract',
    keys: [{ ref: CONTRACT_KEY_REF, key: CONTRACT_KEY }],
    files: [
      { ...OPEN_EF, read: 'always', update: 'always' },
      { ...GUARDED_EF, read: 'always', update: { auth: CONTRACT_KEY_REF } },
    ],
  });
  const open = image.applications[0]?.files[0];
  if (open !== undefined) open.data = toHex(Uint8Array.from({ length: OPEN_EF.size }, (_, i) => i & 0xff));
  return image;
}

const SELECT_APP: Command = { ins: 0xa4, p1: 0x04, p2: 0x0c, data: CONTRACT_AID };
/** READ BINARY with a short EF identifier: P1 = 1000 0sss, P2 = offset. */
const readSfi = (sfi: number, offset: number, le: number): Command => ({ ins: 0xb0, p1: 0x80 | sfi, p2: offset, le });
const updateSfi = (sfi: number, offset: number, data: Uint8Array): Command => ({ ins: 0xd6, p1: 0x80 | sfi, p2: offset, data });
const efBytes = async (card: CardUnderTest, fid: number): Promise<Uint8Array> =>
  fromHex((await card.image()).applications[0]?.files.find((f) => f.fid === fid)?.data ?? '');

export function describeCardChannelContract(name: string, setup: () => Promise<ChannelUnderTest>): void {
  describe(`CardChannel contract: ${name}`, () => {
    let under: ChannelUnderTest;
    beforeEach(async () => {
      under = await setup();
    });
    afterEach(async () => {
      await under.teardown();
    });

    it('hands out the ATR of the card it reaches and names its reader', () => {
      expect(toHex(under.channel.atr)).toBe(toHex(under.card.atr));
      expect(under.channel.readerName.length).toBeGreaterThan(0);
    });

    it('selects the application by its AID', async () => {
      const res = await transceive(under.channel, SELECT_APP);
      expect(res.sw).toBe(SW_OK);
    });

    it('reads an EF by short identifier at an offset', async () => {
      await transceive(under.channel, SELECT_APP);
      const res = await transceive(under.channel, readSfi(OPEN_EF.sfi, 10, 5));
      expect(res.sw).toBe(SW_OK);
      expect(toHex(res.data)).toBe('0A0B0C0D0E');
    });

    it('writes an EF by short identifier, and the card keeps what was written', async () => {
      await transceive(under.channel, SELECT_APP);
      const written = fromHex('CAFEBABE');
      expect((await transceive(under.channel, updateSfi(OPEN_EF.sfi, 4, written))).sw).toBe(SW_OK);
      const back = await transceive(under.channel, readSfi(OPEN_EF.sfi, 4, 4));
      expect(toHex(back.data)).toBe('CAFEBABE');
      expect(toHex((await efBytes(under.card, OPEN_EF.fid)).subarray(4, 8))).toBe('CAFEBABE');
    });

    it('refuses a protected write until GET CHALLENGE and EXTERNAL AUTHENTICATE succeed', async () => {
      await transceive(under.channel, SELECT_APP);
      const data = fromHex('0102030405');
      expect((await transceive(under.channel, updateSfi(GUARDED_EF.sfi, 0, data))).sw).toBe(0x6982);
      const challenge = await transceive(under.channel, { ins: 0x84, p1: 0, p2: 0, le: CHALLENGE_LENGTH });
      expect(challenge.sw).toBe(SW_OK);
      expect(challenge.data.length).toBe(CHALLENGE_LENGTH);
      const cryptogram = authCryptogram(CONTRACT_KEY, challenge.data);
      const auth = await transceive(under.channel, { ins: 0x82, p1: 0, p2: CONTRACT_KEY_REF, data: cryptogram });
      expect(auth.sw).toBe(SW_OK);
      expect((await transceive(under.channel, updateSfi(GUARDED_EF.sfi, 0, data))).sw).toBe(SW_OK);
      expect(toHex((await efBytes(under.card, GUARDED_EF.fid)).subarray(0, 5))).toBe('0102030405');
    });

    it('rejects a wrong cryptogram with a failing status word, not an exception', async () => {
      await transceive(under.channel, SELECT_APP);
      await transceive(under.channel, { ins: 0x84, p1: 0, p2: 0, le: CHALLENGE_LENGTH });
      const auth = await transceive(under.channel, { ins: 0x82, p1: 0, p2: CONTRACT_KEY_REF, data: new Uint8Array(16) });
      expect(auth.sw).not.toBe(SW_OK);
      expect(auth.sw >> 8).toBe(0x63);
    });

    it('answers a failing status word for an application the card does not hold', async () => {
      const res = await transceive(under.channel, { ...SELECT_APP, data: fromHex('F0FFFFFFFF') });
      expect(res.sw).toBe(0x6a82);
      expect(res.data.length).toBe(0);
    });

    it('collects a 61xx answer through GET RESPONSE', async () => {
      await under.card.setBehaviour({ chainResponses: 64 });
      await transceive(under.channel, SELECT_APP);
      const res = await transceive(under.channel, readSfi(OPEN_EF.sfi, 0, 200));
      expect(res.sw).toBe(SW_OK);
      expect(toHex(res.data)).toBe(toHex(await efBytes(under.card, OPEN_EF.fid)));
    });

    it('repeats a command with the Le a 6Cxx answer asks for', async () => {
      await under.card.setBehaviour({ wrongLeAs6C: true });
      await transceive(under.channel, SELECT_APP);
      const res = await transceive(under.channel, readSfi(OPEN_EF.sfi, 190, 50));
      expect(res.sw).toBe(SW_OK);
      expect(toHex(res.data)).toBe('BEBFC0C1C2C3C4C5C6C7');
    });

    it('fails with CardRemovedError once the card is taken away', async () => {
      await transceive(under.channel, SELECT_APP);
      await under.removeCard();
      await expect(under.channel.transmit(fromHex('00A4040C08F04641434F4E5452'))).rejects.toBeInstanceOf(CardRemovedError);
    });

    it('fails with CardRemovedError when the card is torn away during a command', async () => {
      await transceive(under.channel, SELECT_APP);
      await under.card.setFaults({ tearAfterApdus: 0 });
      await expect(under.channel.transmit(fromHex('00B0810004'))).rejects.toBeInstanceOf(CardRemovedError);
      await expect(under.channel.transmit(fromHex('00B0810004'))).rejects.toBeInstanceOf(CardRemovedError);
    });
  });
}
