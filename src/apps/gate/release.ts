/**
 * The audit event of a door unlocked by hand (an operator at the status page or the API, a
 * request-to-exit button): which door, when, for how long, by whom and why. No card is involved,
 * so no holder or direction is known; the office shows it beside the passages.
 */

export const DOOR_RELEASED = 'door-released';

export interface DoorReleasedPayload {
  readonly door: string;
  /** Milliseconds since the Unix epoch. */
  readonly at: number;
  readonly openMs: number;
  /** Free text the operator gave, if any. */
  readonly reason: string | null;
  /** Who asked: `api` for the terminal's HTTP API. */
  readonly by: string;
}

export function doorReleasedEvent(payload: DoorReleasedPayload): { readonly type: typeof DOOR_RELEASED; readonly payload: DoorReleasedPayload } {
  return { type: DOOR_RELEASED, payload: { ...payload } };
}
