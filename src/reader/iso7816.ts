import type { CardChannel } from './channel.js';
import { CardIoError } from './errors.js';

/** A response APDU split into its data and its status word. */
export interface Response {
  readonly data: Uint8Array;
  readonly sw: number;
}

export const SW_OK = 0x9000;

/** Short APDU header: CLA INS P1 P2. */
export interface Command {
  cla?: number;
  ins: number;
  p1: number;
  p2: number;
  /** Command data (Lc is derived). At most 255 bytes: short APDUs only. */
  data?: Uint8Array;
  /** Expected response length: 1..256 (256 is sent as 00). Omitted: no Le. */
  le?: number;
}

export function encodeCommand(cmd: Command): Uint8Array {
  const data = cmd.data ?? new Uint8Array(0);
  if (data.length > 255) throw new RangeError(`command data of ${data.length} bytes does not fit a short APDU`);
  if (cmd.le !== undefined && (cmd.le < 1 || cmd.le > 256)) throw new RangeError(`Le ${cmd.le} is outside 1..256`);
  const out = new Uint8Array(4 + (data.length > 0 ? 1 + data.length : 0) + (cmd.le !== undefined ? 1 : 0));
  out[0] = cmd.cla ?? 0x00;
  out[1] = cmd.ins;
  out[2] = cmd.p1;
  out[3] = cmd.p2;
  let at = 4;
  if (data.length > 0) {
    out[at++] = data.length;
    out.set(data, at);
    at += data.length;
  }
  if (cmd.le !== undefined) out[at] = cmd.le & 0xff;
  return out;
}

export function splitResponse(raw: Uint8Array): Response {
  if (raw.length < 2) throw new CardIoError(`response of ${raw.length} bytes has no status word`);
  const sw = ((raw[raw.length - 2] ?? 0) << 8) | (raw[raw.length - 1] ?? 0);
  return { data: raw.subarray(0, raw.length - 2), sw };
}

/** ISO 7816-4 GET RESPONSE: fetches the bytes a `61xx` status announced. */
const INS_GET_RESPONSE = 0xc0;
/** Bounds the `61xx` chain so a misbehaving card cannot keep us looping. */
const MAX_CHAINED_RESPONSES = 16;

/**
 * Sends a command and follows the transport-level status words of ISO 7816-4:
 * `61xx` (more data: GET RESPONSE with Le = xx, concatenated) and `6Cxx` (wrong Le:
 * the same command again with Le = xx). Returns the final status word; mapping it to an
 * outcome is the caller's business.
 */
export async function transceive(channel: CardChannel, cmd: Command): Promise<Response> {
  let res = splitResponse(await channel.transmit(encodeCommand(cmd)));
  if ((res.sw & 0xff00) === 0x6c00) {
    res = splitResponse(await channel.transmit(encodeCommand({ ...cmd, le: (res.sw & 0xff) || 256 })));
  }
  const chunks: Uint8Array[] = [res.data];
  let rounds = 0;
  while ((res.sw & 0xff00) === 0x6100) {
    if (++rounds > MAX_CHAINED_RESPONSES) throw new CardIoError('card kept answering 61xx: response chain too long');
    res = splitResponse(
      await channel.transmit(
        encodeCommand({ cla: cmd.cla ?? 0, ins: INS_GET_RESPONSE, p1: 0, p2: 0, le: (res.sw & 0xff) || 256 }),
      ),
    );
    chunks.push(res.data);
  }
  return { data: concat(chunks), sw: res.sw };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:]/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) throw new TypeError(`not hex: ${hex.slice(0, 40)}`);
  return new Uint8Array(Buffer.from(clean, 'hex'));
}
