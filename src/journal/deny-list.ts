import type { Database } from 'better-sqlite3';

import { DenyListVersionError } from './errors.js';
import type { EventLog } from './event-log.js';
import type { DenyDelta, DenyEntry, DenyEntryInput, DenyListApplied } from './types.js';

/**
 * The local deny-list, kept in the journal database so that a version is applied in the same
 * transaction as the `denylist-applied` event that records it: the office can then tell a
 * card used before the terminal knew of its revocation from one used after.
 */
export interface DenyList {
  version(): number;
  /** Call inside a write transaction. */
  replace(version: number, entries: readonly DenyEntryInput[]): DenyListApplied;
  /** Call inside a write transaction. */
  applyDelta(delta: DenyDelta): DenyListApplied;
  entry(cardId: string): DenyEntry | null;
}

export function createDenyList(db: Database, log: EventLog, now: () => number): DenyList {
  const versionStmt = db.prepare('SELECT version FROM deny_state WHERE id = 1').pluck();
  const setVersion = db.prepare('UPDATE deny_state SET version = ?, applied_at = ? WHERE id = 1');
  const clear = db.prepare('DELETE FROM deny_list');
  const put = db.prepare('INSERT OR REPLACE INTO deny_list (card_id, reason, since) VALUES (?, ?, ?)');
  const drop = db.prepare('DELETE FROM deny_list WHERE card_id = ?');
  const get = db.prepare('SELECT card_id, reason, since FROM deny_list WHERE card_id = ?');
  const size = db.prepare('SELECT count(*) FROM deny_list').pluck();
  const version = (): number => versionStmt.get() as number;
  const putAll = (entries: readonly DenyEntryInput[]): void => {
    for (const e of entries) put.run(checkCardId(e.cardId), e.reason, e.since ?? null);
  };

  return {
    version,
    replace(next, entries) {
      checkVersion(next);
      // A retained snapshot arrives again on every reconnect; an older one must not roll back a revocation.
      if (next <= version()) return { applied: false, version: version() };
      clear.run();
      putAll(entries);
      setVersion.run(next, now());
      log.write('denylist-applied', { version: next, kind: 'snapshot', entries: size.get() as number });
      return { applied: true, version: next };
    },
    applyDelta(delta) {
      checkVersion(delta.toVersion);
      if (delta.toVersion <= delta.fromVersion) {
        throw new RangeError(`deny-list delta goes from ${delta.fromVersion} to ${delta.toVersion}`);
      }
      const current = version();
      if (delta.toVersion <= current) return { applied: false, version: current };
      if (delta.fromVersion !== current) throw new DenyListVersionError(current, delta.fromVersion);
      for (const cardId of delta.remove) drop.run(cardId);
      putAll(delta.add);
      setVersion.run(delta.toVersion, now());
      log.write('denylist-applied', {
        version: delta.toVersion,
        kind: 'delta',
        fromVersion: delta.fromVersion,
        added: delta.add.length,
        removed: delta.remove.length,
        entries: size.get() as number,
      });
      return { applied: true, version: delta.toVersion };
    },
    entry(cardId) {
      const row = get.get(cardId) as { card_id: string; reason: string; since: number | null } | undefined;
      return row === undefined ? null : { cardId: row.card_id, reason: row.reason, since: row.since };
    },
  };
}

function checkVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 1) throw new RangeError(`deny-list version must be a positive integer, not ${version}`);
}

function checkCardId(cardId: string): string {
  if (typeof cardId !== 'string' || cardId === '') throw new TypeError('a deny-list entry needs a card ID');
  return cardId;
}
