/**
 * One conversation with our application on one card: SELECT of the DF, reads of layout
 * regions (coalesced, by SFI where it reaches), writes, and an APDU count. Status words
 * become typed errors here; reader errors (card removed, garbage) pass through.
 */
import type { CardChannel } from '../reader/channel.js';
import { CardIoError } from '../reader/errors.js';
import { SW_OK, toHex, transceive, type Command, type Response } from '../reader/iso7816.js';
import { MAX_SFI_OFFSET, readBinary, selectAid, selectEf, updateBinary, type BinaryAddress } from './apdu.js';
import { ApplicationNotFoundError, CardStatusError, LayoutError, TruncatedDataError, WriteAuthenticationError } from './errors.js';
import { aidBytes, type Layout, type LayoutFile, type Region } from './layout.js';

const SW_FILE_NOT_FOUND = 0x6a82;
const SW_END_OF_FILE = 0x6282;
const SW_SECURITY_NOT_SATISFIED = 0x6982;
/** Regions this close together are read as one: a few spare bytes cost less than an APDU. */
const MERGE_GAP = 32;

export interface CardIo {
  readonly layout: Layout;
  /** APDUs sent so far, GET RESPONSE and 6Cxx repeats included. */
  readonly apdus: number;
  /** Sends a command; anything but 9000 throws `CardStatusError` naming `what`. */
  send(cmd: Command, what: string): Promise<Uint8Array>;
  /** Sends a command and returns data and status word as they came. */
  exchange(cmd: Command): Promise<Response>;
  selectApplication(): Promise<void>;
  readRegions(regions: readonly Region[]): Promise<Uint8Array[]>;
  write(file: LayoutFile, offset: number, data: Uint8Array): Promise<void>;
}

export function openCardIo(channel: CardChannel, layout: Layout): CardIo {
  return new Conversation(channel, layout);
}

class Conversation implements CardIo {
  private sent = 0;
  /** EF selected by FID in this conversation; SFI access is not assumed to change it. */
  private currentEf: string | null = null;
  private readonly counted: CardChannel;

  constructor(
    channel: CardChannel,
    readonly layout: Layout,
  ) {
    this.counted = {
      readerName: channel.readerName,
      atr: channel.atr,
      transmit: (command) => {
        this.sent += 1;
        return channel.transmit(command);
      },
    };
  }

  get apdus(): number {
    return this.sent;
  }

  exchange(cmd: Command): Promise<Response> {
    return transceive(this.counted, cmd);
  }

  async send(cmd: Command, what: string): Promise<Uint8Array> {
    const res = await this.exchange(cmd);
    if (res.sw !== SW_OK) throw new CardStatusError(res.sw, what);
    return res.data;
  }

  async selectApplication(): Promise<void> {
    this.currentEf = null;
    const res = await this.exchange(selectAid(aidBytes(this.layout)));
    if (res.sw === SW_FILE_NOT_FOUND) throw new ApplicationNotFoundError(`the card has no application ${this.layout.aid}`);
    if (res.sw !== SW_OK) throw new CardStatusError(res.sw, `SELECT ${this.layout.aid}`);
  }

  async readRegions(regions: readonly Region[]): Promise<Uint8Array[]> {
    const spans = coalesce(regions);
    const bytes: Uint8Array[] = [];
    for (const s of spans) bytes.push(await this.readSpan(s.file, s.offset, s.length));
    return regions.map((r) => {
      const i = spans.findIndex((s) => s.file.name === r.file.name && s.offset <= r.offset && r.offset + r.length <= s.offset + s.length);
      const span = spans[i];
      const data = bytes[i];
      if (!span || !data) throw new RangeError('region lost in coalescing');
      return data.slice(r.offset - span.offset, r.offset - span.offset + r.length);
    });
  }

  async write(file: LayoutFile, offset: number, data: Uint8Array): Promise<void> {
    for (let done = 0; done < data.length; ) {
      const chunk = data.subarray(done, done + this.layout.maxWriteLength);
      const res = await this.exchange(updateBinary(await this.address(file, offset + done), chunk));
      if (res.sw === SW_SECURITY_NOT_SATISFIED) {
        throw new WriteAuthenticationError(`UPDATE BINARY ${file.name} at ${offset + done}: the card requires write authentication first`, {
          cause: new CardStatusError(res.sw, 'UPDATE BINARY'),
        });
      }
      if (res.sw !== SW_OK) throw new CardStatusError(res.sw, `UPDATE BINARY ${file.name} at ${offset + done}`);
      done += chunk.length;
    }
  }

  /** Reads `length` bytes in as many READ BINARY as the card needs: it may answer fewer than asked. */
  private async readSpan(file: LayoutFile, offset: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    for (let got = 0; got < length; ) {
      const want = Math.min(length - got, this.layout.maxReadLength);
      const res = await this.exchange(readBinary(await this.address(file, offset + got), want));
      if (res.sw !== SW_OK && res.sw !== SW_END_OF_FILE) throw new CardStatusError(res.sw, `READ BINARY ${file.name} at ${offset + got}`);
      if (res.data.length > want) throw new CardIoError(`READ BINARY answered ${res.data.length} bytes to Le ${want}`);
      if (res.data.length === 0 || (res.sw === SW_END_OF_FILE && got + res.data.length < length)) {
        throw new TruncatedDataError(`${file.name} ends at ${offset + got + res.data.length}, before the ${length} bytes the layout places there`);
      }
      out.set(res.data, got);
      got += res.data.length;
    }
    return out;
  }

  /** By SFI where P2 reaches the offset, which saves a SELECT; otherwise the EF selected once. */
  private async address(file: LayoutFile, offset: number): Promise<BinaryAddress> {
    if (file.sfi !== undefined && offset <= MAX_SFI_OFFSET) return { sfi: file.sfi, offset };
    if (this.currentEf !== file.name) {
      const res = await this.exchange(selectEf(file.fid));
      if (res.sw === SW_FILE_NOT_FOUND) throw new LayoutError(`EF ${hex4(file.fid)} (${file.name}) is not on the card: it is not laid out as configured`);
      if (res.sw !== SW_OK) throw new CardStatusError(res.sw, `SELECT EF ${hex4(file.fid)}`);
      this.currentEf = file.name;
    }
    return { currentEf: true, offset };
  }
}

/** Merges regions of one file that touch, overlap or nearly touch, so each is one read. */
export function coalesce(regions: readonly Region[]): Region[] {
  const sorted = [...regions].sort((a, b) => a.file.name.localeCompare(b.file.name) || a.offset - b.offset);
  const spans: Region[] = [];
  for (const r of sorted) {
    const last = spans[spans.length - 1];
    if (last && last.file.name === r.file.name && r.offset <= last.offset + last.length + MERGE_GAP) {
      const end = Math.max(last.offset + last.length, r.offset + r.length);
      spans[spans.length - 1] = { file: last.file, offset: last.offset, length: end - last.offset };
    } else {
      spans.push(r);
    }
  }
  return spans;
}

function hex4(fid: number): string {
  return toHex(Uint8Array.of(fid >> 8, fid & 0xff));
}
