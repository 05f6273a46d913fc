/**
 * What the gate knows of its doors for the status page and the API: configuration, whether each
 * is unlocked now, its position where an input is wired, and its last passages from the journal.
 */
import type { JournalEvent } from '../../journal/types.js';
import type { Direction, GateConfig } from './config.js';
import type { DoorMonitorState, DoorPosition } from './door-monitor.js';

export interface PassageRecord {
  readonly seq: number;
  readonly type: 'gate-entry' | 'gate-exit';
  readonly at: number;
  readonly door: string;
  readonly reader: string;
  readonly direction: Direction;
  readonly holder: string;
  readonly cardId: string;
  readonly pass: string;
  readonly units: number;
  readonly remainingEntries: number | null;
  readonly flags: readonly string[];
  readonly intentId: number | null;
}

export interface DoorView {
  readonly id: string;
  readonly name: string | null;
  readonly readers: { readonly in: string; readonly out: string | null };
  readonly zones: readonly number[];
  readonly antiPassback: string;
  readonly openMs: number;
  readonly lock: 'locked' | 'unlocked';
  readonly unlockedUntil: number | null;
  /** `unknown` where the door has no position input. */
  readonly position: DoorPosition | 'unknown';
  readonly lastPassages: readonly PassageRecord[];
}

export interface DoorBookJournal {
  events(query: { readonly type?: string; readonly limit: number; readonly order?: 'asc' | 'desc' }): JournalEvent[];
}

const LAST_PASSAGES = 5;

export function createDoorBook(options: { readonly config: GateConfig; readonly journal: DoorBookJournal; readonly now: () => number }) {
  const { config, journal } = options;
  const unlockedUntil = new Map<string, number>();

  const passages = (limit: number): PassageRecord[] =>
    [...journal.events({ type: 'gate-entry', limit, order: 'desc' }), ...journal.events({ type: 'gate-exit', limit, order: 'desc' })]
      .sort((a, b) => b.seq - a.seq)
      .slice(0, limit)
      .map(passageRecord);

  const view = (id: string, monitor: DoorMonitorState, recent: readonly PassageRecord[]): DoorView | undefined => {
    const door = config.doors.find((d) => d.id === id);
    if (door === undefined) return undefined;
    const until = unlockedUntil.get(id) ?? null;
    const unlocked = until !== null && options.now() < until;
    return {
      id,
      name: door.name ?? null,
      readers: { in: door.readers.in, out: door.readers.out ?? null },
      zones: door.zones,
      antiPassback: door.antiPassback,
      openMs: door.openMs,
      lock: unlocked ? 'unlocked' : 'locked',
      unlockedUntil: unlocked ? until : null,
      position: monitor.get(id)?.position ?? 'unknown',
      lastPassages: recent.filter((p) => p.door === id).slice(0, LAST_PASSAGES),
    };
  };

  return {
    unlocked(door: string, untilMs: number): void {
      unlockedUntil.set(door, Math.max(untilMs, unlockedUntil.get(door) ?? 0));
    },
    door: (id: string, monitor: DoorMonitorState) => view(id, monitor, passages(LAST_PASSAGES * 4)),
    doors(monitor: DoorMonitorState): DoorView[] {
      const recent = passages(LAST_PASSAGES * 4 * config.doors.length);
      return config.doors.map((d) => view(d.id, monitor, recent) as DoorView);
    },
    passages,
  };
}

function passageRecord(event: JournalEvent): PassageRecord {
  const p = event.payload;
  return {
    seq: event.seq,
    type: event.type as PassageRecord['type'],
    at: event.at,
    door: String(p['door']),
    reader: String(p['reader']),
    direction: p['direction'] === 'out' ? 'out' : 'in',
    holder: String(p['holder']),
    cardId: String(p['cardId']),
    pass: String(p['pass']),
    units: Number(p['units'] ?? 0),
    remainingEntries: typeof p['remainingEntries'] === 'number' ? p['remainingEntries'] : null,
    flags: Array.isArray(p['flags']) ? p['flags'].map(String) : [],
    intentId: typeof p['intentId'] === 'number' ? p['intentId'] : null,
  };
}
