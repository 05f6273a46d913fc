/**
 * Keeps the anti-passback state across restarts. A snapshot (`serialiseAntiPassback`) goes into
 * the journal's meta at most once per `saveEveryMs`, off the tap path; at start the snapshot is
 * read back and the passage events journaled after it are replayed, so a `kill -9` between a
 * passage and the next snapshot loses nothing. Replaying keeps, per holder, the newest passage,
 * so events seen twice change nothing.
 */
import type { JournalEvent, JsonValue } from '../../journal/types.js';
import type { GateLogger } from './actuator.js';
import { parseAntiPassback, serialiseAntiPassback, type AntiPassbackState, type Passage } from './anti-passback.js';
import { DIRECTIONS, type Direction } from './config.js';
import { AntiPassbackStateError } from './errors.js';

export const ANTI_PASSBACK_META_KEY = 'gate.antiPassback';

/** Passage events that may have been journaled while a snapshot was taken (at most one tap in flight per reader). */
const REPLAY_MARGIN = 64;
const PAGE = 500;

/** What the store needs of the journal. */
export interface AntiPassbackJournal {
  getMeta(key: string): JsonValue | undefined;
  setMeta(key: string, value: JsonValue): void;
  events(query: { readonly toSeq?: number; readonly fromSeq?: number; readonly type?: string; readonly limit: number; readonly order?: 'asc' | 'desc' }): JournalEvent[];
  syncState(): { readonly lastSeq: number };
}

export interface AntiPassbackStore {
  /** The state to start from: the snapshot plus the passages journaled after it, none older than `forgetAfterMs`. */
  restore(nowMs: number): AntiPassbackState;
  /** Asks for a snapshot of `current()` soon. */
  changed(): void;
  /** Writes a snapshot now if one is due; stops the timer. */
  flush(): void;
}

export function createAntiPassbackStore(options: {
  readonly journal: AntiPassbackJournal;
  readonly current: () => AntiPassbackState;
  readonly forgetAfterMs: number;
  readonly logger: GateLogger;
  readonly saveEveryMs?: number;
}): AntiPassbackStore {
  const { journal, logger } = options;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const save = (): void => {
    timer = null;
    try {
      const seq = journal.syncState().lastSeq;
      journal.setMeta(ANTI_PASSBACK_META_KEY, { seq, state: serialiseAntiPassback(options.current()) } as unknown as JsonValue);
    } catch (error) {
      logger.warn({ err: error }, 'anti-passback state not saved; it is rebuilt from the journal at the next start');
    }
  };

  return {
    restore(nowMs) {
      const { state, seq } = readSnapshot(journal, logger);
      const passages = new Map(state);
      for (const [holder, passage] of replay(journal, Math.max(1, seq - REPLAY_MARGIN), nowMs - options.forgetAfterMs)) {
        const known = passages.get(holder);
        if (known === undefined || passage.atMs >= known.atMs) passages.set(holder, passage);
      }
      return new Map([...passages].filter(([, p]) => p.atMs > nowMs - options.forgetAfterMs));
    },
    changed() {
      timer ??= setTimeout(save, options.saveEveryMs ?? 1_000);
      timer.unref?.();
    },
    flush() {
      if (timer === null) return;
      clearTimeout(timer);
      save();
    },
  };
}

function readSnapshot(journal: AntiPassbackJournal, logger: GateLogger): { state: AntiPassbackState; seq: number } {
  const saved = journal.getMeta(ANTI_PASSBACK_META_KEY);
  if (saved === undefined || saved === null || typeof saved !== 'object' || Array.isArray(saved)) return { state: new Map(), seq: 1 };
  try {
    return { state: parseAntiPassback(saved['state']), seq: typeof saved['seq'] === 'number' ? saved['seq'] : 1 };
  } catch (error) {
    if (!(error instanceof AntiPassbackStateError)) throw error;
    logger.warn({ err: error }, 'anti-passback snapshot unreadable; rebuilding it from the journal');
    return { state: new Map(), seq: 1 };
  }
}

/** Passages journaled from `fromSeq` on and not older than `sinceMs`, oldest first. */
function replay(journal: AntiPassbackJournal, fromSeq: number, sinceMs: number): Array<[string, Passage]> {
  const found: Array<{ seq: number; holder: string; passage: Passage }> = [];
  for (const type of ['gate-entry', 'gate-exit']) {
    let toSeq: number | undefined;
    for (;;) {
      const page = journal.events({ fromSeq, type, limit: PAGE, order: 'desc', ...(toSeq === undefined ? {} : { toSeq }) });
      for (const event of page) {
        const passage = passageOf(event);
        if (passage !== null && passage.passage.atMs >= sinceMs) found.push({ seq: event.seq, ...passage });
      }
      const oldest = page.at(-1);
      if (page.length < PAGE || oldest === undefined || oldest.at < sinceMs) break;
      toSeq = oldest.seq - 1;
    }
  }
  return found.sort((a, b) => a.seq - b.seq).map(({ holder, passage }) => [holder, passage]);
}

function passageOf(event: JournalEvent): { holder: string; passage: Passage } | null {
  const { holder, direction, at, door } = event.payload;
  if (typeof holder !== 'string' || typeof at !== 'number' || typeof door !== 'string') return null;
  if (!DIRECTIONS.includes(direction as Direction)) return null;
  return { holder, passage: { direction: direction as Direction, atMs: at, door } };
}
