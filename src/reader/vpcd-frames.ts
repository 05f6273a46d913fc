/**
 * The vpcd socket protocol (vsmartcard's `vpcd.c`): every message either way is a 2-byte
 * big-endian length followed by that many bytes. From vpcd, a 1-byte payload is a control code
 * and anything longer is a command APDU; the card answers ATR requests and APDUs only.
 */
export const VPCD_LENGTH_BYTES = 2;
export const VPCD_MAX_PAYLOAD = 0xffff;

/** Control codes vpcd sends as a 1-byte payload. */
export const VpcdControl = {
  POWER_OFF: 0x00,
  POWER_ON: 0x01,
  RESET: 0x02,
  /** Asks for the ATR; also how vpcd polls whether a card is present. */
  GET_ATR: 0x04,
} as const;

export function encodeVpcdFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > VPCD_MAX_PAYLOAD) throw new RangeError(`vpcd frame of ${payload.length} bytes exceeds ${VPCD_MAX_PAYLOAD}`);
  const frame = new Uint8Array(VPCD_LENGTH_BYTES + payload.length);
  frame[0] = payload.length >>> 8;
  frame[1] = payload.length & 0xff;
  frame.set(payload, VPCD_LENGTH_BYTES);
  return frame;
}

export interface VpcdFrameParser {
  /** Feeds bytes as they come off the socket; calls `onFrame` once per complete frame, in order. */
  push(chunk: Uint8Array): void;
  /** Bytes received that do not yet form a whole frame. */
  readonly pending: number;
}

/**
 * A stream parser: TCP may split a frame over several chunks or pack several frames (and the
 * start of the next) into one, and vpcd itself writes the length and the payload separately.
 */
export function createVpcdFrameParser(onFrame: (payload: Uint8Array) => void): VpcdFrameParser {
  let buffer = new Uint8Array(0);
  return {
    push(chunk) {
      const joined = new Uint8Array(buffer.length + chunk.length);
      joined.set(buffer, 0);
      joined.set(chunk, buffer.length);
      const frames: Uint8Array[] = [];
      let at = 0;
      while (joined.length - at >= VPCD_LENGTH_BYTES) {
        const length = ((joined[at] ?? 0) << 8) | (joined[at + 1] ?? 0);
        if (joined.length - at - VPCD_LENGTH_BYTES < length) break;
        const start = at + VPCD_LENGTH_BYTES;
        at = start + length;
        frames.push(joined.slice(start, at));
      }
      // Settled before any callback runs, so a throwing callback cannot desynchronise the stream.
      buffer = joined.slice(at);
      for (const frame of frames) onFrame(frame);
    },
    get pending() {
      return buffer.length;
    },
  };
}
