/**
 * Card operations of a terminal over a `CardChannel`: read and verify (SELECT plus as few
 * READ BINARY as the layout allows), and write the next value state (write authentication,
 * then UPDATE BINARY of the slot that is not current). Issuance is in `issue.ts`.
 */
import type { CardChannel } from '../reader/channel.js';
import { encodeCommand, type Command } from '../reader/iso7816.js';
import { MAX_SFI_OFFSET, selectEf, updateBinary } from './apdu.js';
import { openCardIo, type CardIo } from './card-io.js';
import { decodeHeader, isBlankHeader, type CardHeaderRecord } from './codec.js';
import { ApplicationNotFoundError, LayoutError, MalformedDataError } from './errors.js';
import type { KeyStore } from './keystore.js';
import { areaSize, grantRegion, headerRegion, slotRegion, type Layout, type Region } from './layout.js';
import { slotContext, verifyProgramme, type ProgrammeRead } from './programme.js';
import { sealSlot, type SlotIndex } from './slots.js';
import type { SlotState } from './types.js';
import { writeAuthScheme, type WriteAuthScheme } from './write-auth.js';

export interface CardContext {
  readonly layout: Layout;
  readonly keys: KeyStore;
  /** Overrides the scheme the layout names (a secure element, say). */
  readonly writeAuth?: WriteAuthScheme;
}

export interface CardRead {
  readonly readerName: string;
  readonly header: CardHeaderRecord;
  /** One entry per programme area in use, each with its own verification outcome. */
  readonly programmes: readonly ProgrammeRead[];
  /** APDUs the read took. */
  readonly apdus: number;
}

/** A slot write, computed before it is sent: what the journal records as the intent. */
export interface SlotWrite {
  readonly programmeIndex: number;
  readonly slotIndex: SlotIndex;
  readonly grantSerial: number;
  readonly state: SlotState;
  /** The exact bytes the slot will hold. */
  readonly image: Uint8Array;
  /** The exact command APDUs that write it, after write authentication (SELECT EF first when SFI cannot reach it). */
  readonly commands: readonly Uint8Array[];
}

/**
 * Reads the header and the programme areas in use and verifies each. Throws only when the
 * card as a whole cannot be read (no application, I/O, a header that is not ours);
 * a bad grant or bad slots are reported per programme.
 */
export async function readCard(channel: CardChannel, ctx: CardContext): Promise<CardRead> {
  const { layout, keys } = ctx;
  const io = openCardIo(channel, layout);
  await io.selectApplication();
  const [headerBytes = new Uint8Array(0), ...first] = await io.readRegions([headerRegion(layout), ...areaRegions(layout, 0)]);
  const header = checkHeader(headerBytes, layout);
  const areas: Uint8Array[][] = [first];
  if (header.programmeCount > 1) {
    const rest = await io.readRegions(range(1, header.programmeCount).flatMap((i) => areaRegions(layout, i)));
    for (let at = 0; at < rest.length; at += 3) areas.push(rest.slice(at, at + 3));
  }
  const programmes = areas.slice(0, header.programmeCount).map(([grant, a, b], index) => {
    if (!grant || !a || !b) throw new RangeError('programme area lost in reading');
    return verifyProgramme(header, index, grant, [a, b], keys);
  });
  return { readerName: channel.readerName, header, programmes: await confirmDoubtful(io, ctx, header, programmes), apdus: io.apdus };
}

/**
 * A slot that fails its MAC is normally a torn write, and the other slot is then current. But
 * bytes damaged on the way from the card look the same, and deciding on the older slot would
 * then overwrite the newest state. So a programme whose grant verifies but which has a bad slot
 * is read once more (one APDU, only in that case) and the second reading is the one that counts.
 * A bad grant only ever leads to a refusal, so it is not worth the APDU.
 */
async function confirmDoubtful(io: CardIo, ctx: CardContext, header: CardHeaderRecord, programmes: ProgrammeRead[]): Promise<ProgrammeRead[]> {
  const doubtful = programmes.filter((p) => p.status.kind !== 'bad-grant' && p.slots?.some((s) => s.kind === 'invalid'));
  if (doubtful.length === 0) return programmes;
  const again = await io.readRegions(doubtful.flatMap((p) => areaRegions(ctx.layout, p.index)));
  const confirmed = new Map(
    doubtful.map((p, i) => {
      const [grant, a, b] = again.slice(3 * i, 3 * i + 3);
      if (!grant || !a || !b) throw new RangeError('programme area lost in reading');
      return [p.index, verifyProgramme(header, p.index, grant, [a, b], ctx.keys)] as const;
    }),
  );
  return programmes.map((p) => confirmed.get(p.index) ?? p);
}

/**
 * Computes the write of `next` into the slot that is not current. Pure: the journal stores
 * the result as its intent before anything is sent.
 */
export function encodeSlotWrite(layout: Layout, keys: KeyStore, read: CardRead, programmeIndex: number, next: SlotState): SlotWrite {
  return planSlotWrite(layout, keys, read, programmeIndex, next).write;
}

function planSlotWrite(layout: Layout, keys: KeyStore, read: CardRead, programmeIndex: number, next: SlotState): { write: SlotWrite; commands: Command[] } {
  const programme = read.programmes[programmeIndex];
  if (!programme) throw new MalformedDataError(`the card has no programme ${programmeIndex}`);
  if (programme.status.kind !== 'ok' || !programme.grant) {
    throw programme.status.kind === 'ok' ? new MalformedDataError('programme without grant') : programme.status.error;
  }
  const current = programme.status.current;
  if (next.seq !== current.state.seq + 1) {
    throw new MalformedDataError(`next state must have seq ${current.state.seq + 1}, has ${next.seq}`);
  }
  const image = sealSlot(next, slotContext(read.header, programmeIndex, programme.grant), keys);
  const commands = writeCommands(layout, slotRegion(layout, programmeIndex, current.writeIndex), image);
  const write: SlotWrite = {
    programmeIndex,
    slotIndex: current.writeIndex,
    grantSerial: programme.grant.serial,
    state: next,
    image,
    commands: commands.map(encodeCommand),
  };
  return { write, commands };
}

/** What `resolveSlotWrite` needs of a write: enough for a journal to keep in its intent. */
export type PendingSlotWrite = Pick<SlotWrite, 'programmeIndex' | 'slotIndex' | 'grantSerial' | 'image'> & {
  readonly state: Pick<SlotState, 'seq'>;
};

export interface WriteResult {
  readonly slotIndex: SlotIndex;
  /** APDUs the write took: authentication plus UPDATE BINARY. */
  readonly apdus: number;
  readonly write: SlotWrite;
}

/**
 * Writes `next` as the programme's new state, on the channel `read` came from (the DF is
 * still selected). A `CardRemovedError` from here means the write is in doubt: read the card
 * again and ask `resolveSlotWrite`.
 */
export async function writeNextState(
  channel: CardChannel,
  ctx: CardContext,
  read: CardRead,
  programmeIndex: number,
  next: SlotState,
): Promise<WriteResult> {
  const { write, commands } = planSlotWrite(ctx.layout, ctx.keys, read, programmeIndex, next);
  const io = openCardIo(channel, ctx.layout);
  await authenticateForWrite(io, ctx, read.header);
  for (const cmd of commands) await io.send(cmd, `writing slot ${'AB'[write.slotIndex]} of programme ${programmeIndex}`);
  return { slotIndex: write.slotIndex, apdus: io.apdus, write };
}

/**
 * After an interrupted write, whether it reached the card, judged from a fresh read:
 * `landed` (the slot holds exactly the intended bytes), `not-landed` (the card moved on at most
 * one write past the old state without it), or `unknown` (overwritten since, or the grant changed).
 */
export function resolveSlotWrite(read: CardRead, write: PendingSlotWrite): 'landed' | 'not-landed' | 'unknown' {
  const programme = read.programmes[write.programmeIndex];
  if (!programme || programme.grant?.serial !== write.grantSerial) return 'unknown';
  const slot = programme.slotBytes[write.slotIndex];
  if (slot.length === write.image.length && slot.every((b, i) => b === write.image[i])) return 'landed';
  if (programme.status.kind !== 'ok') return 'unknown';
  return programme.status.current.state.seq <= write.state.seq + 1 ? 'not-landed' : 'unknown';
}

export async function authenticateForWrite(io: CardIo, ctx: CardContext, header: CardHeaderRecord): Promise<void> {
  const scheme = ctx.writeAuth ?? writeAuthScheme(ctx.layout.writeAuth);
  await scheme.authenticate(io, { cardId: header.cardId, authKeyVersion: header.authKeyVersion }, ctx.keys);
}

/** Grant region, slot A and slot B of programme `index`. */
export function areaRegions(layout: Layout, index: number): Region[] {
  return [grantRegion(layout, index), slotRegion(layout, index, 0), slotRegion(layout, index, 1)];
}

export function checkHeader(bytes: Uint8Array, layout: Layout): CardHeaderRecord {
  if (isBlankHeader(bytes)) throw new ApplicationNotFoundError('the application is on the card but was never personalised (blank header)');
  const header = decodeHeader(bytes);
  if (header.areaSize !== areaSize(layout)) {
    throw new LayoutError(`the card's programme areas are ${header.areaSize} bytes, the layout's ${areaSize(layout)}: wrong layout for this card`);
  }
  if (header.programmeCount > layout.capacity) {
    throw new LayoutError(`the card claims ${header.programmeCount} programmes, the layout has room for ${layout.capacity}`);
  }
  return header;
}

/**
 * SELECT EF (when needed) and UPDATE BINARY commands that put `data` at `region`. By SFI when
 * every chunk starts within its reach, which saves the SELECT; otherwise select the EF first.
 */
export function writeCommands(layout: Layout, region: Pick<Region, 'file' | 'offset'>, data: Uint8Array): Command[] {
  const { file, offset } = region;
  const chunkStarts = range(0, Math.ceil(data.length / layout.maxWriteLength)).map((i) => i * layout.maxWriteLength);
  const sfi = file.sfi !== undefined && chunkStarts.every((at) => offset + at <= MAX_SFI_OFFSET) ? file.sfi : undefined;
  const updates = chunkStarts.map((at) =>
    updateBinary(sfi === undefined ? { currentEf: true, offset: offset + at } : { sfi, offset: offset + at }, data.subarray(at, at + layout.maxWriteLength)),
  );
  return sfi === undefined ? [selectEf(file.fid), ...updates] : updates;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
