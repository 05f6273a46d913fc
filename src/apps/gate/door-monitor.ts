/**
 * Door-position supervision. Where a door has a position input (a reed contact), the monitor
 * raises `door-forced` when the door opens while it is locked, and `door-held-open` when it
 * stays open longer than the door's threshold after the last grant (or after it opened).
 *
 * A grant (or a request-to-exit button) unlocks the door for its open time; the first opening
 * inside that window is authorised and uses the window up. The state machine is pure; time
 * comes from the events and from `checkDoorsAt`, which the terminal calls on a timer so that a
 * door left open is reported while it is still open.
 */
import type { Direction, GateConfig } from './config.js';

export type DoorPosition = 'open' | 'closed';

export interface DoorPositionEvent {
  readonly door: string;
  readonly position: DoorPosition;
  readonly atMs: number;
}

/** The passage that unlocked a door. */
export interface PassageRef {
  readonly reader: string;
  readonly direction: Direction;
  readonly holder: string;
  readonly cardId: string;
}

export interface DoorUnlock {
  readonly door: string;
  readonly atMs: number;
  readonly openMs: number;
  /** Null for a request-to-exit button. */
  readonly passage: PassageRef | null;
}

export interface DoorAlarm {
  readonly kind: 'door-held-open' | 'door-forced';
  readonly door: string;
  /** When the alarm condition began: the forced opening, or the moment the threshold passed. */
  readonly atMs: number;
  readonly openedAtMs: number;
  readonly passage: PassageRef | null;
}

interface DoorState {
  readonly heldOpenMs: number;
  readonly position: DoorPosition;
  readonly unlockedUntilMs: number | null;
  readonly passage: PassageRef | null;
  readonly openedAtMs: number | null;
  /** Start of the held-open count: the opening, or a later grant while the door stood open. */
  readonly heldSinceMs: number | null;
  readonly heldReported: boolean;
}

/** Monitored door ID → its state. Only doors with a position input are monitored. */
export type DoorMonitorState = ReadonlyMap<string, DoorState>;

export interface DoorMonitorStep {
  readonly state: DoorMonitorState;
  readonly alarms: readonly DoorAlarm[];
}

export function createDoorMonitorState(config: GateConfig): DoorMonitorState {
  const state = new Map<string, DoorState>();
  for (const door of config.doors) {
    if (door.position === undefined) continue;
    state.set(door.id, {
      heldOpenMs: door.position.heldOpenMs,
      position: 'closed',
      unlockedUntilMs: null,
      passage: null,
      openedAtMs: null,
      heldSinceMs: null,
      heldReported: false,
    });
  }
  return state;
}

export function unlockDoor(state: DoorMonitorState, unlock: DoorUnlock): DoorMonitorState {
  const door = state.get(unlock.door);
  if (door === undefined) return state;
  if (door.position === 'open') {
    return withDoor(state, unlock.door, { ...door, passage: unlock.passage ?? door.passage, heldSinceMs: unlock.atMs, heldReported: false });
  }
  return withDoor(state, unlock.door, { ...door, unlockedUntilMs: unlock.atMs + unlock.openMs, passage: unlock.passage });
}

export function doorPositionChanged(state: DoorMonitorState, event: DoorPositionEvent): DoorMonitorStep {
  const door = state.get(event.door);
  if (door === undefined || door.position === event.position) return { state, alarms: [] };
  return event.position === 'open' ? doorOpened(state, event, door) : doorClosed(state, event, door);
}

/** Raises door-held-open for every door that has now been open longer than its threshold. */
export function checkDoorsAt(state: DoorMonitorState, atMs: number): DoorMonitorStep {
  let next = state;
  const alarms: DoorAlarm[] = [];
  for (const [id, door] of state) {
    const alarm = heldOpenAlarm(id, door, atMs);
    if (alarm === null) continue;
    alarms.push(alarm);
    next = withDoor(next, id, { ...door, heldReported: true });
  }
  return { state: next, alarms };
}

function doorOpened(state: DoorMonitorState, event: DoorPositionEvent, door: DoorState): DoorMonitorStep {
  const authorised = door.unlockedUntilMs !== null && event.atMs <= door.unlockedUntilMs;
  const passage = authorised ? door.passage : null;
  const next = withDoor(state, event.door, {
    ...door,
    position: 'open',
    unlockedUntilMs: null,
    passage,
    openedAtMs: event.atMs,
    heldSinceMs: event.atMs,
    heldReported: false,
  });
  if (authorised) return { state: next, alarms: [] };
  return { state: next, alarms: [{ kind: 'door-forced', door: event.door, atMs: event.atMs, openedAtMs: event.atMs, passage: null }] };
}

function doorClosed(state: DoorMonitorState, event: DoorPositionEvent, door: DoorState): DoorMonitorStep {
  const alarm = heldOpenAlarm(event.door, door, event.atMs);
  const next = withDoor(state, event.door, {
    ...door,
    position: 'closed',
    unlockedUntilMs: null,
    passage: null,
    openedAtMs: null,
    heldSinceMs: null,
    heldReported: false,
  });
  return { state: next, alarms: alarm === null ? [] : [alarm] };
}

function heldOpenAlarm(id: string, door: DoorState, atMs: number): DoorAlarm | null {
  if (door.position !== 'open' || door.heldReported || door.heldSinceMs === null || door.openedAtMs === null) return null;
  if (atMs - door.heldSinceMs <= door.heldOpenMs) return null;
  return { kind: 'door-held-open', door: id, atMs: door.heldSinceMs + door.heldOpenMs, openedAtMs: door.openedAtMs, passage: door.passage };
}

function withDoor(state: DoorMonitorState, id: string, door: DoorState): DoorMonitorState {
  const next = new Map(state);
  next.set(id, door);
  return next;
}

/** Where door-position events come from: a GPIO input in production, a simulation in tests. */
export interface DoorPositionSource {
  /** Calls the listener on every change; returns a function that stops the calls. */
  subscribe(listener: (event: DoorPositionEvent) => void): () => void;
}

export interface SimulatedDoorPosition extends DoorPositionSource {
  open(door: string, atMs: number): void;
  close(door: string, atMs: number): void;
}

export function createSimulatedDoorPosition(): SimulatedDoorPosition {
  const listeners = new Set<(event: DoorPositionEvent) => void>();
  const emit = (event: DoorPositionEvent): void => {
    for (const listener of [...listeners]) listener(event);
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    open: (door, atMs) => emit({ door, position: 'open', atMs }),
    close: (door, atMs) => emit({ door, position: 'closed', atMs }),
  };
}

export interface DoorWatch {
  unlock(unlock: DoorUnlock): void;
  /** Checks for held-open doors; call it on a timer. */
  check(atMs: number): void;
  state(): DoorMonitorState;
  stop(): void;
}

/** Keeps the monitor's state for a terminal: feeds it the source's events and reports alarms. */
export function watchDoors(options: {
  readonly config: GateConfig;
  readonly source: DoorPositionSource;
  readonly onAlarm: (alarm: DoorAlarm) => void;
}): DoorWatch {
  let state = createDoorMonitorState(options.config);
  const apply = (step: DoorMonitorStep): void => {
    state = step.state;
    for (const alarm of step.alarms) options.onAlarm(alarm);
  };
  const unsubscribe = options.source.subscribe((event) => apply(doorPositionChanged(state, event)));
  return {
    unlock: (unlock) => {
      state = unlockDoor(state, unlock);
    },
    check: (atMs) => apply(checkDoorsAt(state, atMs)),
    state: () => state,
    stop: unsubscribe,
  };
}
