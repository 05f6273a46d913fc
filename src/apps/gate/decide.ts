/**
 * The gate's offline decision: a pure function of what the card said, the deny-list entry,
 * the configuration, the reader tapped, the anti-passback state and the clock.
 *
 * Checks, in order (the first that fails names the refusal): the card verified; the deny-list;
 * a programme this gate honours; readable access rights; for an entry, the validity dates (Japan
 * time, both days inclusive); the door's rules (visitors, organisations) and zones; for an entry,
 * the schedule and a visitor's remaining entries; anti-passback; and finally that the journal
 * can record the passage. Leaving is never blocked by dates or schedules: a pass that lapses
 * while its holder is inside must still let them out.
 */
import type { Grant, SlotState } from '../../free-area/types.js';
import { jstDay } from '../../free-area/jst.js';
import { allowsAnyZone, decodeAccessRights, type AccessRights, type PassKind } from './access-rights.js';
import { GateError } from './errors.js';
import { checkPassage, type AntiPassbackState } from './anti-passback.js';
import { doorSchedule, type Direction, type GateConfig, type ReaderContext } from './config.js';
import { refusalMessage, type Message, type RefusalReason } from './reasons.js';
import { isWithinSchedule } from './schedule.js';

/** What the card layer made of the card. */
export type CardReading =
  | { readonly kind: 'ok'; readonly grant: Grant; readonly slot: SlotState | null }
  | { readonly kind: 'forged'; readonly cardId: string | null }
  | { readonly kind: 'unreadable'; readonly cardId: string | null };

/** The deny-list's entry for the card (the journal's `DenyEntry` fits). */
export interface DenyListEntry {
  readonly reason: string;
}

export interface EntryInput {
  readonly card: CardReading;
  readonly denied: DenyListEntry | null;
  readonly config: GateConfig;
  readonly context: ReaderContext;
  readonly antiPassback: AntiPassbackState;
  readonly atMs: number;
  /** False when the journal cannot record (disk full, read-only): nothing is granted then. */
  readonly canRecord: boolean;
}

export type GrantFlag = 'anti-passback-violation';

interface Where {
  readonly door: string;
  readonly reader: string;
  readonly direction: Direction;
}

export interface Granted extends Where {
  readonly kind: 'granted';
  /** Units to take from the card: 1 for a visitor's entry, else 0 (no card write). */
  readonly takeUnits: 0 | 1;
  readonly flags: readonly GrantFlag[];
  readonly doorOpenMs: number;
  readonly cardId: string;
  readonly holder: string;
  readonly pass: PassKind;
  readonly rights: AccessRights;
  /** Entries left on a visitor pass after this passage; null for staff. */
  readonly remainingEntries: number | null;
}

export interface Refused extends Where {
  readonly kind: 'refused';
  readonly reason: RefusalReason;
  readonly message: Message;
  readonly cardId: string | null;
  readonly holder: string | null;
  readonly pass: PassKind | null;
}

export type EntryDecision = Granted | Refused;

export function decideEntry(input: EntryInput): EntryDecision {
  const { card, context } = input;
  const where: Where = { door: context.door.id, reader: context.reader, direction: context.direction };
  if (card.kind !== 'ok') return refused(where, card.kind, card.cardId, null);
  const { grant } = card;
  if (input.denied !== null) return refused(where, 'revoked', grant.cardId, null);
  if (!honoursProgramme(input.config, grant)) return refused(where, 'unknown-programme', grant.cardId, null);
  const rights = readRights(grant);
  if (rights === null) return refused(where, 'unreadable', grant.cardId, null);
  if (rights.kind === 'visitor' && grant.unit !== 'entry') return refused(where, 'unknown-programme', grant.cardId, rights);
  const reason = checkDates(input, grant) ?? checkDoor(input, rights);
  if (reason !== null) return refused(where, reason, grant.cardId, rights);
  return decidePassage(input, where, card, rights);
}

function decidePassage(input: EntryInput, where: Where, card: Extract<CardReading, { kind: 'ok' }>, rights: AccessRights): EntryDecision {
  const { grant, slot } = card;
  const entering = where.direction === 'in';
  const remaining = rights.kind === 'visitor' ? grant.amount - (slot?.used ?? 0) : null;
  if (entering && remaining !== null && remaining < 1) return refused(where, 'entries-used-up', grant.cardId, rights);
  const flags: GrantFlag[] = [];
  const mode = input.context.door.antiPassback;
  if (mode !== 'none') {
    const check = checkPassage(input.antiPassback, rights.holder, where.direction, input.atMs, input.config.antiPassback.forgetAfterMs);
    if (check.kind === 'violation' && mode === 'hard') return refused(where, 'anti-passback', grant.cardId, rights);
    if (check.kind === 'violation') flags.push('anti-passback-violation');
  }
  if (!input.canRecord) return refused(where, 'disk-full', grant.cardId, rights);
  const takeUnits = entering && remaining !== null ? 1 : 0;
  return {
    kind: 'granted',
    ...where,
    takeUnits,
    flags,
    doorOpenMs: input.context.door.openMs,
    cardId: grant.cardId,
    holder: rights.holder,
    pass: rights.kind,
    rights,
    remainingEntries: remaining === null ? null : remaining - takeUnits,
  };
}

/** Dates, only on the way in. */
function checkDates(input: EntryInput, grant: Grant): RefusalReason | null {
  if (input.context.direction === 'out') return null;
  const today = jstDay(input.atMs);
  if (today < grant.validFrom) return 'not-yet-valid';
  return today > grant.validUntil ? 'expired' : null;
}

/** The door's rules, zones and (on the way in) schedule. */
function checkDoor(input: EntryInput, rights: AccessRights): RefusalReason | null {
  const { door, direction } = input.context;
  if (rights.kind === 'visitor' && !door.visitors) return 'wrong-zone';
  if (door.organisations !== undefined && !door.organisations.includes(rights.organisation)) return 'wrong-zone';
  if (!allowsAnyZone(rights, door.zones)) return 'wrong-zone';
  if (direction === 'out') return null;
  const schedule = doorSchedule(input.config, door, rights.accessGroup);
  if (schedule.kind === 'none') return 'outside-schedule';
  if (schedule.kind === 'schedule' && !isWithinSchedule(schedule.schedule, input.config.holidays, input.atMs)) return 'outside-schedule';
  return null;
}

function honoursProgramme(config: GateConfig, grant: Grant): boolean {
  return config.programmes.some((p) => p.municipality === grant.programme.municipality && p.number === grant.programme.number);
}

function readRights(grant: Grant): AccessRights | null {
  try {
    return decodeAccessRights(grant.ext);
  } catch (error) {
    if (error instanceof GateError) return null;
    throw error;
  }
}

/** A refusal at a reader before (or without) a card reading: a full journal, a card that cannot be read at all. */
export function refuseAt(context: ReaderContext, reason: RefusalReason, cardId: string | null = null): Refused {
  return refused({ door: context.door.id, reader: context.reader, direction: context.direction }, reason, cardId, null);
}

function refused(where: Where, reason: RefusalReason, cardId: string | null, rights: AccessRights | null): Refused {
  return {
    kind: 'refused',
    ...where,
    reason,
    message: refusalMessage(reason),
    cardId,
    holder: rights?.holder ?? null,
    pass: rights?.kind ?? null,
  };
}
