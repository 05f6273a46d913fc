import type { CardChannel } from '../channel.js';
import { CardRemovedError } from '../errors.js';
import type { ReaderBackend, ReaderEvents } from '../monitor.js';
import type { EmulatedCard } from './card.js';
import { createEmulatorChannel } from './channel.js';
import { createTypedEmitter, type TypedEmitter } from './typed-emitter.js';

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

interface BackendState {
  readonly events: TypedEmitter<ReaderEvents>;
  readonly slots: Map<string, Slot>;
  running: boolean;
}

export function createEmulatorBackend(options: { readers?: readonly string[] } = {}): EmulatorBackend {
  const names = options.readers ?? [emulatedReaderName(0)];
  const st: BackendState = {
    events: createTypedEmitter<ReaderEvents>(),
    slots: new Map(names.map((r) => [r, { card: undefined, channel: undefined }])),
    running: false,
  };
  const slotOf = (reader: string): Slot => {
    const slot = st.slots.get(reader);
    if (!slot) throw new RangeError(`no emulated reader "${reader}"; readers: ${[...st.slots.keys()].join(', ') || 'none'}`);
    return slot;
  };

  const backend: EmulatorBackend = {
    on(name, listener) {
      st.events.on(name, listener);
      return backend;
    },
    off(name, listener) {
      st.events.off(name, listener);
      return backend;
    },
    start: async () => start(st),
    async stop() {
      st.running = false;
      for (const slot of st.slots.values()) {
        slot.channel = undefined;
        slot.card?.powerOff();
      }
    },
    readers: () => (st.running ? [...st.slots.keys()] : []),
    card: (reader) => slotOf(reader).card,
    insert(reader, card) {
      const slot = slotOf(reader);
      if (slot.card) takeOff(st, reader, slot);
      slot.card = card;
      if (st.running) present(st, reader, slot, card);
    },
    remove: (reader) => takeOff(st, reader, slotOf(reader)),
    attachReader(reader) {
      if (st.slots.has(reader)) return;
      st.slots.set(reader, { card: undefined, channel: undefined });
      if (st.running) st.events.emit('reader-attached', { reader });
    },
    detachReader(reader) {
      takeOff(st, reader, slotOf(reader));
      st.slots.delete(reader);
      if (st.running) st.events.emit('reader-detached', { reader });
    },
  };
  return backend;
}

function start(st: BackendState): void {
  if (st.running) return;
  st.running = true;
  for (const [reader, slot] of st.slots) {
    st.events.emit('reader-attached', { reader });
    if (slot.card) present(st, reader, slot, slot.card);
  }
}

/** Powers the card and hands out a channel that stays valid until the card leaves this reader. */
function present(st: BackendState, reader: string, slot: Slot, card: EmulatedCard): void {
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
        if (error instanceof CardRemovedError && slot.channel === channel) takeOff(st, reader, slot);
        throw error;
      }
    },
  };
  slot.channel = channel;
  st.events.emit('card-present', { reader, atr: inner.atr.slice(), channel });
}

function takeOff(st: BackendState, reader: string, slot: Slot): void {
  const { card, channel } = slot;
  slot.card = undefined;
  slot.channel = undefined;
  card?.powerOff();
  if (st.running && channel) st.events.emit('card-removed', { reader });
}
