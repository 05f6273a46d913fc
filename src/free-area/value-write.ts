/**
 * The tap protocol of a value-taking write (DESIGN.md, "A tap that takes value"), shared by
 * every app that takes units from a card: intent (durable) → write → commit or abort, and
 * the resolution of an intent left in doubt when its card is read again. The journal is
 * injected through `IntentJournal`, the narrow interface this protocol needs.
 */
import type { CardChannel } from '../reader/channel.js';
import { toHex } from '../reader/iso7816.js';
import { WriteAuthenticationError } from './errors.js';
import { encodeSlotWrite, readCard, resolveSlotWrite, writeNextState, type CardContext, type CardRead, type PendingSlotWrite, type SlotWrite } from './operations.js';
import type { SlotIndex } from './slots.js';
import type { SlotState } from './types.js';

/** An intent as the protocol records it; the journal adds its own fields. */
export interface IntentToRecord {
  readonly cardId: string;
  readonly programmeIndex: number;
  readonly programmeId: string;
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly slotIndex: number;
  readonly slotImage: string;
  readonly units: number;
  readonly context: Readonly<Record<string, unknown>>;
}

export interface OpenIntent extends IntentToRecord {
  readonly intentId: number;
}

export interface IntentJournal {
  recordIntent(intent: IntentToRecord): { intentId: number };
  commitIntent(intentId: number, extra?: Readonly<Record<string, unknown>>): unknown;
  abortIntent(intentId: number, reason: string, extra?: Readonly<Record<string, unknown>>): unknown;
  openIntents(cardId?: string): readonly OpenIntent[];
}

export type Resolution = 'committed' | 'aborted' | 'unverifiable';

export interface ResolvedIntent {
  readonly intent: OpenIntent;
  readonly resolution: Resolution;
}

/**
 * Settles every open intent of the card just read, before anything new is decided: a write
 * whose bytes are on the card is committed; one that is not is aborted; one the card has
 * moved past (overwritten by two later writes, or a new grant) is aborted as unverifiable,
 * which the office reports. `extra` is added to each commit or abort event.
 */
export function resolveInDoubt(read: CardRead, journal: IntentJournal, extra: Readonly<Record<string, unknown>> = {}): ResolvedIntent[] {
  return journal.openIntents(read.header.cardId).map((intent) => {
    const verdict = resolveSlotWrite(read, pendingWrite(intent));
    if (verdict === 'landed') {
      journal.commitIntent(intent.intentId, { ...extra, resolvedBy: 'card-read' });
      return { intent, resolution: 'committed' as const };
    }
    const reason = verdict === 'not-landed' ? 'write-not-landed' : 'unverifiable';
    journal.abortIntent(intent.intentId, reason, { ...extra, resolvedBy: 'card-read' });
    return { intent, resolution: verdict === 'not-landed' ? ('aborted' as const) : ('unverifiable' as const) };
  });
}

function pendingWrite(intent: OpenIntent): PendingSlotWrite {
  const serial = intent.context['grantSerial'];
  return {
    programmeIndex: intent.programmeIndex,
    slotIndex: intent.slotIndex as SlotIndex,
    grantSerial: typeof serial === 'number' ? serial : -1,
    image: Uint8Array.from(Buffer.from(intent.slotImage, 'hex')),
    state: { seq: intent.toSeq },
  };
}

export type ValueWriteOutcome =
  | { readonly kind: 'committed'; readonly intentId: number; readonly write: SlotWrite; readonly apdus: number }
  /** The card refused the write authentication: nothing was written, the intent is aborted. */
  | { readonly kind: 'refused'; readonly intentId: number; readonly error: Error }
  /** The write may or may not have reached the card; the intent stays open until the card is read again. */
  | { readonly kind: 'in-doubt'; readonly intentId: number; readonly error: Error };

export interface ValueWriteRequest {
  readonly programmeIndex: number;
  readonly programmeId: string;
  readonly next: SlotState;
  readonly units: number;
  readonly context: Readonly<Record<string, unknown>>;
  /** Appended to the commit event, in the same transaction when the journal supports it. */
  readonly commitExtra?: Readonly<Record<string, unknown>>;
  /** Called after the commit is durable and before the outcome returns (e.g. to record the ride). */
  readonly onCommitted?: (intentId: number) => void;
}

/**
 * Intent → write → commit. A journal failure before the write throws (nothing was taken);
 * a card failure during the write triggers one immediate re-read on the same channel to settle
 * the intent there and then; only if that fails too does the intent stay in doubt.
 */
export async function writeValue(
  channel: CardChannel,
  ctx: CardContext,
  read: CardRead,
  journal: IntentJournal,
  request: ValueWriteRequest,
): Promise<ValueWriteOutcome> {
  const write = encodeSlotWrite(ctx.layout, ctx.keys, read, request.programmeIndex, request.next);
  const current = read.programmes[request.programmeIndex]?.status;
  const fromSeq = current?.kind === 'ok' ? current.current.state.seq : request.next.seq - 1;
  const { intentId } = journal.recordIntent({
    cardId: read.header.cardId,
    programmeIndex: request.programmeIndex,
    programmeId: request.programmeId,
    fromSeq,
    toSeq: request.next.seq,
    slotIndex: write.slotIndex,
    slotImage: toHex(write.image),
    units: request.units,
    context: { ...request.context, grantSerial: write.grantSerial },
  });
  let apdus: number;
  try {
    apdus = (await writeNextState(channel, ctx, read, request.programmeIndex, request.next)).apdus;
  } catch (error) {
    return settleFailedWrite(channel, ctx, journal, intentId, error as Error);
  }
  journal.commitIntent(intentId, { ...(request.commitExtra ?? {}) });
  request.onCommitted?.(intentId);
  return { kind: 'committed', intentId, write, apdus };
}

async function settleFailedWrite(channel: CardChannel, ctx: CardContext, journal: IntentJournal, intentId: number, error: Error): Promise<ValueWriteOutcome> {
  if (error instanceof WriteAuthenticationError) {
    journal.abortIntent(intentId, 'write-authentication-refused', { error: error.message });
    return { kind: 'refused', intentId, error };
  }
  try {
    const again = await readCard(channel, ctx);
    const settled = resolveInDoubt(again, journal, { afterError: error.name }).find((r) => r.intent.intentId === intentId);
    if (settled?.resolution === 'aborted') return { kind: 'refused', intentId, error };
  } catch {
    // The card is gone or unreadable: the intent stays open until it is seen again.
  }
  return { kind: 'in-doubt', intentId, error };
}
