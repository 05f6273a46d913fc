import { describe, expect, it } from 'vitest';
import { CardIoError, CardRemovedError } from '../errors.js';
import { toHex, transceive } from '../iso7816.js';
import { createEmulatedCard, type EmulatedCardOptions } from './card.js';
import { createEmulatorChannel } from './channel.js';
import { KEY_1, SELECT_APP, authenticate, fixtureImage, send } from './test-fixture.js';

const NEW = 'A1A2A3A4A5A6A7A8';
const WRITE_NEW = `00D6820408${NEW}`;

/** A card with the application selected, key 1 authenticated and EF 0102 holding 8 bytes of 11. */
async function readyCard(options: EmulatedCardOptions = {}) {
  const card = createEmulatedCard(fixtureImage(), options);
  card.powerOn();
  await send(card, SELECT_APP);
  await authenticate(card, 1, KEY_1);
  expect((await send(card, `00D6820408${'11'.repeat(8)}`)).sw).toBe(0x9000);
  return card;
}

const ef2Bytes = (card: ReturnType<typeof createEmulatedCard>) => card.image().applications[0]?.files[1]?.data.slice(8, 24);

describe('tear after N APDUs', () => {
  it('lets N APDUs through, then rejects the next without executing it, until powered on again', async () => {
    const card = await readyCard();
    card.setFaults({ tearAfterApdus: 2 });
    expect((await send(card, '00B0820001')).sw).toBe(0x9000);
    expect((await send(card, '00B0820001')).sw).toBe(0x9000);
    const apdus = card.stats.apdus;
    await expect(send(card, WRITE_NEW)).rejects.toBeInstanceOf(CardRemovedError);
    expect(card.present).toBe(false);
    await expect(send(card, '00B0820001')).rejects.toBeInstanceOf(CardRemovedError);
    expect(card.stats.apdus).toBe(apdus);
    expect(ef2Bytes(card)).toBe('11'.repeat(8));
    card.powerOn();
    await send(card, SELECT_APP);
    expect((await send(card, '00B0820401')).sw).toBe(0x9000);
  });
});

describe('tear after N bytes of a write', () => {
  it('lands exactly the first N bytes for every N, and the card is gone afterwards', async () => {
    for (let n = 0; n <= 8; n++) {
      const card = await readyCard();
      card.setFaults({ tearAfterBytes: n });
      await expect(send(card, WRITE_NEW)).rejects.toBeInstanceOf(CardRemovedError);
      expect(ef2Bytes(card)).toBe(NEW.slice(0, 2 * n) + '11'.repeat(8 - n));
      expect(card.present).toBe(false);
    }
  });

  it('waits for an UPDATE BINARY that actually writes, and reports the partial write to onWrite', async () => {
    const writes: string[] = [];
    const card = await readyCard({ onWrite: (img) => writes.push(img.applications[0]?.files[1]?.data.slice(8, 24) ?? '') });
    card.setFaults({ tearAfterBytes: 3 });
    expect((await send(card, '00D6810001FF')).sw).toBe(0x6982);
    await expect(send(card, WRITE_NEW)).rejects.toThrow(/after 3 of 8 bytes/);
    expect(writes.at(-1)).toBe(`A1A2A3${'11'.repeat(5)}`);
    expect(card.stats.bytesWritten).toBe(8 + 3);
  });
});

describe('tear before the response', () => {
  it('executes the command fully but loses its answer', async () => {
    const card = await readyCard();
    card.setFaults({ tearBeforeResponse: true });
    await expect(send(card, WRITE_NEW)).rejects.toBeInstanceOf(CardRemovedError);
    expect(ef2Bytes(card)).toBe(NEW);
    card.powerOn();
    await send(card, SELECT_APP);
    expect((await send(card, '00B0820001')).sw).toBe(0x9000);
  });
});

describe('garbled and truncated answers', () => {
  it('replaces the answer of the given APDU with random bytes of the same length after executing it', async () => {
    const card = await readyCard({ random: (n) => new Uint8Array(n).fill(0x5a) });
    card.setFaults({ garbleAt: 1 });
    expect((await send(card, '00B0820002')).sw).toBe(0x9000);
    expect(toHex(await card.process(Uint8Array.of(0x00, 0xd6, 0x82, 0x04, 0x01, 0xee)))).toBe('5A5A');
    expect(ef2Bytes(card)?.slice(0, 2)).toBe('EE');
    expect((await send(card, '00B0820002')).sw).toBe(0x9000);
  });

  it('cuts the answer of the given APDU to one byte, or none, so transceive sees a CardIoError', async () => {
    const card = await readyCard();
    const channel = { readerName: 'r', atr: card.atr, transmit: (c: Uint8Array) => card.process(c) };
    card.setFaults({ truncateAt: 0 });
    await expect(transceive(channel, { ins: 0xb0, p1: 0x82, p2: 0, le: 4 })).rejects.toBeInstanceOf(CardIoError);
    card.setFaults({ truncateAt: 1, truncateTo: 0 });
    expect(await card.process(Uint8Array.of(0x00, 0xb0, 0x82, 0x00, 0x01))).toHaveLength(3);
    expect(await card.process(Uint8Array.of(0x00, 0xb0, 0x82, 0x00, 0x01))).toHaveLength(0);
  });
});

describe('wrong status words and slow answers', () => {
  it('answers the planned status word instead of executing the command', async () => {
    const card = await readyCard();
    card.setFaults({ statusWordAt: { apdu: 0, sw: 0x6581 } });
    expect(await send(card, WRITE_NEW)).toEqual({ data: '', sw: 0x6581 });
    expect(ef2Bytes(card)).toBe('11'.repeat(8));
    expect((await send(card, WRITE_NEW)).sw).toBe(0x9000);
  });

  it('waits delayMs before every answer while the plan is set', async () => {
    const waits: number[] = [];
    const card = await readyCard({ sleep: async (ms) => void waits.push(ms) });
    card.setFaults({ delayMs: 15 });
    await send(card, '00B0820001');
    await send(card, '00B0820001');
    card.setFaults(null);
    await send(card, '00B0820001');
    expect(waits).toEqual([15, 15]);
  });

  it('really slows the answer with the default sleep', async () => {
    const card = await readyCard();
    card.setFaults({ delayMs: 40 });
    const started = performance.now();
    await send(card, '00B0820001');
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });

  it('rejects an answer whose card was powered off during the delay', async () => {
    const card = await readyCard();
    card.setFaults({ delayMs: 30 });
    const pending = send(card, '00B0820001');
    card.powerOff();
    await expect(pending).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('refuses a plan with negative or fractional counts', () => {
    const card = createEmulatedCard(fixtureImage());
    expect(() => card.setFaults({ tearAfterBytes: -1 })).toThrow(RangeError);
    expect(() => card.setFaults({ garbleAt: 1.5 })).toThrow(RangeError);
    expect(() => card.setFaults({ statusWordAt: { apdu: 0, sw: 0x10000 } })).toThrow(RangeError);
  });
});

describe('faults through the emulator channel', () => {
  it('reaches the caller of transmit as CardRemovedError and recovers on a new channel', async () => {
    const card = createEmulatedCard(fixtureImage());
    const channel = createEmulatorChannel(card, 'r');
    card.setFaults({ tearAfterApdus: 0 });
    await expect(transceive(channel, { ins: 0xa4, p1: 0, p2: 0x0c })).rejects.toBeInstanceOf(CardRemovedError);
    const again = createEmulatorChannel(card, 'r');
    expect((await transceive(again, { ins: 0xa4, p1: 0, p2: 0x0c })).sw).toBe(0x9000);
  });
});
