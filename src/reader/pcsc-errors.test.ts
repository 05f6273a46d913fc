import { describe, expect, it } from 'vitest';
import { CardRemovedError, ReaderError, ReaderUnavailableError } from './errors.js';
import { classifyPcscError, describePcscCode, pcscErrorCode, pcscErrorKind, SCARD } from './pcsc-errors.js';

/** Errors exactly as the pcsclite binding formats them: `<call> error: <text>(0x%.8lx)`. */
const bindingError = (call: string, text: string, code: number) =>
  new Error(`${call} error: ${text}(0x${code.toString(16).padStart(8, '0')})`);

describe('pcscErrorCode', () => {
  it('reads the PC/SC code from the suffix the binding puts on every message', () => {
    expect(pcscErrorCode(bindingError('SCardTransmit', 'Card was removed.', SCARD.W_REMOVED_CARD))).toBe(0x80100069);
    expect(pcscErrorCode(new Error('SCardGetStatusChange error: RPC transport error.(0x80100013)'))).toBe(0x80100013);
  });

  it('gives undefined for errors that carry no PC/SC code', () => {
    expect(pcscErrorCode(new Error('Card Reader not connected'))).toBeUndefined();
    expect(pcscErrorCode('SCardTransmit error (0x80100069)')).toBeUndefined();
    expect(pcscErrorCode(undefined)).toBeUndefined();
  });
});

describe('the code table', () => {
  it.each([
    [SCARD.W_REMOVED_CARD, 'card'],
    [SCARD.E_NO_SMARTCARD, 'card'],
    [SCARD.W_RESET_CARD, 'card'],
    [SCARD.W_UNPOWERED_CARD, 'card'],
    [SCARD.W_UNRESPONSIVE_CARD, 'card'],
    [SCARD.E_NOT_TRANSACTED, 'card'],
    [SCARD.E_COMM_DATA_LOST, 'card'],
    [SCARD.E_READER_UNAVAILABLE, 'card'],
    [SCARD.F_COMM_ERROR, 'service'],
    [SCARD.E_NO_SERVICE, 'service'],
    [SCARD.E_SERVICE_STOPPED, 'service'],
    [SCARD.E_SHARING_VIOLATION, 'reader'],
    [SCARD.E_PROTO_MISMATCH, 'reader'],
    [SCARD.E_INVALID_HANDLE, 'reader'],
    [SCARD.E_TIMEOUT, 'reader'],
  ] as const)('classifies PC/SC code %i as a %s failure', (code, kind) => {
    expect(pcscErrorKind(code)).toBe(kind);
  });

  it('names known codes and still shows the number of unknown ones', () => {
    expect(describePcscCode(SCARD.W_REMOVED_CARD)).toBe('the card was removed (SCARD_W_REMOVED_CARD 0x80100069)');
    expect(describePcscCode(0x80100099)).toBe('PC/SC error 0x80100099');
    expect(pcscErrorKind(0x80100099)).toBeUndefined();
  });
});

describe('classifyPcscError', () => {
  it('makes a removed card during a transmit a CardRemovedError whose cause keeps the code', () => {
    const error = classifyPcscError(bindingError('SCardTransmit', 'Card was removed.', SCARD.W_REMOVED_CARD), {
      operation: 'transmit',
      reader: 'R1',
    });
    expect(error).toBeInstanceOf(CardRemovedError);
    expect(error.message).toContain('"R1"');
    expect((error.cause as ReaderError).code).toBe(SCARD.W_REMOVED_CARD);
  });

  it('treats a reset card as gone, because its session state is lost', () => {
    const error = classifyPcscError(bindingError('SCardTransmit', 'Card was reset.', SCARD.W_RESET_CARD), { operation: 'transmit' });
    expect(error).toBeInstanceOf(CardRemovedError);
  });

  it('treats pcscd dying in the middle of a transmit as a possible tear', () => {
    const error = classifyPcscError(bindingError('SCardTransmit', 'RPC transport error.', SCARD.F_COMM_ERROR), { operation: 'transmit' });
    expect(error).toBeInstanceOf(CardRemovedError);
    expect(error.cause).toBeInstanceOf(ReaderUnavailableError);
  });

  it('says how to start pcscd when the context cannot be established', () => {
    const error = classifyPcscError(bindingError('SCardEstablishContext', 'Service not available.', SCARD.E_NO_SERVICE), {
      operation: 'context',
    });
    expect(error).toBeInstanceOf(ReaderUnavailableError);
    expect((error as ReaderUnavailableError).code).toBe(SCARD.E_NO_SERVICE);
    expect(error.message).toContain('systemctl start pcscd');
    expect(error.message).toContain('apt-get install pcscd');
  });

  it('keeps a refused request a plain ReaderError with its code', () => {
    const error = classifyPcscError(bindingError('SCardConnect', 'Sharing violation.', SCARD.E_SHARING_VIOLATION), {
      operation: 'connect',
      reader: 'R1',
    });
    expect(error).toBeInstanceOf(ReaderError);
    expect(error).not.toBeInstanceOf(ReaderUnavailableError);
    expect((error as ReaderError).code).toBe(SCARD.E_SHARING_VIOLATION);
  });

  it('does not classify by message text: the same words with another code stay a reader error', () => {
    const error = classifyPcscError(bindingError('SCardTransmit', 'Card was removed.', SCARD.E_INVALID_HANDLE), { operation: 'transmit' });
    expect(error).toBeInstanceOf(ReaderError);
    expect(error).not.toBeInstanceOf(CardRemovedError);
  });

  it('wraps an error without a code as a ReaderError that keeps the original as cause', () => {
    const original = new Error('Card Reader not connected');
    const error = classifyPcscError(original, { operation: 'transmit' });
    expect(error).toBeInstanceOf(ReaderError);
    expect((error as ReaderError).code).toBeUndefined();
    expect(error.cause).toBe(original);
  });
});
