import type { CardChannel } from './channel.js';
import { CardRemovedError } from './errors.js';
import { classifyPcscError } from './pcsc-errors.js';
import { PCSC, type PcscLiteReader } from './pcsc-types.js';

/** A connected card on a PC/SC reader, as handed out with `card-present`. */
export interface PcscCardSession {
  readonly channel: CardChannel;
  /** Ends the channel: every later transmit rejects with `CardRemovedError` without reaching PC/SC. */
  invalidate(reason: string): void;
  readonly invalidated: boolean;
}

/**
 * A `CardChannel` over one connection of the binding. Transmits are queued, because the binding
 * would otherwise interleave them on one card handle; and once the card is gone the channel
 * stays dead, so a stale channel can never talk to the next card put on the same reader.
 */
export function createPcscChannel(reader: PcscLiteReader, protocol: number, atr: Uint8Array): PcscCardSession {
  let deadReason: string | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const invalidate = (reason: string): void => {
    deadReason ??= reason;
  };

  const transmitNow = (command: Uint8Array): Promise<Uint8Array> =>
    new Promise((resolve, reject) => {
      if (deadReason !== undefined) {
        reject(new CardRemovedError(`the card on "${reader.name}" is gone: ${deadReason}`));
        return;
      }
      reader.transmit(Buffer.from(command), PCSC.MAX_RESPONSE, protocol, (err, data) => {
        if (err) {
          const failure = classifyPcscError(err, { operation: 'transmit', reader: reader.name });
          if (failure instanceof CardRemovedError) invalidate(failure.message);
          reject(failure);
          return;
        }
        if (data.length === 0) {
          // A card that vanishes mid-exchange behind some drivers (vpcd among them) yields a
          // successful transmit with no bytes at all, not even a status word.
          const reason = 'the card gave no answer (it left the field during the command)';
          invalidate(reason);
          reject(new CardRemovedError(`PC/SC transmit on "${reader.name}": ${reason}`));
          return;
        }
        resolve(new Uint8Array(data));
      });
    });

  const channel: CardChannel = {
    readerName: reader.name,
    atr,
    transmit(command) {
      const result = queue.then(() => transmitNow(command));
      queue = result.catch(() => undefined);
      return result;
    },
  };
  return {
    channel,
    invalidate,
    get invalidated() {
      return deadReason !== undefined;
    },
  };
}
