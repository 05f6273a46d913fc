import { describe, expect, it } from 'vitest';
import { CardRemovedError } from '../errors.js';
import { fromHex, toHex, transceive } from '../iso7816.js';
import { createEmulatedCard } from './card.js';
import { createEmulatorChannel } from './channel.js';
import { AID, SELECT_APP, fixtureImage, send } from './test-fixture.js';

const HEADER = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
const select = { ins: 0xa4, p1: 0x04, p2: 0x0c, data: AID };

describe('emulator channel', () => {
  it('powers the card when created and carries its ATR and reader name', async () => {
    const card = createEmulatedCard(fixtureImage());
    const channel = createEmulatorChannel(card, 'Emulated Reader 0');
    expect(channel.readerName).toBe('Emulated Reader 0');
    expect(toHex(channel.atr)).toBe(toHex(card.atr));
    expect(card.present).toBe(true);
    expect((await transceive(channel, select)).sw).toBe(0x9000);
  });

  it('delivers a 256-byte read through 61xx and GET RESPONSE when the card chains its answers', async () => {
    const card = createEmulatedCard(fixtureImage(), { chainResponses: 32 });
    const channel = createEmulatorChannel(card, 'r');
    await transceive(channel, select);
    const res = await transceive(channel, { ins: 0xb0, p1: 0x81, p2: 0, le: 256 });
    expect(res.sw).toBe(0x9000);
    expect(toHex(res.data)).toBe(toHex(HEADER.subarray(0, 256)));
    expect(card.stats.apdus).toBe(1 + 1 + 256 / 32);
  });

  it('keeps 6282 as the final status of a chained read that ran past the end', async () => {
    const card = createEmulatedCard(fixtureImage(), { chainResponses: 16 });
    const channel = createEmulatorChannel(card, 'r');
    await transceive(channel, select);
    const res = await transceive(channel, { ins: 0xb0, p1: 0x81, p2: 0xf0, le: 100 });
    expect(res).toEqual({ data: HEADER.slice(0xf0), sw: 0x6282 });
  });

  it('chains the FCI of a SELECT as well', async () => {
    const card = createEmulatedCard(fixtureImage(), { chainResponses: 4 });
    const res = await transceive(createEmulatorChannel(card, 'r'), { ...select, p2: 0x00, le: 256 });
    expect(toHex(res.data)).toBe(`6F098407${toHex(AID)}`);
  });

  it('answers 6Cxx to a READ whose Le is too long, which transceive repeats with the right Le', async () => {
    const card = createEmulatedCard(fixtureImage(), { wrongLeAs6C: true });
    const channel = createEmulatorChannel(card, 'r');
    await transceive(channel, select);
    expect((await send(card, '00B0820000')).sw).toBe(0x6c40);
    const res = await transceive(channel, { ins: 0xb0, p1: 0x82, p2: 0, le: 256 });
    expect(res).toEqual({ data: new Uint8Array(64), sw: 0x9000 });
  });

  it('answers 6C08 to GET CHALLENGE with a wrong Le when told to', async () => {
    const card = createEmulatedCard(fixtureImage(), { wrongLeAs6C: true, random: () => fromHex('1122334455667788') });
    const res = await transceive(createEmulatorChannel(card, 'r'), { ins: 0x84, p1: 0, p2: 0, le: 256 });
    expect(res).toEqual({ data: fromHex('1122334455667788'), sw: 0x9000 });
  });

  it('combines 6Cxx and 61xx, and GET RESPONSE with a long Le gets 6Cxx too', async () => {
    const card = createEmulatedCard(fixtureImage(), { chainResponses: 40, wrongLeAs6C: true });
    const channel = createEmulatorChannel(card, 'r');
    await transceive(channel, select);
    const res = await transceive(channel, { ins: 0xb0, p1: 0x82, p2: 0x10, le: 256 });
    expect(res).toEqual({ data: new Uint8Array(48), sw: 0x9000 });
    expect((await send(card, '00B0820030')).sw).toBe(0x6128);
    expect((await send(card, '00C0000040')).sw).toBe(0x6c30);
    expect((await send(card, '00C0000030')).sw).toBe(0x9000);
  });

  it('drops the bytes announced by 61xx when another command comes first', async () => {
    const card = createEmulatedCard(fixtureImage());
    card.setBehaviour({ chainResponses: 8 });
    const channel = createEmulatorChannel(card, 'r');
    await send(card, SELECT_APP);
    expect((await send(card, '00B0810010')).sw).toBe(0x6108);
    await send(card, '00A4020C020101');
    expect((await send(card, '00C0000008')).sw).toBe(0x6985);
    expect((await transceive(channel, { ins: 0xb0, p1: 0, p2: 0, le: 8 })).data).toEqual(HEADER.slice(0, 8));
  });

  it('rejects with CardRemovedError after the card was powered off', async () => {
    const card = createEmulatedCard(fixtureImage());
    const channel = createEmulatorChannel(card, 'r');
    card.powerOff();
    await expect(transceive(channel, select)).rejects.toBeInstanceOf(CardRemovedError);
  });
});
