import type { Database } from 'better-sqlite3';

import { createDenyList } from './deny-list.js';
import { claimJournal, createEventLog } from './event-log.js';
import { canonicalJson } from './hash.js';
import { createHealthTracker } from './health.js';
import { createIntents } from './intents.js';
import { migrate } from './migrations.js';
import { createOutbox } from './outbox.js';
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
  if (!db.readonly) db.transaction(() => claimJournal(db, terminalId, path)).immediate();
  else claimJournal(db, terminalId, path);

  const log = createEventLog(db, terminalId, now);
  const intents = createIntents(db, log);
  const outbox = createOutbox(db, log, now);
  const denyList = createDenyList(db, log, now);
  const meta = createMeta(db);
  const probe = db.prepare('UPDATE chain_state SET probed_at = ? WHERE id = 1');
  const inTransaction = db.transaction((fn: () => unknown) => fn());
  const tracker = createHealthTracker({
    db, path, reserveBytes: options.reserveBytes, logger: options.logger,
    probe: () => write(() => probe.run(now())),
  });

  function write<T>(fn: () => T): T {
    try {
      const result = inTransaction.immediate(fn) as T;
      if (!db.inTransaction) tracker.succeeded();
      return result;
    } catch (err) {
      throw tracker.failure(err);
    }
  }
  function read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw tracker.failure(err);
    }
  }

  return {
    path,
    terminalId,
    append(type, payload) {
      if (RESERVED_EVENT_TYPES.has(type)) throw new TypeError(`event type ${type} is written by the journal itself`);
      return write(() => {
        const { seq, hash } = log.write(type, payload);
        return { seq, hash };
      });
    },
    transaction: (fn) => write(() => synchronousOnly(fn())),
    recordIntent: (intent) => write(() => intents.record(intent)),
    commitIntent: (intentId, extra) =>
      write(() => intents.resolve(intentId, extra === undefined ? { state: 'committed' } : { state: 'committed', extra })),
    abortIntent: (intentId, reason, extra) =>
      write(() => intents.resolve(intentId, extra === undefined ? { state: 'aborted', reason } : { state: 'aborted', reason, extra })),
    openIntents: (cardId) => read(() => intents.open(cardId)),
    intent: (intentId) => read(() => intents.get(intentId)),
    events: (query) => read(() => log.events(query)),
    pending: (limit, afterSeq) => read(() => outbox.pending(limit, afterSeq)),
    markSynced: (upToSeq) => write(() => outbox.markSynced(upToSeq)),
    syncState: () => read(() => outbox.syncState()),
    prune: ({ olderThanMs }) => write(() => outbox.prune(olderThanMs)),
    verifyChain: () => read(() => log.verify()),
    getMeta: (key) => read(() => meta.get(key)),
    setMeta: (key, value) => write(() => meta.set(key, value)),
    deleteMeta: (key) => write(() => meta.delete(key)),
    denyListVersion: () => read(() => denyList.version()),
    replaceDenyList: (version, entries) => write(() => denyList.replace(version, entries)),
    applyDenyDelta: (delta) => write(() => denyList.applyDelta(delta)),
    denyEntry: (cardId) => read(() => denyList.entry(cardId)),
    health: () => read(() => tracker.health()),
    canAcceptTaps: () => read(() => tracker.health().writable),
    close: () => db.close(),
  };
}

function synchronousOnly<T>(result: T): T {
  if (typeof (result as { then?: unknown } | null)?.then === 'function') {
    throw new TypeError('journal.transaction takes a synchronous function: the transaction would commit before it finished');
  }
  return result;
}

function createMeta(db: Database) {
  const get = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
  const set = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const del = db.prepare('DELETE FROM meta WHERE key = ?');
  return {
    get(key: string): JsonValue | undefined {
      const text = get.get(key) as string | undefined;
      return text === undefined ? undefined : (JSON.parse(text) as JsonValue);
    },
    set(key: string, value: JsonValue): void {
      set.run(key, canonicalJson(value));
    },
    delete(key: string): void {
      del.run(key);
    },
  };
}
