import type { CardChannel } from './channel.js';
import { CardRemovedError, ReaderError } from './errors.js';
import { createPcscChannel, type PcscCardSession } from './pcsc-channel.js';
import { classifyPcscError, pcscErrorCode, SCARD } from './pcsc-errors.js';
import { closeLater, PCSC, type PcscLiteReader, type PcscLiteStatus, type ReaderLogger } from './pcsc-types.js';

/** What a watched reader reports to its backend. */
export interface ReaderWatchSink {
  cardPresent(atr: Uint8Array, channel: CardChannel): void;
  cardRemoved(): void;
  error(error: Error): void;
  /** The reader's status thread ended: unplugged, closed, or pcscd went away (`lastError`). */
  ended(lastError: Error | undefined): void;
}

export interface ReaderWatcher {
  readonly name: string;
  /** True while a connected card's channel is out. */
  readonly hasCard: boolean;
  /** Releases the card and the reader; the sink hears nothing afterwards. */
  detach(): Promise<void>;
}

/** High word of `dwEventState`: pcscd counts card insertions and removals there. */
const eventCount = (state: number): number => (state >>> 16) & 0xffff;
const cardUsable = (state: number): boolean => (state & PCSC.STATE_PRESENT) !== 0 && (state & PCSC.STATE_MUTE) === 0;

/**
 * Follows one reader of the binding: connects each card that arrives (shared, T=1 preferred,
 * T=0 accepted), hands out its channel, and ends that channel as soon as the card leaves.
 */
export function watchPcscReader(reader: PcscLiteReader, sink: ReaderWatchSink, logger: ReaderLogger): ReaderWatcher {
  const name = reader.name;
  let session: PcscCardSession | undefined;
  /** Event count of the card being connected or connected; undefined when none. */
  let cardEvent: number | undefined;
  let latestState = 0;
  let lastError: Error | undefined;
  let detached = false;

  const release = (): void => {
    if (!reader.connected) return;
    reader.disconnect(PCSC.LEAVE_CARD, (err) => {
      if (err) logger.debug({ reader: name, err }, 'disconnect after card removal failed');
    });
  };

  const cardGone = (reason: string): void => {
    const hadSession = session !== undefined;
    session?.invalidate(reason);
    session = undefined;
    cardEvent = undefined;
    release();
    if (hadSession && !detached) sink.cardRemoved();
  };

  const connected = (protocol: number | undefined, atr: Uint8Array, event: number): void => {
    const stillThere = cardEvent === event && cardUsable(latestState) && eventCount(latestState) === event;
    if (detached || !stillThere) {
      release();
      return;
    }
    if (protocol === undefined) {
      cardEvent = undefined;
      sink.error(new ReaderError(`PC/SC connect on "${name}" reused a stale connection; remove and present the card again`));
      return;
    }
    session = createPcscChannel(reader, protocol, atr);
    logger.debug({ reader: name, protocol: protocol === PCSC.PROTOCOL_T1 ? 'T=1' : 'T=0' }, 'card connected');
    sink.cardPresent(atr, session.channel);
  };

  const connect = (atr: Uint8Array, event: number, protocol: number): void => {
    reader.connect({ share_mode: PCSC.SHARE_SHARED, protocol }, (err, chosen) => {
      if (!err) return connected(chosen, atr, event);
      if (pcscErrorCode(err) === SCARD.E_PROTO_MISMATCH && protocol === PCSC.PROTOCOL_T1) {
        return connect(atr, event, PCSC.PROTOCOL_T0);
      }
      if (cardEvent === event) cardEvent = undefined;
      const failure = classifyPcscError(err, { operation: 'connect', reader: name });
      if (failure instanceof CardRemovedError) logger.debug({ reader: name, err: failure }, 'card left before connect');
      else if (!detached) sink.error(failure);
    });
  };

  const onStatus = (status: PcscLiteStatus): void => {
    latestState = status.state;
    const event = eventCount(status.state);
    if (!cardUsable(status.state)) {
      if (cardEvent !== undefined) cardGone('the reader reports no card');
      return;
    }
    if (cardEvent === event) return;
    // A new count while a card is held means it was swapped between two polls.
    if (cardEvent !== undefined) cardGone('another card took its place');
    cardEvent = event;
    connect(new Uint8Array(status.atr ?? []), event, PCSC.PROTOCOL_T1);
  };

  reader.on('status', onStatus);
  reader.on('error', (error) => {
    lastError = classifyPcscError(error, { operation: 'status', reader: name });
    logger.debug({ reader: name, err: lastError }, 'reader status failed');
  });
  reader.on('end', () => {
    if (cardEvent !== undefined) cardGone('the reader went away');
    if (!detached) sink.ended(lastError);
    detached = true;
  });

  return {
    name,
    get hasCard() {
      return session !== undefined;
    },
    async detach() {
      if (detached) return;
      detached = true;
      session?.invalidate('the reader was released');
      session = undefined;
      cardEvent = undefined;
      if (reader.connected) {
        await new Promise<void>((resolve) => reader.disconnect(PCSC.LEAVE_CARD, () => resolve()));
      }
      // The error listener stays: the binding may still emit one while its thread winds down,
      // and an unheard 'error' would be thrown by EventEmitter.
      reader.removeAllListeners('status');
      reader.removeAllListeners('end');
      await closeLater(reader);
    },
  };
}
