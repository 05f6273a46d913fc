/**
 * Issuance at the counter (and by the development CLI): writes the header if the card has
 * none yet, then each grant with two empty slots. A grant for a programme the card already
 * carries replaces it (higher serial only) and starts its value state afresh, so the office
 * puts any remaining allowance into the new grant's amount.
 *
 * Order matters for a card pulled away mid-issue: grant first, then slots, then the header's
 * programme count. A torn issue leaves either the old programme list or a programme whose
 * slots fail their MAC (refused at terminals) until the counter repeats the issue, which is
 * idempotent: an identical grant already on the card is not written again.
 */
import type { CardChannel } from '../reader/channel.js';
import { equalBytes } from './bytes.js';
import { openCardIo, type CardIo } from './card-io.js';
import { decodeGrant, encodeHeader, isBlankHeader, type CardHeaderRecord } from './codec.js';
import { signGrant, verifyGrant, type GrantFields, type IssuerSigner, type SignedGrant } from './crypto.js';
import { LayoutError, MalformedDataError } from './errors.js';
import { FORMAT_VERSION, SLOT } from './format.js';
import { areaSize, grantRegion, headerRegion, slotRegion, type Layout } from './layout.js';
import { authenticateForWrite, checkHeader, type CardContext } from './operations.js';
import type { ProgrammeId } from './types.js';

/** A grant for the office's signer to sign once the card's ID is known. */
export type GrantRequest = Omit<GrantFields, 'cardId'>;

export interface IssueContext extends CardContext {
  /** Signs `GrantRequest`s; not needed when every grant comes signed. */
  readonly signer?: IssuerSigner;
}

export interface IssueOptions {
  /** Card ID for a card whose application has no header yet; its write key must already be K_auth for this ID. */
  readonly cardId?: string;
}

export interface IssuedProgramme {
  readonly index: number;
  readonly programme: ProgrammeId;
  readonly serial: number;
  readonly action: 'added' | 'replaced' | 'unchanged';
}

export interface IssueResult {
  readonly cardId: string;
  readonly programmes: readonly IssuedProgramme[];
  readonly apdus: number;
}

interface OnCard {
  readonly index: number;
  readonly programme: ProgrammeId;
  readonly serial: number;
  readonly bytes: Uint8Array;
}

export async function issueCard(
  channel: CardChannel,
  ctx: IssueContext,
  grants: readonly (GrantRequest | SignedGrant)[],
  options: IssueOptions = {},
): Promise<IssueResult> {
  const { layout } = ctx;
  const io = openCardIo(channel, layout);
  await io.selectApplication();
  const { header, blank } = await readOrCreateHeader(io, ctx, options);
  const onCard = await readGrants(io, layout, header);
  const plan = grants.map((g) => planGrant(ctx, header, onCard, g));
  const count = Math.max(header.programmeCount, ...onCard.map((p) => p.index + 1));
  const writes = plan.filter((p) => p.action !== 'unchanged');
  if (writes.length > 0 || blank || count !== header.programmeCount) {
    await authenticateForWrite(io, ctx, header);
    for (const w of writes) await writeArea(io, layout, w.index, w.bytes);
    if (blank || count !== header.programmeCount) {
      await io.write(headerRegion(layout).file, layout.header.offset, encodeHeader({ ...header, programmeCount: count }));
    }
  }
  return {
    cardId: header.cardId,
    programmes: plan.map(({ index, programme, serial, action }) => ({ index, programme, serial, action })),
    apdus: io.apdus,
  };
}

/**
 * Writes the header onto an application that has none: what installation does on a card
 * whose DF, EF and write key were loaded by other means. Idempotent.
 */
export async function installApplication(channel: CardChannel, ctx: CardContext, cardId: string): Promise<IssueResult> {
  return issueCard(channel, ctx, [], { cardId });
}

async function readOrCreateHeader(io: CardIo, ctx: IssueContext, options: IssueOptions): Promise<{ header: CardHeaderRecord; blank: boolean }> {
  const [bytes = new Uint8Array(0)] = await io.readRegions([headerRegion(ctx.layout)]);
  if (!isBlankHeader(bytes)) {
    const header = checkHeader(bytes, ctx.layout);
    if (options.cardId !== undefined && options.cardId.toUpperCase() !== header.cardId) {
      throw new MalformedDataError(`the card is already card ${header.cardId}, not ${options.cardId}`);
    }
    return { header, blank: false };
  }
  if (options.cardId === undefined) throw new MalformedDataError('the card has no header yet: give the card ID it was installed with');
  const header: CardHeaderRecord = {
    formatVersion: FORMAT_VERSION,
    cardId: options.cardId.toUpperCase(),
    programmeCount: 0,
    areaSize: areaSize(ctx.layout),
    authKeyVersion: ctx.keys.currentAuthKeyVersion,
  };
  encodeHeader(header);
  return { header, blank: true };
}

async function readGrants(io: CardIo, layout: Layout, header: CardHeaderRecord): Promise<OnCard[]> {
  const indexes = Array.from({ length: header.programmeCount }, (_, i) => i);
  const regions = await io.readRegions(indexes.map((i) => grantRegion(layout, i)));
  return regions.flatMap((bytes, index) => {
    try {
      const { grant, size } = decodeGrant(bytes);
      return [{ index, programme: grant.programme, serial: grant.serial, bytes: bytes.slice(0, size) }];
    } catch {
      // An undecodable grant is overwritten only by a grant for its own programme, which we cannot tell: leave it.
      return [{ index, programme: { municipality: -1, number: -1 }, serial: 0, bytes }];
    }
  });
}

function planGrant(ctx: IssueContext, header: CardHeaderRecord, onCard: OnCard[], g: GrantRequest | SignedGrant): OnCard & { action: IssuedProgramme['action'] } {
  const signed = 'bytes' in g ? g : signGrant({ ...g, cardId: header.cardId }, requireSigner(ctx));
  const decoded = decodeGrant(signed.bytes);
  verifyGrant(decoded, header.cardId, ctx.keys.issuerPublicKey(decoded.grant.keyVersion));
  if (decoded.size > ctx.layout.grants.size) {
    throw new LayoutError(`grant of ${decoded.size} bytes does not fit the ${ctx.layout.grants.size}-byte grant region (extension too long)`);
  }
  const { programme, serial } = decoded.grant;
  const bytes = signed.bytes.slice(0, decoded.size);
  const existing = onCard.find((p) => p.programme.municipality === programme.municipality && p.programme.number === programme.number);
  if (existing) {
    if (equalBytes(existing.bytes, bytes)) return { ...existing, action: 'unchanged' };
    if (serial <= existing.serial) throw new MalformedDataError(`grant serial ${serial} does not supersede serial ${existing.serial} on the card`);
    const replaced = { index: existing.index, programme, serial, bytes };
    onCard.splice(onCard.indexOf(existing), 1, replaced);
    return { ...replaced, action: 'replaced' };
  }
  const index = Math.max(header.programmeCount, ...onCard.map((p) => p.index + 1));
  if (index >= ctx.layout.capacity) throw new LayoutError(`the card has room for ${ctx.layout.capacity} programmes, all in use`);
  const added = { index, programme, serial, bytes };
  onCard.push(added);
  return { ...added, action: 'added' };
}

/** Grant (padded over any older, longer one) then both slots emptied; one UPDATE when they are contiguous. */
async function writeArea(io: CardIo, layout: Layout, index: number, grantBytes: Uint8Array): Promise<void> {
  const grant = grantRegion(layout, index);
  const slots = slotRegion(layout, index, 0);
  const padded = new Uint8Array(grant.length);
  padded.set(grantBytes);
  const emptySlots = new Uint8Array(2 * SLOT.size);
  if (grant.file.name === slots.file.name && grant.offset + grant.length === slots.offset) {
    const area = new Uint8Array(padded.length + emptySlots.length);
    area.set(padded);
    await io.write(grant.file, grant.offset, area);
    return;
  }
  await io.write(grant.file, grant.offset, padded);
  await io.write(slots.file, slots.offset, emptySlots);
}

function requireSigner(ctx: IssueContext): IssuerSigner {
  if (!ctx.signer) throw new MalformedDataError('an unsigned grant needs an issuer signer');
  return ctx.signer;
}
