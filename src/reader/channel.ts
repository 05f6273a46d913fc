/**
 * The bottom of the stack: bytes in, bytes out. A `CardChannel` is one card on one reader,
 * already powered and connected. It knows nothing of records, apps or SQL.
 */
export interface CardChannel {
  /** Name of the reader the card sits on (PC/SC reader name, or `emulator:<card>`). */
  readonly readerName: string;
  /** Answer-to-reset of the card, as returned when it was powered. */
  readonly atr: Uint8Array;
  /**
   * Sends one command APDU and returns the whole response APDU, data followed by SW1 SW2.
   * Rejects with a `ReaderError` (the reader failed), a `CardRemovedError` (the card left the
   * field: a write in flight may be torn) or a `CardIoError` (the card answered garbage).
   * Status words are not errors at this level; `transceive` in `iso7816.ts` maps them.
   */
  transmit(command: Uint8Array): Promise<Uint8Array>;
}
