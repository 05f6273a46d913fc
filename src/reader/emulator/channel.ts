import type { CardChannel } from '../channel.js';
import type { EmulatedCard } from './card.js';

/**
 * A `CardChannel` onto an emulated card. Creating it inserts the card: it is powered on
 * (security state and selection cleared) and the ATR it answers is the channel's.
 */
export function createEmulatorChannel(card: EmulatedCard, readerName: string): CardChannel {
  const atr = card.powerOn();
  return {
    readerName,
    atr,
    transmit: (command) => card.process(command),
  };
}
