/**
 * From a card read to what the gate decision needs: the programme to judge and how far the card
 * can be trusted. Pure.
 */
import { BadMacError, BadSignatureError, WrongCardIdError, type FreeAreaError } from '../../free-area/errors.js';
import type { CardRead } from '../../free-area/operations.js';
import type { ProgrammeRead } from '../../free-area/programme.js';
import type { ProgrammeId } from '../../free-area/types.js';
import { decodeAccessRights } from './access-rights.js';
import type { GateConfig } from './config.js';
import type { CardReading } from './decide.js';
import { GateError } from './errors.js';

export interface GateCardReading {
  /** Programme area the reading comes from, or null when the card carries no programme at all. */
  readonly programmeIndex: number | null;
  readonly reading: CardReading;
  /** Why the card is not trusted, for the log; absent when it is. */
  readonly problem?: string;
}

/** `102016-40`: the programme ID as journals and the office write it. */
export function programmeIdOf(programme: ProgrammeId): string {
  return `${String(programme.municipality).padStart(6, '0')}-${programme.number}`;
}

/**
 * Picks the first programme the gate honours (by the order of `config.programmes`), else the
 * card's first programme, and says what the decision may rely on. A staff pass whose slots are
 * damaged is still read: a staff tap never uses or writes the slots.
 */
export function gateCardReading(read: CardRead, config: GateConfig): GateCardReading {
  const cardId = read.header.cardId;
  const programme = chooseProgramme(read.programmes, config);
  if (programme === undefined) return { programmeIndex: null, reading: { kind: 'unreadable', cardId }, problem: 'the card carries no programme' };
  const { status, grant } = programme;
  if (status.kind === 'ok' && grant !== null) {
    const slot = status.current.index === null ? null : status.current.state;
    return { programmeIndex: programme.index, reading: { kind: 'ok', grant, slot } };
  }
  if (status.kind === 'bad-slots' && grant !== null && isStaffPass(grant.ext)) {
    return { programmeIndex: programme.index, reading: { kind: 'ok', grant, slot: null } };
  }
  const error: FreeAreaError | null = status.kind === 'ok' ? null : status.error;
  const forged = error instanceof BadSignatureError || error instanceof WrongCardIdError || error instanceof BadMacError;
  return {
    programmeIndex: programme.index,
    reading: { kind: forged ? 'forged' : 'unreadable', cardId },
    problem: error === null ? 'programme without grant' : `${error.name}: ${error.message}`,
  };
}

function chooseProgramme(programmes: readonly ProgrammeRead[], config: GateConfig): ProgrammeRead | undefined {
  for (const honoured of config.programmes) {
    const found = programmes.find((p) => p.grant?.programme.municipality === honoured.municipality && p.grant.programme.number === honoured.number);
    if (found !== undefined) return found;
  }
  return programmes[0];
}

function isStaffPass(ext: Uint8Array): boolean {
  try {
    return decodeAccessRights(ext).kind === 'staff';
  } catch (error) {
    if (error instanceof GateError) return false;
    throw error;
  }
}
