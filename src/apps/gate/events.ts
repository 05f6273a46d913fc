/**
 * The gate's journal events. Every payload names the door, the reader, the direction (so the
 * office can compute first-in and last-out attendance), the holder pseudonym, the card ID and
 * the time; what is unknown (no card at a forced door) is null, never absent. Payloads are
 * plain JSON, ready for `journal.append(type, payload)`.
 */
import type { PassKind } from './access-rights.js';
import type { Direction } from './config.js';
import type { EntryDecision, GrantFlag, Granted, Refused } from './decide.js';
import type { DoorAlarm } from './door-monitor.js';
import type { RefusalReason } from './reasons.js';

export const GATE_EVENT_TYPES = ['gate-entry', 'gate-exit', 'gate-refused', 'door-held-open', 'door-forced'] as const;
export type GateEventType = (typeof GATE_EVENT_TYPES)[number];

interface GateEventBase {
  readonly door: string;
  readonly reader: string | null;
  readonly direction: Direction | null;
  readonly holder: string | null;
  readonly cardId: string | null;
  /** Milliseconds since the Unix epoch. */
  readonly at: number;
}

export interface PassagePayload extends GateEventBase {
  readonly reader: string;
  readonly direction: Direction;
  readonly holder: string;
  readonly cardId: string;
  readonly pass: PassKind;
  readonly organisation: number;
  /** Units taken from the card by this passage (a visitor's entry: 1). */
  readonly units: 0 | 1;
  readonly remainingEntries: number | null;
  readonly flags: readonly GrantFlag[];
  /** The journal intent whose committed card write paid for this entry; null when nothing was written. */
  readonly intentId: number | null;
}

export interface RefusedPayload extends GateEventBase {
  readonly reader: string;
  readonly direction: Direction;
  readonly reason: RefusalReason;
  readonly pass: PassKind | null;
}

export interface DoorAlarmPayload extends GateEventBase {
  /** When the door opened. */
  readonly openedAt: number;
}

export type GateEvent =
  | { readonly type: 'gate-entry' | 'gate-exit'; readonly payload: PassagePayload }
  | { readonly type: 'gate-refused'; readonly payload: RefusedPayload }
  | { readonly type: 'door-held-open' | 'door-forced'; readonly payload: DoorAlarmPayload };

/** The event a decision leaves in the journal. */
export function decisionEvent(decision: EntryDecision, atMs: number, intentId: number | null = null): GateEvent {
  return decision.kind === 'granted' ? passageEvent(decision, atMs, intentId) : refusalEvent(decision, atMs);
}

export function passageEvent(decision: Granted, atMs: number, intentId: number | null = null): GateEvent {
  return {
    type: decision.direction === 'in' ? 'gate-entry' : 'gate-exit',
    payload: {
      door: decision.door,
      reader: decision.reader,
      direction: decision.direction,
      holder: decision.holder,
      cardId: decision.cardId,
      at: atMs,
      pass: decision.pass,
      organisation: decision.rights.organisation,
      units: decision.takeUnits,
      remainingEntries: decision.remainingEntries,
      flags: decision.flags,
      intentId,
    },
  };
}

export function refusalEvent(decision: Refused, atMs: number): GateEvent {
  return {
    type: 'gate-refused',
    payload: {
      door: decision.door,
      reader: decision.reader,
      direction: decision.direction,
      holder: decision.holder,
      cardId: decision.cardId,
      at: atMs,
      reason: decision.reason,
      pass: decision.pass,
    },
  };
}

/** The event of a door-position alarm; a held-open door names the passage that opened it, if any. */
export function doorAlarmEvent(alarm: DoorAlarm): GateEvent {
  const passage = alarm.passage;
  return {
    type: alarm.kind,
    payload: {
      door: alarm.door,
      reader: passage?.reader ?? null,
      direction: passage?.direction ?? null,
      holder: passage?.holder ?? null,
      cardId: passage?.cardId ?? null,
      at: alarm.atMs,
      openedAt: alarm.openedAtMs,
    },
  };
}
