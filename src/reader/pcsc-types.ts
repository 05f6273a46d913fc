/**
 * The part of the `pcsclite` binding this layer relies on, written out structurally so that
 * only `pcsc.ts` loads the real module and the tests can drive a simulated one.
 */

/** A log call in pino's shape: structured fields first, then the message. */
export type LogFn = (fields: object, message?: string) => void;

/** What this layer logs through; a pino logger fits, and so does a stub. */
export interface ReaderLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const ignore: LogFn = () => undefined;

/** Used when no logger is injected: the reader layer never writes to the console itself. */
export const silentLogger: ReaderLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

/** A reader state change as the binding reports it: `SCARD_STATE_*` bits and the card's ATR. */
export interface PcscLiteStatus {
  state: number;
  atr?: Buffer;
}

/** Error-first callback as the binding calls it (`err` is an `Error` whose message ends in `(0x8010xxxx)`). */
export type PcscCallback<T> = (err: Error | null | undefined, value: T) => void;

export interface PcscLiteReader {
  readonly name: string;
  readonly connected: boolean;
  on(event: 'status', listener: (status: PcscLiteStatus) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeAllListeners(event?: string): unknown;
  connect(options: { share_mode: number; protocol: number }, callback: PcscCallback<number>): void;
  disconnect(disposition: number, callback: (err: Error | null | undefined) => void): void;
  transmit(data: Buffer, responseLength: number, protocol: number, callback: PcscCallback<Buffer>): void;
  close(): void;
}

export interface PcscLiteContext {
  on(event: 'reader', listener: (reader: PcscLiteReader) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
  close(): void;
}

/**
 * Closes a reader or a context of the binding on a turn of the event loop of its own, and
 * resolves once it is closed. The binding holds a reader's lock while it hands that reader's
 * events to JavaScript, and runs pending promise continuations before it lets go; a `close()`
 * of that reader reached from there waits for a lock its own thread holds, and the process
 * stops for good (seen when pcscd stopped under a connected card: the end of the reader's
 * status thread let an awaited disconnect go on to close that very reader). An immediate
 * never runs inside the binding's callbacks.
 */
export function closeLater(handle: { close(): void }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    setImmediate(() => {
      try {
        handle.close();
        resolve();
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

/** The module's default export: creating a context may throw synchronously (pcscd not running). */
export type PcscLiteFactory = () => PcscLiteContext;

/**
 * PC/SC constants (pcsc-lite `pcsclite.h` / `reader.h`). Kept here so that the simulated
 * binding in the tests does not have to carry them as instance properties.
 */
export const PCSC = {
  SHARE_SHARED: 2,
  PROTOCOL_T0: 1,
  PROTOCOL_T1: 2,
  STATE_UNAVAILABLE: 0x0008,
  STATE_EMPTY: 0x0010,
  STATE_PRESENT: 0x0020,
  STATE_MUTE: 0x0200,
  LEAVE_CARD: 0,
  /** Largest short response APDU: 256 data bytes plus SW1 SW2. */
  MAX_RESPONSE: 258,
} as const;
