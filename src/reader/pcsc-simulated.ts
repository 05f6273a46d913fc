import { EventEmitter } from 'node:events';
import { SCARD } from './pcsc-errors.js';
import { PCSC, type PcscCallback, type PcscLiteContext, type PcscLiteFactory, type PcscLiteReader, type PcscLiteStatus } from './pcsc-types.js';

/**
 * A simulated `pcsclite` binding with pcscd behind it, for unit tests of the PC/SC backend:
 * it behaves as the real binding does (fresh reader objects per context, a context that dies
 * with an RPC error when pcscd stops, errors formatted with the PC/SC code), without pcscd.
 */
export interface SimulatedCard {
  atr: Uint8Array;
  /** Offers T=1 (default true); without it a T=1 connect fails with SCARD_E_PROTO_MISMATCH. */
  t1?: boolean;
  /** Answers a command: bytes, or a PC/SC code to fail the transmit with. */
  answer(command: Uint8Array): Uint8Array | number;
}

export const bindingError = (call: string, code: number): Error =>
  new Error(`${call} error: simulated.(0x${code.toString(16).padStart(8, '0')})`);

class SimReader extends EventEmitter implements PcscLiteReader {
  connected = false;
  closed = false;
  protocol: number | undefined;
  transmits = 0;
  private delivering = false;

  constructor(
    readonly name: string,
    private readonly world: SimulatedPcsc,
  ) {
    super();
  }

  /**
   * The binding hands a reader's events to JavaScript under that reader's lock, and lets go
   * only after the promise continuations pending by then have run: modelled as a lock held
   * until the next turn of the event loop. A close() of the reader under it deadlocks the real
   * binding; here it is counted in `closesUnderLock`.
   */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (!this.delivering) {
      this.delivering = true;
      setImmediate(() => {
        this.delivering = false;
      });
    }
    return super.emit(event, ...args);
  }

  emitStatus(): void {
    const slot = this.world.slot(this.name);
    const state = (slot.events << 16) | (slot.card ? PCSC.STATE_PRESENT : PCSC.STATE_EMPTY);
    const status: PcscLiteStatus = slot.card ? { state, atr: Buffer.from(slot.card.atr) } : { state };
    this.emit('status', status);
  }

  connect(options: { share_mode: number; protocol: number }, callback: PcscCallback<number>): void {
    setImmediate(() => {
      const card = this.world.slot(this.name).card;
      this.world.connects.push({ reader: this.name, ...options });
      if (!this.world.up) return callback(bindingError('SCardConnect', SCARD.F_COMM_ERROR), 0);
      if (this.world.connectFailure !== undefined) return callback(bindingError('SCardConnect', this.world.connectFailure), 0);
      if (card === null) return callback(bindingError('SCardConnect', SCARD.E_NO_SMARTCARD), 0);
      if (options.protocol === PCSC.PROTOCOL_T1 && card.t1 === false) {
        return callback(bindingError('SCardConnect', SCARD.E_PROTO_MISMATCH), 0);
      }
      this.connected = true;
      this.protocol = options.protocol;
      callback(null, options.protocol);
    });
  }

  disconnect(_disposition: number, callback: (err: Error | null | undefined) => void): void {
    setImmediate(() => {
      this.connected = false;
      callback(null);
    });
  }

  transmit(data: Buffer, _length: number, _protocol: number, callback: PcscCallback<Buffer>): void {
    this.transmits += 1;
    setImmediate(() => {
      const card = this.world.slot(this.name).card;
      if (!this.world.up) return callback(bindingError('SCardTransmit', SCARD.F_COMM_ERROR), Buffer.alloc(0));
      if (card === null) return callback(bindingError('SCardTransmit', SCARD.W_REMOVED_CARD), Buffer.alloc(0));
      const answer = card.answer(new Uint8Array(data));
      if (typeof answer === 'number') return callback(bindingError('SCardTransmit', answer), Buffer.alloc(0));
      callback(null, Buffer.from(answer));
    });
  }

  close(): void {
    if (this.delivering) this.world.closesUnderLock += 1;
    if (this.closed) return;
    this.closed = true;
    setImmediate(() => this.emit('end'));
  }
}

class SimContext extends EventEmitter implements PcscLiteContext {
  readonly readers = new Map<string, SimReader>();
  closed = false;

  close(): void {
    this.closed = true;
  }
}

interface Slot {
  card: SimulatedCard | null;
  /** pcscd's count of card events on this reader (high word of the state). */
  events: number;
}

export class SimulatedPcsc {
  up = true;
  /** When set, every connect fails with this PC/SC code. */
  connectFailure: number | undefined;
  readonly connects: Array<{ reader: string; share_mode: number; protocol: number }> = [];
  contextsCreated = 0;
  /** Readers closed while their own events were being delivered (a deadlock in the real binding). */
  closesUnderLock = 0;
  private context: SimContext | undefined;
  private readonly slots = new Map<string, Slot>();

  constructor(readers: readonly string[]) {
    for (const name of readers) this.slots.set(name, { card: null, events: 0 });
  }

  readonly factory: PcscLiteFactory = () => {
    if (!this.up) throw bindingError('SCardEstablishContext', SCARD.E_NO_SERVICE);
    this.contextsCreated += 1;
    const context = new SimContext();
    this.context = context;
    setImmediate(() => {
      for (const name of this.slots.keys()) this.announce(context, name);
    });
    return context;
  };

  slot(name: string): Slot {
    const slot = this.slots.get(name);
    if (slot === undefined) throw new RangeError(`no simulated reader ${name}`);
    return slot;
  }

  /** The live reader object the backend was handed for `name`. */
  reader(name: string): SimReader | undefined {
    return this.context?.readers.get(name);
  }

  insert(name: string, card: SimulatedCard): void {
    const slot = this.slot(name);
    slot.card = card;
    slot.events += 1;
    this.reader(name)?.emitStatus();
  }

  remove(name: string): void {
    const slot = this.slot(name);
    slot.card = null;
    slot.events += 1;
    this.reader(name)?.emitStatus();
  }

  unplug(name: string): void {
    this.slots.delete(name);
    const reader = this.reader(name);
    this.context?.readers.delete(name);
    if (reader !== undefined) reader.close();
  }

  plug(name: string): void {
    this.slots.set(name, { card: null, events: 0 });
    if (this.context !== undefined && !this.context.closed) this.announce(this.context, name);
  }

  /**
   * pcscd stops: the context reports the RPC failure, then each reader reports it and ends, as
   * its status thread exits (one delivery, as the binding makes it). The binding's threads may
   * report in any order; this is the one that once stopped a terminal for good.
   */
  stopService(): void {
    this.up = false;
    const context = this.context;
    this.context = undefined;
    if (context === undefined) return;
    setImmediate(() => {
      context.emit('error', bindingError('SCardGetStatusChange', SCARD.F_COMM_ERROR));
      for (const reader of context.readers.values()) {
        reader.emit('error', bindingError('SCardGetStatusChange', SCARD.F_COMM_ERROR));
        reader.emit('end');
      }
    });
  }

  startService(): void {
    this.up = true;
  }

  private announce(context: SimContext, name: string): void {
    if (context.closed) return;
    const reader = new SimReader(name, this);
    context.readers.set(name, reader);
    context.emit('reader', reader);
    setImmediate(() => reader.emitStatus());
  }
}
