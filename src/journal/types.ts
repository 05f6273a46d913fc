/**
 * The shapes the journal takes and returns. The event format itself (fields, hash, reserved
 * types and payload conventions) is described in `docs/journal.md`.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One journal event, as stored and as sync sends it. */
export interface JournalEvent {
  /** The terminal's ID: part of the hash, so one journal file belongs to one terminal. */
  readonly terminal: string;
  /** The terminal's own gap-free sequence number, from 1. */
  readonly seq: number;
  readonly type: string;
  /** Milliseconds since the Unix epoch, from the injected clock. */
  readonly at: number;
  readonly payload: JsonObject;
  /** Hex SHA-256 of the previous event; 64 zeros before the first. */
  readonly prevHash: string;
  readonly hash: string;
}

export interface AppendResult {
  readonly seq: number;
  readonly hash: string;
}

/** What the app knows just before it writes a value slot on a card. */
export interface IntentInput {
  readonly cardId: string;
  readonly programmeIndex: number;
  readonly programmeId: string;
  /** Sequence number of the card's current slot, and of the slot about to be written. */
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly slotIndex: number;
  /** Hex of the slot bytes to be written: what a later read compares with to tell whether the write landed. */
  readonly slotImage: string;
  /** Units taken by this write (negative when units are given back). */
  readonly units: number;
  /** App context (ride, fare, rider count...); plain JSON. */
  readonly context: Readonly<Record<string, unknown>>;
}

export type IntentState = 'open' | 'committed' | 'aborted';

export interface IntentRecord extends IntentInput {
  /** The seq of the intent event; it never changes and is never reused. */
  readonly intentId: number;
  readonly at: number;
  readonly context: JsonObject;
  readonly state: IntentState;
  /** Seq of the commit or abort event, when resolved. */
  readonly resolvedSeq: number | null;
  readonly resolvedAt: number | null;
  readonly abortReason: string | null;
}

export interface SyncState {
  readonly lastSeq: number;
  readonly lastSyncedSeq: number;
  /** Events appended but not yet acknowledged by the office. */
  readonly backlog: number;
  readonly lastSyncedAt: number | null;
}

export interface EventQuery {
  readonly fromSeq?: number | undefined;
  readonly toSeq?: number | undefined;
  readonly type?: string | undefined;
  /** Events whose payload names this card in `cardId` or `cardIds`. */
  readonly cardId?: string | undefined;
  readonly limit: number;
  /** `asc` (default) from the oldest match, `desc` from the newest. */
  readonly order?: 'asc' | 'desc' | undefined;
}

export interface PruneResult {
  readonly deleted: number;
  /** Seq and hash of the newest deleted event: the first kept event's `prevHash` equals `anchorHash`. */
  readonly anchorSeq: number;
  readonly anchorHash: string;
}

export type ChainCheck =
  | { readonly ok: true; readonly checked: number }
  | { readonly ok: false; readonly seq: number; readonly problem: 'gap' | 'prev-hash' | 'hash' };

export interface DenyEntry {
  readonly cardId: string;
  readonly reason: string;
  /** When the card was revoked (ms), if the office said. */
  readonly since: number | null;
}

export interface DenyEntryInput {
  readonly cardId: string;
  readonly reason: string;
  readonly since?: number | undefined;
}

export interface DenyDelta {
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly add: readonly DenyEntryInput[];
  readonly remove: readonly string[];
}

export interface DenyListApplied {
  /** False when this version (or a newer one) was already applied: nothing changed. */
  readonly applied: boolean;
  readonly version: number;
}

export type UnavailableReason = 'disk-full' | 'read-only' | 'io-error';

export interface JournalHealth {
  readonly writable: boolean;
  readonly reason?: UnavailableReason;
  readonly dbBytes: number;
  readonly walBytes: number;
  /** Free bytes on the journal's file system, for the unprivileged user; null when unknown. */
  readonly freeBytes: number | null;
}

/** The subset of pino the journal uses. */
export interface JournalLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
