import type { Database } from 'better-sqlite3';

import { createDenyList } from './deny-list.js';
import type { DenyList } from './deny-list.js';
import { claimJournal, createEventLog } from './event-log.js';
import type { EventLog } from './event-log.js';
import { canonicalJson } from './hash.js';
import { createHealthTracker } from './health.js';
import type { HealthTracker } from './health.js';
import { createIntents } from './intents.js';
import type { Intents } from './intents.js';
import { migrate } from './migrations.js';
import { createOutbox } from './outbox.js';
import type { Outbox } from './outbox.js';
import type {
  AppendResult,
  ChainCheck,
  DenyDelta,
  DenyEntry,
  DenyEntryInput,
  DenyListApplied,
  EventQuery,
  IntentInput,
  IntentRecord,
  JournalEvent,
  JournalHealth,
  JournalLogger,
  JsonValue,
  PruneResult,
  SyncState,
} from './types.js';

/** The terminal's journal. Every method is synchronous: better-sqlite3 blocks for the fsync. */
export interface Journal {
  readonly path: string;
  readonly terminalId: string;
  /** Appends an event of an app's own type (the journal's reserved types are refused). */
  append(type: string, payload: Readonly<Record<string, unknown>>): AppendResult;
  /** Runs `fn` (synchronous) in one write transaction: its appends all land, or none do. */
  transaction<T>(fn: () => T): T;
  recordIntent(intent: IntentInput): { intentId: number; seq: number };
  commitIntent(intentId: number, extra?: Readonly<Record<string, unknown>>): AppendResult;
  abortIntent(intentId: number, reason: string, extra?: Readonly<Record<string, unknown>>): AppendResult;
  /** Intents in doubt, oldest first. */
  openIntents(cardId?: string): IntentRecord[];
  intent(intentId: number): IntentRecord | null;
  events(query: EventQuery): JournalEvent[];
  pending(limit: number, afterSeq?: number): JournalEvent[];
  markSynced(upToSeq: number): boolean;
  syncState(): SyncState;
  /**
   * The highest seq this journal has written, without touching the database: never below the
   * real last seq, above it only after a transaction that wrote was rolled back. For skipping
   * an outbox read that would find nothing, never for writing.
   */
  lastSeqHint(): number;
  prune(options: { readonly olderThanMs: number }): PruneResult;
  /** Re-computes the hash chain of the events still held, from the prune anchor on. */
  verifyChain(): ChainCheck;
  getMeta(key: string): JsonValue | undefined;
  setMeta(key: string, value: JsonValue): void;
  deleteMeta(key: string): void;
  denyListVersion(): number;
  replaceDenyList(version: number, entries: readonly DenyEntryInput[]): DenyListApplied;
  applyDenyDelta(delta: DenyDelta): DenyListApplied;
  denyEntry(cardId: string): DenyEntry | null;
  health(): JournalHealth;
  /** False when a tap must be refused (disk full or read-only) before the card is touched. */
  canAcceptTaps(): boolean;
  close(): void;
}

export interface CreateJournalOptions {
  /** An open connection with its pragmas set; the journal migrates it and owns it from now on. */
  readonly db: Database;
  readonly path: string;
  readonly terminalId: string;
  readonly now: () => number;
  readonly logger: JournalLogger;
  readonly reserveBytes: number;
}

/** Event types only the journal itself writes, so that their invariants hold. */
export const RESERVED_EVENT_TYPES: ReadonlySet<string> = new Set(['intent', 'commit', 'abort', 'denylist-applied']);

export function createJournal(options: CreateJournalOptions): Journal {
  const { db, path, terminalId, now } = options;
  migrate(db, { path, now });
  if (db.readonly) claimJournal(db, terminalId, path);
  else db.transaction(() => claimJournal(db, terminalId, path)).immediate();

  const log = createEventLog(db, terminalId, now);
  const probe = db.prepare('UPDATE chain_state SET probed_at = ? WHERE id = 1');
  const tracker = createHealthTracker({
    db, path, reserveBytes: options.reserveBytes, logger: options.logger,
    probe: () => guard.write(() => probe.run(now())),
  });
  const guard = createGuard(db, tracker);
  const tapCheck = cachedTapCheck(() => guard.read(() => tracker.health().writable), tracker, () => db.open);
  return {
    path,
    terminalId,
    ...eventMethods(log, guard),
    ...intentMethods(createIntents(db, log), guard),
    ...outboxMethods(createOutbox(db, log, now), guard),
    ...denyListMethods(createDenyList(db, log, now), guard),
    ...metaMethods(createMeta(db), guard),
    health: () => {
      const health = guard.read(() => tracker.health());
      tapCheck.saw(health.writable);
      return health;
    },
    canAcceptTaps: tapCheck.check,
    close: () => db.close(),
  };
}

/** How long a "writable" answer stands before the disk is looked at again. */
const TAP_CHECK_MS = 1_000;

/**
 * `canAcceptTaps` sits on every tap's path, and looking at the disk (statfs, stat of the
 * files) can wait behind other I/O. A "yes" is kept for a second; a "no", or any write that
 * failed since, is checked afresh. A tap let through in that second still journals its intent
 * before the card is touched, so a disk that filled meanwhile refuses it there.
 */
function cachedTapCheck(check: () => boolean, tracker: HealthTracker, open: () => boolean): { check: () => boolean; saw: (writable: boolean) => void } {
  let yesAt = Number.NEGATIVE_INFINITY;
  let failures = tracker.failures();
  /** A full health check just ran: its answer is the freshest there is. */
  const saw = (writable: boolean): void => {
    failures = tracker.failures();
    yesAt = writable ? performance.now() : Number.NEGATIVE_INFINITY;
  };
  return {
    check: () => {
      if (open() && performance.now() - yesAt < TAP_CHECK_MS && tracker.failures() === failures) return true;
      const ok = check();
      saw(ok);
      return ok;
    },
    saw,
  };
}

/** Runs journal work so that a disk failure surfaces as JournalUnavailableError and is tracked. */
interface Guard {
  write<T>(fn: () => T): T;
  read<T>(fn: () => T): T;
}

function createGuard(db: Database, tracker: HealthTracker): Guard {
  const inTransaction = db.transaction((fn: () => unknown) => fn());
  return {
    write<T>(fn: () => T): T {
      try {
        const result = inTransaction.immediate(fn) as T;
        // Nested in a caller's transaction, nothing has reached the disk yet.
        if (!db.inTransaction) tracker.succeeded();
        return result;
      } catch (err) {
        throw tracker.failure(err);
      }
    },
    read<T>(fn: () => T): T {
      try {
        return fn();
      } catch (err) {
        throw tracker.failure(err);
      }
    },
  };
}

function eventMethods(log: EventLog, guard: Guard): Pick<Journal, 'append' | 'transaction' | 'events' | 'verifyChain' | 'lastSeqHint'> {
  return {
    lastSeqHint: () => log.lastSeqHint(),
    append(type, payload) {
      if (RESERVED_EVENT_TYPES.has(type)) throw new TypeError(`event type ${type} is written by the journal itself`);
      return guard.write(() => {
        const { seq, hash } = log.write(type, payload);
        return { seq, hash };
      });
    },
    transaction: (fn) => guard.write(() => synchronousOnly(fn())),
    events: (query) => guard.read(() => log.events(query)),
    verifyChain: () => guard.read(() => log.verify()),
  };
}

function intentMethods(
  intents: Intents,
  guard: Guard,
): Pick<Journal, 'recordIntent' | 'commitIntent' | 'abortIntent' | 'openIntents' | 'intent'> {
  return {
    recordIntent: (intent) => guard.write(() => intents.record(intent)),
    commitIntent: (intentId, extra) =>
      guard.write(() => intents.resolve(intentId, extra === undefined ? { state: 'committed' } : { state: 'committed', extra })),
    abortIntent: (intentId, reason, extra) =>
      guard.write(() =>
        intents.resolve(intentId, extra === undefined ? { state: 'aborted', reason } : { state: 'aborted', reason, extra }),
      ),
    openIntents: (cardId) => guard.read(() => intents.open(cardId)),
    intent: (intentId) => guard.read(() => intents.get(intentId)),
  };
}

function outboxMethods(outbox: Outbox, guard: Guard): Pick<Journal, 'pending' | 'markSynced' | 'syncState' | 'prune'> {
  return {
    pending: (limit, afterSeq) => guard.read(() => outbox.pending(limit, afterSeq)),
    markSynced: (upToSeq) => guard.write(() => outbox.markSynced(upToSeq)),
    syncState: () => guard.read(() => outbox.syncState()),
    prune: ({ olderThanMs }) => guard.write(() => outbox.prune(olderThanMs)),
  };
}

function denyListMethods(
  denyList: DenyList,
  guard: Guard,
): Pick<Journal, 'denyListVersion' | 'replaceDenyList' | 'applyDenyDelta' | 'denyEntry'> {
  return {
    denyListVersion: () => guard.read(() => denyList.version()),
    replaceDenyList: (version, entries) => guard.write(() => denyList.replace(version, entries)),
    applyDenyDelta: (delta) => guard.write(() => denyList.applyDelta(delta)),
    denyEntry: (cardId) => guard.read(() => denyList.entry(cardId)),
  };
}

function metaMethods(meta: Meta, guard: Guard): Pick<Journal, 'getMeta' | 'setMeta' | 'deleteMeta'> {
  return {
    getMeta: (key) => guard.read(() => meta.get(key)),
    setMeta: (key, value) => guard.write(() => meta.set(key, value)),
    deleteMeta: (key) => guard.write(() => meta.delete(key)),
  };
}

function synchronousOnly<T>(result: T): T {
  if (typeof (result as { then?: unknown } | null)?.then === 'function') {
    throw new TypeError('journal.transaction takes a synchronous function: the transaction would commit before it finished');
  }
  return result;
}

interface Meta {
  get(key: string): JsonValue | undefined;
  set(key: string, value: JsonValue): void;
  delete(key: string): void;
}

function createMeta(db: Database): Meta {
  const get = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
  const set = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const del = db.prepare('DELETE FROM meta WHERE key = ?');
  return {
    get(key) {
      const text = get.get(key) as string | undefined;
      return text === undefined ? undefined : (JSON.parse(text) as JsonValue);
    },
    set(key, value) {
      set.run(key, canonicalJson(value));
    },
    delete(key) {
      del.run(key);
    },
  };
}
