/**
 * Big-endian field access with bounds checks. Every read past the end throws
 * `TruncatedDataError`, so a short or garbled card answer can never surface as a
 * `RangeError` from a typed array.
 */
import { MalformedDataError, TruncatedDataError } from './errors.js';

export class ByteReader {
  private at = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly record: string,
  ) {}

  get offset(): number {
    return this.at;
  }

  take(length: number): Uint8Array {
    if (this.at + length > this.bytes.length) {
      throw new TruncatedDataError(`${this.record}: needs ${this.at + length} bytes, has ${this.bytes.length}`);
    }
    const out = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }

  u8(): number {
    return this.uint(1);
  }

  u16(): number {
    return this.uint(2);
  }

  u24(): number {
    return this.uint(3);
  }

  u32(): number {
    return this.uint(4);
  }

  private uint(width: number): number {
    let n = 0;
    for (const b of this.take(width)) n = n * 256 + b;
    return n;
  }
}

export class ByteWriter {
  private readonly out: Uint8Array;
  private at = 0;
  constructor(
    length: number,
    private readonly record: string,
  ) {
    this.out = new Uint8Array(length);
  }

  bytes(value: Uint8Array): this {
    this.out.set(value, this.at);
    this.at += value.length;
    return this;
  }

  u8(value: number, field: string): this {
    return this.uint(value, 1, field);
  }

  u16(value: number, field: string): this {
    return this.uint(value, 2, field);
  }

  u24(value: number, field: string): this {
    return this.uint(value, 3, field);
  }

  u32(value: number, field: string): this {
    return this.uint(value, 4, field);
  }

  /** The buffer; checks that every byte was written, so a layout slip shows up at once. */
  done(): Uint8Array {
    if (this.at !== this.out.length) throw new RangeError(`${this.record}: wrote ${this.at} of ${this.out.length} bytes`);
    return this.out;
  }

  private uint(value: number, width: number, field: string): this {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** (8 * width)) {
      throw new MalformedDataError(`${this.record}: ${field} = ${value} does not fit ${width} byte(s)`);
    }
    for (let i = width - 1; i >= 0; i--) {
      this.out[this.at + i] = value % 256;
      value = Math.floor(value / 256);
    }
    this.at += width;
    return this;
  }
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function allBytes(bytes: Uint8Array, value: number): boolean {
  return bytes.every((b) => b === value);
}

/** Card IDs travel as upper-case hex strings; this is the one place they become bytes. */
export function cardIdBytes(cardId: string, width: number): Uint8Array {
  if (!new RegExp(`^[0-9A-Fa-f]{${width * 2}}$`).test(cardId)) {
    throw new MalformedDataError(`card ID must be ${width * 2} hex digits, got "${cardId}"`);
  }
  return new Uint8Array(Buffer.from(cardId, 'hex'));
}

export function hexUpper(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}
