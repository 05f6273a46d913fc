import { describe, expect, it } from 'vitest';
import { authCryptogram } from '../auth-cryptogram.js';
import { toHex } from '../iso7816.js';
import { createEmulatedCard } from './card.js';
import { KEY_1, KEY_2, SELECT_APP, authenticate, fixtureImage, send } from './test-fixture.js';

const counter = (n: number) => Uint8Array.from({ length: n }, (_, i) => i + 1);

async function selectedCard() {
  const card = createEmulatedCard(fixtureImage(), { random: counter });
  card.powerOn();
  await send(card, SELECT_APP);
  return card;
}

const WRITE_EF2 = '00D6820002CAFE';

describe('GET CHALLENGE', () => {
  it('answers 8 bytes from the injected random source', async () => {
    expect(await send(await selectedCard(), '0084000008')).toEqual({ data: '0102030405060708', sw: 0x9000 });
  });

  it('answers 6700 to an Le other than 8 and 6A86 to nonzero P1-P2', async () => {
    const card = await selectedCard();
    expect((await send(card, '0084000010')).sw).toBe(0x6700);
    expect((await send(card, '00840000')).sw).toBe(0x6700);
    expect((await send(card, '0084010008')).sw).toBe(0x6a86);
  });
});

describe('EXTERNAL AUTHENTICATE and access conditions', () => {
  it('refuses an update before authentication and accepts it after', async () => {
    const card = await selectedCard();
    expect((await send(card, WRITE_EF2)).sw).toBe(0x6982);
    expect((await authenticate(card, 1, KEY_1)).sw).toBe(0x9000);
    expect((await send(card, WRITE_EF2)).sw).toBe(0x9000);
    expect(await send(card, '00B0820002')).toEqual({ data: 'CAFE', sw: 0x9000 });
  });

  it('accepts the key reference with bit 8 set as the DF-specific form', async () => {
    const card = await selectedCard();
    expect((await authenticate(card, 0x81, KEY_1)).sw).toBe(0x9000);
    expect((await send(card, WRITE_EF2)).sw).toBe(0x9000);
  });

  it('answers 6300 to a wrong cryptogram for a key without a retry counter', async () => {
    const card = await selectedCard();
    expect((await authenticate(card, 1, KEY_2)).sw).toBe(0x6300);
    expect((await send(card, WRITE_EF2)).sw).toBe(0x6982);
  });

  it('counts down 63Cx on a key with a retry counter, blocks it at zero and persists the counter', async () => {
    const counters: number[] = [];
    const card = createEmulatedCard(fixtureImage(), { onWrite: (img) => counters.push(img.applications[0]?.keys[1]?.tries?.left ?? -1) });
    card.powerOn();
    await send(card, SELECT_APP);
    expect((await authenticate(card, 2, KEY_1)).sw).toBe(0x63c2);
    expect((await authenticate(card, 2, KEY_2)).sw).toBe(0x9000);
    expect(counters).toEqual([2, 3]);
    for (const sw of [0x63c2, 0x63c1, 0x63c0]) expect((await authenticate(card, 2, KEY_1)).sw).toBe(sw);
    expect((await authenticate(card, 2, KEY_2)).sw).toBe(0x6983);
    expect(card.image().applications[0]?.keys[1]?.tries).toEqual({ max: 3, left: 0 });
  });

  it('answers 6985 without a challenge and uses each challenge once', async () => {
    const card = await selectedCard();
    const cryptogram = toHex(authCryptogram(KEY_1, counter(8)));
    expect((await send(card, `0082000110${cryptogram}`)).sw).toBe(0x6985);
    await send(card, '0084000008');
    expect((await send(card, `0082000110${cryptogram}`)).sw).toBe(0x9000);
    expect((await send(card, `0082000110${cryptogram}`)).sw).toBe(0x6985);
  });

  it('answers 6A88 for an unknown key, 6700 for a cryptogram that is not 16 bytes and 6A86 for P1 other than 00', async () => {
    const card = await selectedCard();
    await send(card, '0084000008');
    expect((await send(card, `0082000910${'00'.repeat(16)}`)).sw).toBe(0x6a88);
    expect((await send(card, `0082000108${'00'.repeat(8)}`)).sw).toBe(0x6700);
    expect((await send(card, `0082010110${'00'.repeat(16)}`)).sw).toBe(0x6a86);
  });

  it('forgets the authentication on power off', async () => {
    const card = await selectedCard();
    await authenticate(card, 1, KEY_1);
    card.powerOff();
    card.powerOn();
    await send(card, SELECT_APP);
    expect((await send(card, WRITE_EF2)).sw).toBe(0x6982);
  });

  it('forgets the authentication when the DF is selected again, but keeps it across EF selection', async () => {
    const card = await selectedCard();
    await authenticate(card, 1, KEY_1);
    await send(card, '00A4020C020101');
    expect((await send(card, WRITE_EF2)).sw).toBe(0x9000);
    await send(card, SELECT_APP);
    expect((await send(card, WRITE_EF2)).sw).toBe(0x6982);
  });

  it('reads an EF whose read condition names a key once that key is authenticated', async () => {
    const card = await selectedCard();
    await send(card, '00A4020C020103');
    expect((await authenticate(card, 2, KEY_2)).sw).toBe(0x9000);
    expect(await send(card, '00B0000002')).toEqual({ data: '0000', sw: 0x9000 });
  });
});
