/** What happens in the simulated city, one timed step at a time. */
import type { FaultPlan } from '../reader/emulator/index.js';

/** A fault on one tap: the card leaves the field, or the terminal's process is killed. */
export type TapFault =
  | { readonly kind: 'tear'; readonly plan: FaultPlan }
  /** Killed when APDU `apdu` of the tap is under way; `land`: that APDU reached the card first. */
  | { readonly kind: 'kill'; readonly apdu: number; readonly land: boolean };

export interface RiderTap {
  readonly card: number;
  readonly fault: TapFault | null;
}

export type Activity =
  | { readonly type: 'ride-start'; readonly at: number; readonly terminal: string; readonly fareYen: number; readonly riders: readonly RiderTap[] }
  | { readonly type: 'ride-end'; readonly at: number; readonly terminal: string }
  | { readonly type: 'gate'; readonly at: number; readonly terminal: string; readonly direction: 'in' | 'out'; readonly card: number; readonly fault: TapFault | null }
  /** A forged card tried in a taxi (a ride the driver then cancels) or at a gate. */
  | { readonly type: 'forged'; readonly at: number; readonly terminal: string; readonly kind: 'rider' | 'visitor'; readonly municipality: number }
  | { readonly type: 'revoke'; readonly at: number; readonly card: number }
  /** The terminal's software is replaced by one that ignores its deny-list. */
  | { readonly type: 'tamper'; readonly at: number; readonly terminal: string }
  /** The holder copies the card's image now, and puts it back at `restore`. */
  | { readonly type: 'snapshot'; readonly at: number; readonly card: number }
  | { readonly type: 'restore'; readonly at: number; readonly card: number }
  | { readonly type: 'broker-down'; readonly at: number }
  | { readonly type: 'broker-up'; readonly at: number }
  | { readonly type: 'cut'; readonly at: number; readonly terminal: string }
  /** A batch the terminal already sent is delivered to the office again. */
  | { readonly type: 'dup'; readonly at: number; readonly terminal: string };

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const DAY = 24 * HOUR;

/** Midnight (Japan time) of a `YYYY-MM-DD` day, in ms. */
export function jstMidnight(day: string): number {
  return Date.parse(`${day}T00:00:00+09:00`);
}

export function byTime(a: Activity, b: Activity): number {
  return a.at - b.at;
}
