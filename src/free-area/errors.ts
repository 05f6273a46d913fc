/**
 * The error family of the free-area layer. Every class has a stable `name` and an optional
 * `cause`; callers branch on the class, never on the message.
 *
 * Record-level failures (the bytes are wrong): `TruncatedDataError`, `MalformedDataError`,
 * `UnknownFormatVersionError`, `BadSignatureError`, `BadMacError`, `WrongCardIdError`,
 * `UnknownKeyVersionError`.
 * Card-level failures (the card said no): `ApplicationNotFoundError`, `WriteAuthenticationError`,
 * `CardStatusError`. Configuration: `LayoutError`.
 * Reader failures (`CardRemovedError`, `CardIoError`, `ReaderError` from `src/reader`) pass
 * through unchanged, because the journal needs to tell "the card left mid-write" apart.
 */
import { describeStatus } from '../reader/errors.js';

export class FreeAreaError extends Error {
  override readonly name: string = 'FreeAreaError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** The bytes end before the record does. */
export class TruncatedDataError extends FreeAreaError {
  override readonly name = 'TruncatedDataError';
}

/** A field holds a value the format does not allow (bad magic, unit, length, reserved bits). */
export class MalformedDataError extends FreeAreaError {
  override readonly name = 'MalformedDataError';
}

/** A record carries a format version this code does not know. */
export class UnknownFormatVersionError extends FreeAreaError {
  override readonly name = 'UnknownFormatVersionError';
  readonly version: number;
  constructor(record: string, version: number) {
    super(`${record} has format version ${version}, which this terminal does not know`);
    this.version = version;
  }
}

/** The issuer signature over a grant does not verify: forged or damaged. */
export class BadSignatureError extends FreeAreaError {
  override readonly name = 'BadSignatureError';
}

/** A value-state slot's MAC does not verify: torn, damaged or forged. */
export class BadMacError extends FreeAreaError {
  override readonly name = 'BadMacError';
}

/** A record names a card ID other than the card's header. */
export class WrongCardIdError extends FreeAreaError {
  override readonly name = 'WrongCardIdError';
}

/** A record was made under a key version this key store does not hold. */
export class UnknownKeyVersionError extends FreeAreaError {
  override readonly name = 'UnknownKeyVersionError';
  readonly purpose: KeyPurpose;
  readonly version: number;
  constructor(purpose: KeyPurpose, version: number) {
    super(`no ${purpose} key of version ${version} in the key store`);
    this.purpose = purpose;
    this.version = version;
  }
}

export type KeyPurpose = 'issuer' | 'mac' | 'auth';

/** The layout configuration is invalid, or the card is not laid out the way it says. */
export class LayoutError extends FreeAreaError {
  override readonly name = 'LayoutError';
}

/** SELECT of our application's AID failed: the card does not carry the application. */
export class ApplicationNotFoundError extends FreeAreaError {
  override readonly name = 'ApplicationNotFoundError';
}

/** The card refused our write authentication (wrong key, or the method is blocked). */
export class WriteAuthenticationError extends FreeAreaError {
  override readonly name = 'WriteAuthenticationError';
}

/** The card answered a command with a failing status word. */
export class CardStatusError extends FreeAreaError {
  override readonly name = 'CardStatusError';
  readonly sw: number;
  constructor(sw: number, context: string, options?: { cause?: unknown }) {
    super(`${context}: card answered ${sw.toString(16).padStart(4, '0').toUpperCase()} (${describeStatus(sw)})`, options);
    this.sw = sw;
  }
}

/** A key file is missing, malformed, or readable by others than its owner. */
export class KeyStoreError extends FreeAreaError {
  override readonly name = 'KeyStoreError';
}
