import { connect, type Socket } from 'node:net';
import { CardRemovedError } from './errors.js';
import type { EmulatedCard } from './emulator/card.js';
import { createBackoff, type Backoff, type BackoffOptions } from './pcsc-backoff.js';
import { createTypedEmitter, type TypedEmitter } from './pcsc-emitter.js';
import { silentLogger, type ReaderLogger } from './pcsc-types.js';
import { createVpcdFrameParser, encodeVpcdFrame, VpcdControl } from './vpcd-frames.js';

/** What the bridge needs of a card: the emulator's card, or anything that answers APDUs. */
export type VpcdCard = Pick<EmulatedCard, 'atr' | 'powerOn' | 'powerOff' | 'process'>;

export const VPCD_DEFAULT_PORT = 35963;

export interface VpcdBridgeOptions {
  host?: string;
  /** vpcd's port: 35963 is reader `Virtual PCD 00 00`, 35964 is `Virtual PCD 00 01`. */
  port?: number;
  /** The card in the virtual field right now (null: none). Asked again at every (re)connection. */
  card?: () => VpcdCard | null;
  logger?: ReaderLogger;
  /** Delays between attempts to reach vpcd (pcscd not running or restarting). */
  backoff?: BackoffOptions;
  random?: () => number;
  /**
   * How long the field stays empty after a card leaves before another is offered. pcscd only
   * notices a removal when one of its presence polls (every 400 ms) finds no card, so a quicker
   * swap would look to it like the same card still there.
   */
  minAbsenceMs?: number;
}

/** Why the connection to vpcd ended. */
export type VpcdDisconnectReason = 'removed' | 'torn' | 'lost' | 'stopped';

export interface VpcdBridgeEvents {
  /** vpcd accepted the card: pcscd will see it at its next presence poll. */
  connected: { host: string; port: number };
  disconnected: { reason: VpcdDisconnectReason; error?: Error };
}

export interface VpcdBridgeStats {
  /** Command APDUs answered. */
  readonly apdus: number;
  /** Time spent inside the card's `process`, summed over those APDUs. */
  readonly cardMs: number;
}

export interface VpcdBridge {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Puts a card in the field (replacing any other, which pcscd sees leave first). */
  insert(card: VpcdCard): void;
  /** Takes the card out of the field: the connection to vpcd closes, pcscd sees the card removed. */
  remove(): void;
  on<K extends keyof VpcdBridgeEvents>(name: K, listener: (event: VpcdBridgeEvents[K]) => void): void;
  off<K extends keyof VpcdBridgeEvents>(name: K, listener: (event: VpcdBridgeEvents[K]) => void): void;
  readonly connected: boolean;
  stats(): VpcdBridgeStats;
}

/** Status word answered when the card fails for a reason other than leaving: "no precise diagnosis". */
const SW_NO_DIAGNOSIS = Uint8Array.of(0x6f, 0x00);

/**
 * The virtual card side of vsmartcard's vpcd driver: vpcd listens inside pcscd, and a card is
 * present exactly while a client is connected and answers the ATR poll. So the bridge holds a
 * connection only while a card is in the field; taking the card out, or a tear, closes it.
 *
 * When the card source turns empty, the bridge hangs up at vpcd's next ATR poll.
 *
 * A tear (the card's `process` rejects with `CardRemovedError`) closes the connection without
 * answering the APDU in flight: the PC/SC transmit then fails or returns nothing, and pcscd's
 * next poll finds no card. The card stays out of the field until `insert()` is called again,
 * as a rider's card stays gone until it is presented again.
 */
export function createVpcdBridge(options: VpcdBridgeOptions = {}): VpcdBridge {
  return new Bridge(options);
}

class Bridge implements VpcdBridge {
  private readonly host: string;
  private readonly port: number;
  private readonly logger: ReaderLogger;
  private readonly events: TypedEmitter<VpcdBridgeEvents>;
  private readonly backoff: Backoff;
  private readonly minAbsenceMs: number;
  private source: () => VpcdCard | null;
  private socket: Socket | undefined;
  private isConnected = false;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private absentUntil = 0;
  private counters = { apdus: 0, cardMs: 0 };

  constructor(options: VpcdBridgeOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? VPCD_DEFAULT_PORT;
    this.logger = options.logger ?? silentLogger;
    this.events = createTypedEmitter<VpcdBridgeEvents>(this.logger);
    this.backoff = createBackoff(options.backoff ?? { initialMs: 100, maxMs: 2_000 }, options.random);
    this.minAbsenceMs = options.minAbsenceMs ?? 1_000;
    this.source = options.card ?? (() => null);
  }

  get connected(): boolean {
    return this.isConnected;
  }

  on<K extends keyof VpcdBridgeEvents>(name: K, listener: (event: VpcdBridgeEvents[K]) => void): void {
    this.events.on(name, listener);
  }

  off<K extends keyof VpcdBridgeEvents>(name: K, listener: (event: VpcdBridgeEvents[K]) => void): void {
    this.events.off(name, listener);
  }

  stats(): VpcdBridgeStats {
    return { ...this.counters };
  }

  async start(): Promise<void> {
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.drop('stopped');
  }

  insert(card: VpcdCard): void {
    const hadCard = this.socket !== undefined;
    this.source = () => card;
    if (hadCard) void this.drop('removed');
    this.schedule(0);
  }

  remove(): void {
    this.source = () => null;
    void this.drop('removed');
  }

  /** Connects after `delayMs` (and after the minimum absence), if a card is in the field. */
  private schedule(delayMs: number): void {
    if (!this.running || this.socket !== undefined) return;
    clearTimeout(this.timer);
    const wait = Math.max(delayMs, this.absentUntil - Date.now(), 0);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.running && this.socket === undefined && this.source() !== null) this.open();
    }, wait);
  }

  private open(): void {
    const socket = connect({ host: this.host, port: this.port });
    this.socket = socket;
    socket.setNoDelay(true);
    let failure: Error | undefined;
    let queue: Promise<void> = Promise.resolve();
    const parser = createVpcdFrameParser((frame) => {
      queue = queue.then(() => this.answer(socket, frame));
    });
    socket.on('connect', () => {
      this.isConnected = true;
      this.backoff.reset();
      this.logger.info({ host: this.host, port: this.port }, 'virtual card connected to vpcd');
      this.events.emit('connected', { host: this.host, port: this.port });
    });
    socket.on('data', (chunk) => parser.push(chunk));
    socket.on('error', (error) => {
      failure = error;
    });
    socket.on('close', () => this.closed(socket, failure));
  }

  /** The peer (vpcd) closed, or the connection failed: a lost link, not a card that left. */
  private closed(socket: Socket, failure: Error | undefined): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    const wasConnected = this.isConnected;
    this.isConnected = false;
    const delay = this.backoff.next();
    if (wasConnected) {
      // After an empty ATR answer (no card) vpcd hangs up by design; anything else is a lost link.
      const reason = this.source() === null ? 'removed' : 'lost';
      this.logger[reason === 'lost' ? 'warn' : 'debug']({ err: failure, retryInMs: delay }, 'vpcd closed the connection');
      this.events.emit('disconnected', failure === undefined ? { reason } : { reason, error: failure });
    } else {
      this.logger.debug({ err: failure, retryInMs: delay }, 'vpcd not reachable');
    }
    this.schedule(delay);
  }

  /** Closes the connection on our side: the card left the field (or the bridge stops). */
  private async drop(reason: VpcdDisconnectReason, error?: Error): Promise<void> {
    const socket = this.socket;
    if (socket === undefined) return;
    this.socket = undefined;
    const wasConnected = this.isConnected;
    this.isConnected = false;
    this.absentUntil = Date.now() + this.minAbsenceMs;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.destroy();
    await closed;
    if (wasConnected) this.events.emit('disconnected', error === undefined ? { reason } : { reason, error });
    this.schedule(0);
  }

  private async answer(socket: Socket, frame: Uint8Array): Promise<void> {
    if (this.socket !== socket) return;
    const card = this.source();
    if (frame.length === 1) return this.control(socket, card, frame[0] ?? -1);
    if (frame.length === 0) return;
    if (card === null) return void this.drop('removed');
    const started = performance.now();
    try {
      const response = await card.process(frame);
      this.counters.apdus += 1;
      this.counters.cardMs += performance.now() - started;
      if (this.socket === socket) socket.write(encodeVpcdFrame(response));
    } catch (error) {
      if (error instanceof CardRemovedError) {
        this.logger.info({ err: error }, 'card torn away during an APDU');
        this.source = () => null;
        await this.drop('torn', error);
        return;
      }
      this.logger.error({ err: error }, 'virtual card failed to answer an APDU');
      if (this.socket === socket) socket.write(encodeVpcdFrame(SW_NO_DIAGNOSIS));
    }
  }

  private control(socket: Socket, card: VpcdCard | null, code: number): void {
    switch (code) {
      case VpcdControl.POWER_OFF:
        card?.powerOff();
        return;
      case VpcdControl.POWER_ON:
        card?.powerOn();
        return;
      case VpcdControl.RESET:
        card?.powerOff();
        card?.powerOn();
        return;
      case VpcdControl.GET_ATR:
        // No card: hang up rather than answer a zero-length ATR. vsmartcard documents the empty
        // answer as "no card", but vpcd 3.3 (Debian) then blocks in recv() on its reader thread
        // until the socket closes, so closing is the signal that works on every version.
        if (card === null) void this.drop('removed');
        else socket.write(encodeVpcdFrame(card.atr));
        return;
      default:
        this.logger.warn({ code }, 'unknown vpcd control code ignored');
    }
  }
}
