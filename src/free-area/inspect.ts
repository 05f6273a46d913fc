/**
 * A readable account of what a card holds, for `fa card inspect` and support staff. It never
 * throws on bad data or a failing card: every problem found is listed instead. Only bugs
 * (errors outside the known families) escape.
 */
import type { CardChannel } from '../reader/channel.js';
import { CardIoError, CardRemovedError, ReaderError } from '../reader/errors.js';
import { toHex } from '../reader/iso7816.js';
import { ApplicationNotFoundError, FreeAreaError } from './errors.js';
import { readCard, type CardContext } from './operations.js';
import type { ProgrammeRead } from './programme.js';
import type { SlotReading } from './slots.js';
import type { Grant, SlotState } from './types.js';

export interface Problem {
  /** `card`, `programme 0`, `programme 0 slot B`... */
  readonly where: string;
  /** Error class name, e.g. `BadSignatureError`. */
  readonly error: string;
  readonly message: string;
}

export interface SlotInspection {
  readonly slot: 'A' | 'B';
  readonly kind: 'empty' | 'valid' | 'invalid' | 'unchecked';
  /** Sequence number: trusted when `kind` is `valid`, as claimed otherwise. */
  readonly seq: number | null;
  readonly state: SlotState | null;
  readonly hex: string;
}

export type GrantInspection = Omit<Grant, 'ext'> & { readonly ext: string };

export interface ProgrammeInspection {
  readonly index: number;
  readonly status: ProgrammeRead['status']['kind'];
  readonly grant: GrantInspection | null;
  readonly slots: readonly SlotInspection[];
  readonly current: 'A' | 'B' | 'none' | null;
  readonly state: SlotState | null;
  readonly tie: boolean;
}

export interface CardInspection {
  readonly reader: string;
  readonly atr: string;
  readonly application: 'present' | 'absent' | 'unreadable';
  readonly header: { formatVersion: number; cardId: string; programmeCount: number; areaSize: number; authKeyVersion: number } | null;
  readonly programmes: readonly ProgrammeInspection[];
  readonly problems: readonly Problem[];
  readonly apdus: number | null;
}

export async function inspectCard(channel: CardChannel, ctx: CardContext): Promise<CardInspection> {
  const base = { reader: channel.readerName, atr: toHex(channel.atr) };
  try {
    const read = await readCard(channel, ctx);
    const programmes = read.programmes.map(inspectProgramme);
    return {
      ...base,
      application: 'present',
      header: { ...read.header },
      programmes: programmes.map((p) => p.inspection),
      problems: programmes.flatMap((p) => p.problems),
      apdus: read.apdus,
    };
  } catch (error) {
    if (!isKnownFailure(error)) throw error;
    const application = error instanceof ApplicationNotFoundError ? 'absent' : 'unreadable';
    return { ...base, application, header: null, programmes: [], problems: [problem('card', error)], apdus: null };
  }
}

function inspectProgramme(p: ProgrammeRead): { inspection: ProgrammeInspection; problems: Problem[] } {
  const where = `programme ${p.index}`;
  const problems: Problem[] = [];
  if (p.status.kind !== 'ok') problems.push(problem(where, p.status.error));
  const slots = ([0, 1] as const).map((i) => inspectSlot(i, p.slots?.[i] ?? null, p.slotBytes[i]));
  p.slots?.forEach((s, i) => {
    if (s.kind === 'invalid') problems.push(problem(`${where} slot ${'AB'[i]}`, s.error));
  });
  const current = p.status.kind === 'ok' ? p.status.current : null;
  const inspection: ProgrammeInspection = {
    index: p.index,
    status: p.status.kind,
    grant: p.grant && { ...p.grant, ext: toHex(p.grant.ext) },
    slots,
    current: current === null ? null : current.index === null ? 'none' : current.index === 0 ? 'A' : 'B',
    state: current?.state ?? null,
    tie: current?.tie ?? false,
  };
  if (current?.tie) problems.push({ where, error: 'SlotTie', message: 'both slots valid with the same sequence number: two writes diverged' });
  return { inspection, problems };
}

function inspectSlot(i: 0 | 1, reading: SlotReading | null, bytes: Uint8Array): SlotInspection {
  const slot = i === 0 ? 'A' : 'B';
  const hex = toHex(bytes);
  if (reading === null) return { slot, kind: 'unchecked', seq: null, state: null, hex };
  if (reading.kind === 'valid') return { slot, kind: 'valid', seq: reading.state.seq, state: reading.state, hex };
  if (reading.kind === 'empty') return { slot, kind: 'empty', seq: null, state: null, hex };
  return { slot, kind: 'invalid', seq: reading.claimedSeq, state: null, hex };
}

function isKnownFailure(error: unknown): error is Error {
  return error instanceof FreeAreaError || error instanceof ReaderError || error instanceof CardRemovedError || error instanceof CardIoError;
}

function problem(where: string, error: Error): Problem {
  return { where, error: error.name, message: error.message };
}
