import { timingSafeEqual } from 'node:crypto';
import { authCryptogram, CHALLENGE_LENGTH, CRYPTOGRAM_LENGTH } from '../auth-cryptogram.js';
import { SW, swTriesLeft, swWrongLe, type CommandApdu } from './apdu.js';
import type { KeyState } from './card-state.js';
import { status, type CommandContext, type Reply } from './command-context.js';

/** EXTERNAL AUTHENTICATE P2 bit 8: the key reference is specific to the current DF. */
const P2_DF_SPECIFIC = 0x80;

export function getChallenge(ctx: CommandContext, cmd: CommandApdu): Reply {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) return status(SW.BAD_P1P2);
  if (cmd.data.length > 0) return status(SW.WRONG_LENGTH);
  if (cmd.le !== CHALLENGE_LENGTH) return status(ctx.behaviour.wrongLeAs6C ? swWrongLe(CHALLENGE_LENGTH) : SW.WRONG_LENGTH);
  const challenge = ctx.random(CHALLENGE_LENGTH).slice(0, CHALLENGE_LENGTH);
  ctx.session.challenge = challenge;
  return { data: challenge.slice(), sw: SW.OK };
}

/**
 * Checks `authCryptogram(key, challenge)` against the last challenge, which any attempt
 * uses up. Success authenticates the key until power off or the next SELECT of a DF.
 */
export function externalAuthenticate(ctx: CommandContext, cmd: CommandApdu): Reply {
  if (cmd.data.length !== CRYPTOGRAM_LENGTH || cmd.le !== null) return status(SW.WRONG_LENGTH);
  if (cmd.p1 !== 0) return status(SW.BAD_P1P2);
  const key = findKey(ctx, cmd.p2);
  if (!key) return status(SW.REF_DATA_NOT_FOUND);
  if (key.tries?.left === 0) return status(SW.AUTH_BLOCKED);
  const challenge = ctx.session.challenge;
  if (!challenge) return status(SW.CONDITIONS_NOT_SATISFIED);
  ctx.session.challenge = null;
  if (timingSafeEqual(authCryptogram(key.key, challenge), cmd.data)) {
    if (key.tries && key.tries.left !== key.tries.max) {
      key.tries.left = key.tries.max;
      ctx.changed();
    }
    ctx.session.authenticated.add(key.ref);
    return status(SW.OK);
  }
  if (!key.tries) return status(SW.VERIFICATION_FAILED);
  key.tries.left -= 1;
  ctx.changed();
  return status(swTriesLeft(key.tries.left));
}

function findKey(ctx: CommandContext, p2: number): KeyState | undefined {
  const keys = ctx.session.app?.keys ?? [];
  const exact = keys.find((k) => k.ref === p2);
  if (exact || (p2 & P2_DF_SPECIFIC) === 0) return exact;
  return keys.find((k) => k.ref === (p2 & ~P2_DF_SPECIFIC));
}
