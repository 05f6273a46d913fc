/**
 * One small error family for the reader layer. Callers branch on the class, never on text:
 * - `ReaderError`: the reader or the PC/SC service failed; the card was not reached.
 * - `CardRemovedError`: the card left the field; a write in flight may be torn.
 * - `CardIoError`: the card answered, but not with a well-formed response APDU.
 * - `StatusWordError`: the card answered a well-formed APDU with a failing status word.
 * - `ReaderUnavailableError`: the backend cannot run here (library or daemon missing).
 */
export class ReaderError extends Error {
  override readonly name: string = 'ReaderError';
  /** PC/SC return code when the failure came from PC/SC. */
  readonly code: number | undefined;
  constructor(message: string, options?: { cause?: unknown; code?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = options?.code;
  }
}

export class ReaderUnavailableError extends ReaderError {
  override readonly name = 'ReaderUnavailableError';
}

export class CardRemovedError extends Error {
  override readonly name = 'CardRemovedError';
  /** True when the card may have received part of a command before it left. */
  readonly tearPossible = true;
  constructor(message = 'the card left the reader', options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class CardIoError extends Error {
  override readonly name = 'CardIoError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class StatusWordError extends Error {
  override readonly name = 'StatusWordError';
  readonly sw: number;
  constructor(sw: number, context: string) {
    super(`${context}: card answered status ${sw.toString(16).padStart(4, '0').toUpperCase()} (${describeStatus(sw)})`);
    this.sw = sw;
  }
}

const STATUS_TEXT: Record<number, string> = {
  0x6281: 'part of returned data may be corrupted',
  0x6282: 'end of file reached before reading Le bytes',
  0x6581: 'memory failure',
  0x6700: 'wrong length',
  0x6882: 'secure messaging not supported',
  0x6982: 'security status not satisfied',
  0x6983: 'authentication method blocked',
  0x6984: 'reference data not usable',
  0x6985: 'conditions of use not satisfied',
  0x6986: 'command not allowed (no current EF)',
  0x6a80: 'incorrect parameters in the data field',
  0x6a81: 'function not supported',
  0x6a82: 'file or application not found',
  0x6a86: 'incorrect parameters P1-P2',
  0x6a88: 'referenced data not found',
  0x6b00: 'wrong parameters (offset outside the EF)',
  0x6d00: 'instruction not supported',
  0x6e00: 'class not supported',
  0x6f00: 'no precise diagnosis',
};

export function describeStatus(sw: number): string {
  if ((sw & 0xfff0) === 0x63c0) return `verification failed, ${sw & 0x0f} tries left`;
  return STATUS_TEXT[sw] ?? 'unknown status';
}
