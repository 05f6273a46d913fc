/**
 * From a card read to what the decision needs: which programme to use and how far the card
 * can be trusted. Pure.
 */
import { BadMacError, BadSignatureError, WrongCardIdError } from '../../free-area/errors.js';
import type { CardRead } from '../../free-area/operations.js';
import type { ProgrammeRead } from '../../free-area/programme.js';
import type { Grant, SlotState } from '../../free-area/types.js';
import type { CardVerification } from './decide.js';
import { programmeIdOf, type TerminalProgrammes } from './programmes.js';

export interface ProgrammeCandidate {
  readonly index: number;
  readonly programmeId: string;
  readonly grant: Grant | null;
  readonly state: SlotState | null;
  readonly verification: CardVerification;
  readonly problem?: string;
}

function verification(p: ProgrammeRead): { verification: CardVerification; problem?: string } {
  if (p.status.kind === 'ok') return { verification: 'ok' };
  const error = p.status.error;
  const forged = error instanceof BadSignatureError || error instanceof WrongCardIdError || error instanceof BadMacError;
  return { verification: forged ? 'forged' : 'unreadable', problem: `${error.name}: ${error.message}` };
}

/**
 * The card's programmes in the order this terminal honours them, then the rest (which the
 * decision refuses as unknown). A card with several honoured programmes tries each in turn.
 */
export function programmeCandidates(read: CardRead, config: TerminalProgrammes): ProgrammeCandidate[] {
  const candidates = read.programmes.map((p): ProgrammeCandidate => {
    const { verification: v, problem } = verification(p);
    const state = p.status.kind === 'ok' && p.status.current.index !== null ? p.status.current.state : null;
    return {
      index: p.index,
      programmeId: p.grant ? programmeIdOf(p.grant.programme) : 'unknown',
      grant: p.grant,
      state,
      verification: v,
      ...(problem === undefined ? {} : { problem }),
    };
  });
  const rank = (c: ProgrammeCandidate) => {
    const at = config.honours.indexOf(c.programmeId);
    return at === -1 ? Number.MAX_SAFE_INTEGER : at;
  };
  return [...candidates].sort((a, b) => rank(a) - rank(b) || a.index - b.index);
}
