import { describe, expect, it } from 'vitest';
import { CardRemovedError } from '../errors.js';
import { toHex, transceive } from '../iso7816.js';
import type { ReaderEventName, ReaderEvents } from '../monitor.js';
import { createEmulatorBackend, type EmulatorBackend } from './backend.js';
import { createEmulatedCard } from './card.js';
import { AID, fixtureImage } from './test-fixture.js';

const READER_0 = 'Emulated Reader 0';
const READER_1 = 'Emulated Reader 1';
const NAMES: ReaderEventName[] = ['reader-attached', 'reader-detached', 'card-present', 'card-removed', 'error'];
const selectApp = { ins: 0xa4, p1: 0x04, p2: 0x0c, data: AID };

/** Records every event as `name reader`, and the last channel handed out per reader. */
function record(backend: EmulatorBackend) {
  const log: string[] = [];
  const channels = new Map<string, ReaderEvents['card-present']['channel']>();
  for (const name of NAMES) {
    backend.on(name, (e: ReaderEvents[typeof name]) => {
      const reader = 'reader' in e ? e.reader : '';
      log.push(`${name} ${reader}`);
      if (name === 'card-present') channels.set(reader ?? '', (e as ReaderEvents['card-present']).channel);
    });
  }
  return { log, channels };
}

describe('emulator backend', () => {
  it('attaches its readers on start and announces a card inserted before start', async () => {
    const backend = createEmulatorBackend({ readers: [READER_0, READER_1] });
    const { log } = record(backend);
    const card = createEmulatedCard(fixtureImage());
    backend.insert(READER_1, card);
    expect(backend.readers()).toEqual([]);
    await backend.start();
    expect(backend.readers()).toEqual([READER_0, READER_1]);
    expect(log).toEqual([`reader-attached ${READER_0}`, `reader-attached ${READER_1}`, `card-present ${READER_1}`]);
  });

  it('hands out a working channel with the ATR on insert and invalidates it on remove', async () => {
    const backend = createEmulatorBackend({ readers: [READER_0] });
    const { log, channels } = record(backend);
    await backend.start();
    const card = createEmulatedCard(fixtureImage());
    let atr = '';
    backend.on('card-present', (e) => (atr = toHex(e.atr)));
    backend.insert(READER_0, card);
    const channel = channels.get(READER_0);
    if (!channel) throw new Error('no card-present');
    expect(atr).toBe(toHex(card.atr));
    expect(channel.readerName).toBe(READER_0);
    expect((await transceive(channel, selectApp)).sw).toBe(0x9000);
    backend.remove(READER_0);
    expect(card.present).toBe(false);
    expect(backend.card(READER_0)).toBeUndefined();
    await expect(transceive(channel, selectApp)).rejects.toBeInstanceOf(CardRemovedError);
    backend.remove(READER_0);
    expect(log.slice(1)).toEqual([`card-present ${READER_0}`, `card-removed ${READER_0}`]);
  });

  it('takes the old card off first when another card is inserted on the same reader', async () => {
    const backend = createEmulatorBackend({ readers: [READER_0] });
    const { log, channels } = record(backend);
    await backend.start();
    backend.insert(READER_0, createEmulatedCard(fixtureImage()));
    const first = channels.get(READER_0);
    backend.insert(READER_0, createEmulatedCard(fixtureImage()));
    expect(log.slice(1)).toEqual([`card-present ${READER_0}`, `card-removed ${READER_0}`, `card-present ${READER_0}`]);
    await expect(first?.transmit(Uint8Array.of(0, 0xa4, 0, 0x0c))).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('reports card-removed when a tear fault fires, and the card comes back when inserted again', async () => {
    const backend = createEmulatorBackend({ readers: [READER_0] });
    const { log, channels } = record(backend);
    await backend.start();
    const card = createEmulatedCard(fixtureImage());
    backend.insert(READER_0, card);
    card.setFaults({ tearAfterApdus: 1 });
    const channel = channels.get(READER_0);
    if (!channel) throw new Error('no card-present');
    expect((await transceive(channel, selectApp)).sw).toBe(0x9000);
    await expect(transceive(channel, selectApp)).rejects.toBeInstanceOf(CardRemovedError);
    expect(log.at(-1)).toBe(`card-removed ${READER_0}`);
    expect(backend.card(READER_0)).toBeUndefined();
    backend.insert(READER_0, card);
    expect((await transceive(channels.get(READER_0) ?? channel, selectApp)).sw).toBe(0x9000);
  });

  it('attaches and detaches readers at run time, taking the card with a detached reader', async () => {
    const backend = createEmulatorBackend({ readers: [] });
    const { log } = record(backend);
    await backend.start();
    backend.attachReader(READER_1);
    backend.insert(READER_1, createEmulatedCard(fixtureImage()));
    backend.detachReader(READER_1);
    expect(backend.readers()).toEqual([]);
    expect(log).toEqual([`reader-attached ${READER_1}`, `card-present ${READER_1}`, `card-removed ${READER_1}`, `reader-detached ${READER_1}`]);
    expect(() => backend.insert(READER_1, createEmulatedCard(fixtureImage()))).toThrow(/no emulated reader/);
  });

  it('stops calling a listener removed with off, and fires nothing after stop', async () => {
    const backend = createEmulatorBackend({ readers: [READER_0] });
    const { log, channels } = record(backend);
    const seen: string[] = [];
    const listener = (e: { reader: string }) => seen.push(e.reader);
    backend.on('card-removed', listener);
    await backend.start();
    backend.insert(READER_0, createEmulatedCard(fixtureImage()));
    backend.off('card-removed', listener);
    backend.remove(READER_0);
    backend.insert(READER_0, createEmulatedCard(fixtureImage()));
    await backend.stop();
    backend.remove(READER_0);
    backend.insert(READER_0, createEmulatedCard(fixtureImage()));
    expect(seen).toEqual([]);
    expect(log).toEqual([`reader-attached ${READER_0}`, `card-present ${READER_0}`, `card-removed ${READER_0}`, `card-present ${READER_0}`]);
    await expect(channels.get(READER_0)?.transmit(Uint8Array.of(0, 0xa4, 0, 0x0c))).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('names its single default reader Emulated Reader 0', async () => {
    const backend = createEmulatorBackend();
    await backend.start();
    expect(backend.readers()).toEqual([READER_0]);
  });
});
