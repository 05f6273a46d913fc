import type { Access } from './image.js';
import type { CardContent, EfState, Session } from './card-state.js';

/** A response APDU before it is serialised: data and status word. */
export interface Reply {
  data: Uint8Array;
  sw: number;
}

export const status = (sw: number): Reply => ({ data: new Uint8Array(0), sw });

/** Switches that make the card answer the way some real cards do, to exercise callers. */
export interface CardBehaviour {
  /**
   * Answer every response that carries data with `61xx` and hand the bytes out through
   * GET RESPONSE, at most this many (1..256) per `61xx` announcement. Off when undefined.
   */
  chainResponses?: number;
  /** Answer a READ BINARY, GET CHALLENGE or GET RESPONSE whose Le does not fit with `6Cxx` (the right Le). */
  wrongLeAs6C?: boolean;
}

/** What a command handler may see and do. */
export interface CommandContext {
  readonly content: CardContent;
  readonly session: Session;
  readonly behaviour: CardBehaviour;
  random(n: number): Uint8Array;
  /** Writes bytes into an EF. May tear: writes a prefix, then throws `CardRemovedError`. */
  write(ef: EfState, offset: number, bytes: Uint8Array): void;
  /** Reports a change of card content not made through `write` (a retry counter). */
  changed(): void;
}

export function accessGranted(access: Access, session: Session): boolean {
  if (access === 'always') return true;
  if (access === 'never') return false;
  return session.authenticated.has(access.auth);
}
