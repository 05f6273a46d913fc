import type { CardChannel } from '../channel.js';
import { CardRemovedError } from '../errors.js';
import type { ReaderBackend, ReaderEvents } from '../monitor.js';
import type { EmulatedCard } from './card.js';
import { createEmulatorChannel } from './channel.js';
import { createTypedEmitter } from './typed-emitter.js';

/** Reader names the emulator uses when none are given: `Emulated Reader 0`, `Emulated Reader 1`, ... */
export const emulatedReaderName = (index: number): string => `Emulated Reader ${index}`;

/** Readers whose cards a test, a demo or the CLI puts in and takes out. */
export interface EmulatorBackend extends ReaderBackend {
  /** Puts a card on a reader (taking off any card already there): powers it and fires `card-present`. */
  insert(reader: string, card: EmulatedCard): void;
  /** Takes the card off a reader: powers it off and fires `card-removed`. No-op on an empty reader. */
  remove(reader: string): void;
  /** The card on a reader right now. */
  card(reader: string): EmulatedCard | undefined;
  /** Plugs in another reader (fires `reader-attached`). */
  attachReader(reader: string): void;
  /** Unplugs a reader, its card with it (fires `card-removed`, then `reader-detached`). */
  detachReader(reader: string): void;
}

interface Slot {
  card: EmulatedCard | undefined;
  /** Channel handed out for the card now present; a stale channel answers CardRemovedError. */
  channel: CardChannel | undefined;
}

export function createEmulatorBackend(options: { readers?: readonly string[] } = {}): EmulatorBackend {
  const events = createTypedEmitter<ReaderEvents>();
  const slots = new Map<string, Slot>((options.readers ?? [emulatedReaderName(0)]).map((r) => [r, { card: undefined, channel: undefined }]));
  let running = false;

  const slotOf = (reader: string): Slot => {
    const slot = slots.get(reader);
    if (!slot) throw new RangeError(`no emulated reader "${reader}"; readers: ${[...slots.keys()].join(', ') || 'none'}`);
    return slot;
  };

  const present = (reader: string, slot: Slot, card: EmulatedCard): void => {
    const inner = createEmulatorChannel(card, reader);
    const channel: CardChannel = {
      readerName: reader,
      atr: inner.atr,
      transmit: async (command) => {
        if (slot.channel !== channel) throw new CardRemovedError(`the card was taken off ${reader}`);
        try {
          return await inner.transmit(command);
        } catch (error) {
          // A tear fault: the card left the field, so the reader reports it gone.
          if (error instanceof CardRemovedError && slot.channel === channel) takeOff(reader, slot);
          throw error;
        }
      },
    };
    slot.channel = channel;
    events.emit('card-present', { reader, atr: inner.atr.slice(), channel });
  };

  const takeOff = (reader: string, slot: Slot): void => {
    const { card, channel } = slot;
    slot.card = undefined;
    slot.channel = undefined;
    card?.powerOff();
    if (running && channel) events.emit('card-removed', { reader });
  };

  const backend: EmulatorBackend = {
    on(name, listener) {
      events.on(name, listener);
      return backend;
    },
    off(name, listener) {
      events.off(name, listener);
      return backend;
    },
    async start() {
      if (running) return;
      running = true;
      for (const [reader, slot] of slots) {
        events.emit('reader-attached', { reader });
        if (slot.card) present(reader, slot, slot.card);
      }
    },
    async stop() {
      running = false;
      for (const slot of slots.values()) {
        slot.channel = undefined;
        slot.card?.powerOff();
      }
    },
    readers: () => (running ? [...slots.keys()] : []),
    card: (reader) => slotOf(reader).card,
    insert(reader, card) {
      const slot = slotOf(reader);
      if (slot.card) takeOff(reader, slot);
      slot.card = card;
      if (running) present(reader, slot, card);
    },
    remove(reader) {
      takeOff(reader, slotOf(reader));
    },
    attachReader(reader) {
      if (slots.has(reader)) return;
      slots.set(reader, { card: undefined, channel: undefined });
      if (running) events.emit('reader-attached', { reader });
    },
    detachReader(reader) {
      takeOff(reader, slotOf(reader));
      slots.delete(reader);
      if (running) events.emit('reader-detached', { reader });
    },
  };
  return backend;
}
