import type { Database } from 'better-sqlite3';

import { AckBeyondJournalError } from './errors.js';
import type { EventLog } from './event-log.js';
import type { JournalEvent, PruneResult, SyncState } from './types.js';

/**
 * What sync reads and moves: the events the office has not acknowledged, the acknowledged
 * high-water mark, and retention. Only the office's ack moves the mark, and only forward.
 */
export interface Outbox {
  pending(limit: number, afterSeq?: number): JournalEvent[];
  /** True when the mark moved. Call inside a write transaction. */
  markSynced(upToSeq: number): boolean;
  syncState(): SyncState;
  /** Call inside a write transaction. */
  prune(olderThanMs: number): PruneResult;
}

export function createOutbox(db: Database, log: EventLog, now: () => number): Outbox {
  const setSynced = db.prepare('UPDATE chain_state SET synced_seq = ?, synced_at = ? WHERE id = 1');
  const newestPrunable = db.prepare('SELECT max(seq) AS seq FROM events WHERE seq <= ? AND at < ?');
  const hashOf = db.prepare('SELECT hash FROM events WHERE seq = ?').pluck();
  const dropCards = db.prepare('DELETE FROM event_cards WHERE seq <= ?');
  const dropEvents = db.prepare('DELETE FROM events WHERE seq <= ?');
  const dropIntents = db.prepare("DELETE FROM intents WHERE state <> 'open' AND resolved_seq <= ?");
  const setAnchor = db.prepare('UPDATE chain_state SET anchor_seq = ?, anchor_hash = ? WHERE id = 1');

  return {
    pending(limit, afterSeq = 0) {
      return log.after(Math.max(afterSeq, log.chain().synced_seq), limit);
    },
    markSynced(upToSeq) {
      if (!Number.isSafeInteger(upToSeq) || upToSeq < 0) throw new RangeError(`not a seq: ${upToSeq}`);
      const chain = log.chain();
      if (upToSeq > chain.last_seq) throw new AckBeyondJournalError(upToSeq, chain.last_seq);
      if (upToSeq <= chain.synced_seq) return false;
      setSynced.run(upToSeq, now());
      return true;
    },
    syncState() {
      const chain = log.chain();
      return {
        lastSeq: chain.last_seq,
        lastSyncedSeq: chain.synced_seq,
        backlog: chain.last_seq - chain.synced_seq,
        lastSyncedAt: chain.synced_at,
      };
    },
    prune(olderThanMs) {
      if (!Number.isFinite(olderThanMs) || olderThanMs < 0) throw new RangeError(`olderThanMs must be >= 0, not ${olderThanMs}`);
      const chain = log.chain();
      // Deleting a prefix of the log, up to the newest old-enough synced event, keeps the local
      // log one unbroken stretch even when the clock once went backwards.
      const row = newestPrunable.get(chain.synced_seq, now() - olderThanMs) as { seq: number | null };
      const upTo = row.seq;
      if (upTo === null || upTo <= chain.anchor_seq) {
        return { deleted: 0, anchorSeq: chain.anchor_seq, anchorHash: chain.anchor_hash };
      }
      const anchorHash = hashOf.get(upTo) as string;
      dropCards.run(upTo);
      const { changes } = dropEvents.run(upTo);
      dropIntents.run(upTo);
      setAnchor.run(upTo, anchorHash);
      return { deleted: changes, anchorSeq: upTo, anchorHash };
    },
  };
}
