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
  let apdus = 0;
  let currentEf: string | null = null;
  const counted: CardChannel = {
    readerName: channel.readerName,
    atr: channel.atr,
    transmit: (command) => {
      apdus += 1;
      return channel.transmit(command);
    },
  };
  const exchange = (cmd: Command) => transceive(counted, cmd);
  const send = async (cmd: Command, what: string) => {
    const res = await exchange(cmd);
    if (res.sw !== SW_OK) throw new CardStatusError(res.sw, what);
    return res.data;
  };

  const address = async (file: LayoutFile, offset: number): Promise<BinaryAddress> => {
    if (file.sfi !== undefined && offset <= MAX_SFI_OFFSET) return { sfi: file.sfi, offset };
    if (currentEf !== file.name) {
      const res = await exchange(selectEf(file.fid));
      if (res.sw === SW_FILE_NOT_FOUND) throw new LayoutError(`EF ${hex4(file.fid)} (${file.name}) is not on the card: it is not laid out as configured`);
      if (res.sw !== SW_OK) throw new CardStatusError(res.sw, `SELECT EF ${hex4(file.fid)}`);
      currentEf = file.name;
    }
    return { currentEf: true, offset };
  };

  const readSpan = async (file: LayoutFile, offset: number, length: number): Promise<Uint8Array> => {
    const out = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const want = Math.min(length - got, layout.maxReadLength);
      const at = await address(file, offset + got);
      const res = await exchange(readBinary(at, want));
      if (res.sw !== SW_OK && res.sw !== SW_END_OF_FILE) throw new CardStatusError(res.sw, `READ BINARY ${file.name} at ${offset + got}`);
      if (res.data.length > want) throw new CardIoError(`READ BINARY answered ${res.data.length} bytes to Le ${want}`);
      if (res.data.length === 0 || (res.sw === SW_END_OF_FILE && got + res.data.length < length)) {
        throw new TruncatedDataError(`${file.name} ends at ${offset + got + res.data.length}, before the ${length} bytes the layout places there`);
      }
      out.set(res.data, got);
      got += res.data.length;
    }
    return out;
  };

  return {
    layout,
    get apdus() {
      return apdus;
    },
    send,
    exchange,
    async selectApplication() {
      currentEf = null;
      const res = await exchange(selectAid(aidBytes(layout)));
      if (res.sw === SW_FILE_NOT_FOUND) throw new ApplicationNotFoundError(`the card has no application ${layout.aid}`);
      if (res.sw !== SW_OK) throw new CardStatusError(res.sw, `SELECT ${layout.aid}`);
    },
    async readRegions(regions) {
      const spans = coalesce(regions);
      const bytes: Uint8Array[] = [];
      for (const s of spans) bytes.push(await readSpan(s.file, s.offset, s.length));
      return regions.map((r) => {
        const i = spans.findIndex((s) => s.file.name === r.file.name && s.offset <= r.offset && r.offset + r.length <= s.offset + s.length);
        const span = spans[i];
        const data = bytes[i];
        if (!span || !data) throw new RangeError('region lost in coalescing');
        return data.slice(r.offset - span.offset, r.offset - span.offset + r.length);
      });
    },
    async write(file, offset, data) {
      for (let done = 0; done < data.length; ) {
        const chunk = data.subarray(done, done + layout.maxWriteLength);
        const at = await address(file, offset + done);
        const res = await exchange(updateBinary(at, chunk));
        if (res.sw === SW_SECURITY_NOT_SATISFIED) {
          throw new WriteAuthenticationError(`UPDATE BINARY ${file.name} at ${offset + done}: the card requires write authentication first`, {
            cause: new CardStatusError(res.sw, 'UPDATE BINARY'),
          });
        }
        if (res.sw !== SW_OK) throw new CardStatusError(res.sw, `UPDATE BINARY ${file.name} at ${offset + done}`);
        done += chunk.length;
      }
    },
  };
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
