import type { DenyDelta, DenyEntryInput, JournalEvent, JsonValue, SyncState } from '../journal/index.js';

export type { JournalEvent, JsonValue };

/**
 * What sync needs of the terminal's journal, declared here by its user (the data shapes are
 * the journal's own). The SQLite journal in src/journal satisfies it; the composition root
 * passes it in.
 */
export interface UplinkJournal {
  /** Events not yet acknowledged by the office with seq above `afterSeq`, oldest first. */
  pending(limit: number, afterSeq?: number): readonly JournalEvent[];
  /**
   * Events from `fromSeq` on, acknowledged or not, oldest first (those the journal still holds):
   * what the uplink sends again when the office lost events it had acknowledged.
   */
  events(query: { readonly fromSeq: number; readonly limit: number }): readonly JournalEvent[];
  /** Marks every event up to `upToSeq` synced; never moves backwards. */
  markSynced(upToSeq: number): unknown;
  syncState(): Pick<SyncState, 'lastSeq' | 'lastSyncedSeq' | 'backlog'>;
  /**
   * A cheap upper bound of the last seq (never below it), without a query: the uplink looks at
   * the outbox only when this is above its cursor, so most polls and acks cost nothing.
   */
  lastSeqHint(): number;
}

/** The deny-list and the small key/value store the downlink keeps what it applied in. */
export interface DownlinkJournal {
  denyListVersion(): number;
  replaceDenyList(version: number, entries: readonly DenyEntryInput[]): unknown;
  applyDenyDelta(delta: DenyDelta): unknown;
  getMeta(key: string): unknown;
  setMeta(key: string, value: JsonValue): void;
}

export type SyncJournal = UplinkJournal & DownlinkJournal;
