import { CardRemovedError, ReaderError, ReaderUnavailableError } from './errors.js';

/** PC/SC return codes this layer acts on (pcsc-lite `pcsclite.h`). */
export const SCARD = {
  E_CANCELLED: 0x80100002,
  E_INVALID_HANDLE: 0x80100003,
  E_INVALID_PARAMETER: 0x80100004,
  E_INSUFFICIENT_BUFFER: 0x80100008,
  E_UNKNOWN_READER: 0x80100009,
  E_TIMEOUT: 0x8010000a,
  E_SHARING_VIOLATION: 0x8010000b,
  E_NO_SMARTCARD: 0x8010000c,
  E_PROTO_MISMATCH: 0x8010000f,
  E_NOT_READY: 0x80100010,
  F_COMM_ERROR: 0x80100013,
  E_NOT_TRANSACTED: 0x80100016,
  E_READER_UNAVAILABLE: 0x80100017,
  E_NO_SERVICE: 0x8010001d,
  E_SERVICE_STOPPED: 0x8010001e,
  E_NO_READERS_AVAILABLE: 0x8010002e,
  E_COMM_DATA_LOST: 0x8010002f,
  W_UNSUPPORTED_CARD: 0x80100065,
  W_UNRESPONSIVE_CARD: 0x80100066,
  W_UNPOWERED_CARD: 0x80100067,
  W_RESET_CARD: 0x80100068,
  W_REMOVED_CARD: 0x80100069,
} as const;

/**
 * What a code says about the world:
 * - `card`: the card left, lost power or was reset; whatever was in flight may have reached it.
 * - `service`: pcscd is gone or unreachable; every handle of this context is dead.
 * - `reader`: the request was refused before anything reached the card.
 */
export type PcscErrorKind = 'card' | 'service' | 'reader';

interface CodeInfo {
  readonly name: string;
  readonly kind: PcscErrorKind;
  readonly text: string;
}

const CODES = new Map<number, CodeInfo>([
  [SCARD.E_CANCELLED, { name: 'SCARD_E_CANCELLED', kind: 'reader', text: 'the request was cancelled' }],
  [SCARD.E_INVALID_HANDLE, { name: 'SCARD_E_INVALID_HANDLE', kind: 'reader', text: 'the card handle is no longer valid' }],
  [SCARD.E_INVALID_PARAMETER, { name: 'SCARD_E_INVALID_PARAMETER', kind: 'reader', text: 'invalid parameter' }],
  [SCARD.E_INSUFFICIENT_BUFFER, { name: 'SCARD_E_INSUFFICIENT_BUFFER', kind: 'reader', text: 'the response did not fit the buffer' }],
  [SCARD.E_UNKNOWN_READER, { name: 'SCARD_E_UNKNOWN_READER', kind: 'reader', text: 'the reader is not known to pcscd' }],
  [SCARD.E_TIMEOUT, { name: 'SCARD_E_TIMEOUT', kind: 'reader', text: 'timed out' }],
  [SCARD.E_SHARING_VIOLATION, { name: 'SCARD_E_SHARING_VIOLATION', kind: 'reader', text: 'another process holds the card exclusively' }],
  [SCARD.E_NO_SMARTCARD, { name: 'SCARD_E_NO_SMARTCARD', kind: 'card', text: 'there is no card in the reader' }],
  [SCARD.E_PROTO_MISMATCH, { name: 'SCARD_E_PROTO_MISMATCH', kind: 'reader', text: 'the card does not offer the requested protocol' }],
  [SCARD.E_NOT_READY, { name: 'SCARD_E_NOT_READY', kind: 'reader', text: 'the reader or card is not ready' }],
  [SCARD.F_COMM_ERROR, { name: 'SCARD_F_COMM_ERROR', kind: 'service', text: 'the connection to pcscd broke (RPC transport error)' }],
  [SCARD.E_NOT_TRANSACTED, { name: 'SCARD_E_NOT_TRANSACTED', kind: 'card', text: 'the exchange with the card failed' }],
  [SCARD.E_READER_UNAVAILABLE, { name: 'SCARD_E_READER_UNAVAILABLE', kind: 'card', text: 'the reader went away' }],
  [SCARD.E_NO_SERVICE, { name: 'SCARD_E_NO_SERVICE', kind: 'service', text: 'pcscd is not running' }],
  [SCARD.E_SERVICE_STOPPED, { name: 'SCARD_E_SERVICE_STOPPED', kind: 'service', text: 'pcscd has shut down' }],
  [SCARD.E_NO_READERS_AVAILABLE, { name: 'SCARD_E_NO_READERS_AVAILABLE', kind: 'reader', text: 'no reader is attached' }],
  [SCARD.E_COMM_DATA_LOST, { name: 'SCARD_E_COMM_DATA_LOST', kind: 'card', text: 'data was lost between reader and card' }],
  [SCARD.W_UNSUPPORTED_CARD, { name: 'SCARD_W_UNSUPPORTED_CARD', kind: 'reader', text: 'the reader cannot talk to this card' }],
  [SCARD.W_UNRESPONSIVE_CARD, { name: 'SCARD_W_UNRESPONSIVE_CARD', kind: 'card', text: 'the card does not answer' }],
  [SCARD.W_UNPOWERED_CARD, { name: 'SCARD_W_UNPOWERED_CARD', kind: 'card', text: 'the card lost power' }],
  [SCARD.W_RESET_CARD, { name: 'SCARD_W_RESET_CARD', kind: 'card', text: 'the card was reset, its session state is gone' }],
  [SCARD.W_REMOVED_CARD, { name: 'SCARD_W_REMOVED_CARD', kind: 'card', text: 'the card was removed' }],
]);

/** What to do when pcscd cannot be reached. */
export const PCSCD_HINT =
  'start it with `systemctl start pcscd` (or run `pcscd` as root); if it is not installed: `apt-get install pcscd libccid`';

/** What to do when the `pcsclite` binding cannot be loaded. */
export const PCSCLITE_HINT =
  'install the PC/SC service and headers, then rebuild the binding: `apt-get install pcscd libpcsclite-dev libccid` and `npm rebuild pcsclite`';

/**
 * The PC/SC return code carried by an error from the `pcsclite` binding. The binding gives no
 * numeric property: it formats every failure as `<call> error: <text>(0x%.8lx)`, so the code is
 * read from that fixed suffix. Classification then goes by the number only.
 */
export function pcscErrorCode(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const match = /\(0x([0-9a-fA-F]{8})\)\s*$/.exec(error.message);
  return match?.[1] === undefined ? undefined : Number.parseInt(match[1], 16);
}

export function describePcscCode(code: number): string {
  const hex = `0x${code.toString(16).toUpperCase().padStart(8, '0')}`;
  const info = CODES.get(code);
  return info === undefined ? `PC/SC error ${hex}` : `${info.text} (${info.name} ${hex})`;
}

export function pcscErrorKind(code: number | undefined): PcscErrorKind | undefined {
  return code === undefined ? undefined : CODES.get(code)?.kind;
}

/** What failed: a transmit reaches the card; everything else talks only to pcscd or the reader. */
export interface PcscFailureContext {
  readonly operation: 'transmit' | 'connect' | 'context' | 'status' | 'disconnect';
  readonly reader?: string;
}

/**
 * Turns a failure of the binding into this layer's error family, by PC/SC code.
 * During a transmit, a `card` or `service` failure becomes `CardRemovedError`: the command may
 * have reached the card, so a write in flight must be treated as possibly torn. Outside a
 * transmit, a `service` failure is `ReaderUnavailableError` with what to start.
 */
export function classifyPcscError(error: unknown, context: PcscFailureContext): Error {
  const code = pcscErrorCode(error);
  const kind = pcscErrorKind(code);
  const where = context.reader === undefined ? `PC/SC ${context.operation}` : `PC/SC ${context.operation} on "${context.reader}"`;
  const what = code === undefined ? (error instanceof Error ? error.message : String(error)) : describePcscCode(code);
  const options = code === undefined ? { cause: error } : { cause: error, code };
  if (kind === 'card' || (kind === 'service' && context.operation === 'transmit')) {
    return new CardRemovedError(`${where} failed: ${what}; the card may have received part of the command`, {
      cause: kind === 'service' ? new ReaderUnavailableError(`${what}; ${PCSCD_HINT}`, options) : new ReaderError(what, options),
    });
  }
  if (kind === 'service') return new ReaderUnavailableError(`${where} failed: ${what}; ${PCSCD_HINT}`, options);
  return new ReaderError(`${where} failed: ${what}`, options);
}
