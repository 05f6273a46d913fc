/**
 * The journal as the gate sees it, with the "can this terminal record a passage?" check moved
 * off the tap path. `Journal.canAcceptTaps()` looks at the disk (statfs and stat of the files);
 * those calls are quick on an idle device but wait behind other I/O, and a staff tap otherwise
 * does no I/O at all before the door opens. So the answer is refreshed in the background every
 * `refreshMs` (and at once after any failed write), and a tap reads the last answer.
 *
 * What this trades: for at most `refreshMs` after the disk fills, a staff tap may open the door
 * and then fail to journal its passage (logged as an error). A visitor entry is unaffected:
 * its intent must be journaled before the card is written, so it is refused instead.
 */
import type { GateServiceJournal } from '../apps/gate/index.js';
import type { Journal } from '../journal/index.js';

export interface CachedTapCheck {
  readonly journal: GateServiceJournal;
  stop(): void;
}

export function withBackgroundTapCheck(journal: Journal, options: { readonly refreshMs?: number } = {}): CachedTapCheck {
  let writable = check(journal);
  const refresh = (): void => {
    writable = check(journal);
  };
  const timer = setInterval(refresh, options.refreshMs ?? 1_000);
  timer.unref?.();
  /** A write that throws may mean the disk failed: ask again before the next tap. */
  const watched = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A): R => {
    try {
      return fn(...args);
    } catch (error) {
      refresh();
      throw error;
    }
  };
  const gateJournal: GateServiceJournal = {
    append: watched((type, payload) => journal.append(type, payload)),
    transaction: watched((fn) => journal.transaction(fn)),
    recordIntent: watched((intent) => journal.recordIntent(intent)),
    commitIntent: watched((intentId, extra) => journal.commitIntent(intentId, extra)),
    abortIntent: watched((intentId, reason, extra) => journal.abortIntent(intentId, reason, extra)),
    openIntents: (cardId) => journal.openIntents(cardId),
    denyEntry: (cardId) => journal.denyEntry(cardId),
    canAcceptTaps: () => writable,
    getMeta: (key) => journal.getMeta(key),
    setMeta: watched((key, value) => journal.setMeta(key, value)),
    events: (query) => journal.events(query),
    syncState: () => journal.syncState(),
  };
  return { journal: gateJournal, stop: () => clearInterval(timer) };
}

function check(journal: Journal): boolean {
  try {
    return journal.canAcceptTaps();
  } catch {
    return false;
  }
}
