/**
 * The gate as a terminal runs it: the tap handler with its anti-passback state kept across
 * restarts, the doors (locked or unlocked, their position input, alarms), the recent taps, and
 * the operator's manual release. Journal, actuator, clock and configuration are injected; the
 * terminal turns `onTap` and `onDoor` into live events and metrics.
 */
import type { CardContext } from '../../free-area/operations.js';
import type { CardChannel } from '../../reader/channel.js';
import type { DoorActuator, GateLogger } from './actuator.js';
import { createAntiPassbackStore, type AntiPassbackJournal } from './anti-passback-store.js';
import type { GateConfig } from './config.js';
import { createSimulatedDoorPosition, watchDoors, type DoorAlarm, type DoorPosition, type DoorUnlock } from './door-monitor.js';
import { doorAlarmEvent } from './events.js';
import { createDoorBook, type DoorView, type PassageRecord } from './door-book.js';
import { doorReleasedEvent } from './release.js';
import { createGateTapHandler, type GateJournal, type GateTapOutcome } from './tap.js';
import { tapView, type TapView } from './view.js';

export type { DoorView, PassageRecord } from './door-book.js';

export interface GateServiceJournal extends GateJournal, AntiPassbackJournal {}

export interface GateServiceOptions {
  readonly journal: GateServiceJournal;
  readonly card: CardContext;
  readonly config: GateConfig;
  readonly actuator: DoorActuator;
  readonly terminalNumber: number;
  readonly now: () => number;
  readonly logger: GateLogger;
  readonly hrNow?: () => number;
  readonly onTap?: (view: TapView, outcome: GateTapOutcome) => void;
  readonly onDoor?: (change: DoorChange) => void;
  /** Taps kept for the status page. Default 50. */
  readonly keepTaps?: number;
  /** How often a door left open is looked for. Default 1000 ms. */
  readonly checkEveryMs?: number;
}

export interface DoorChange {
  readonly kind: 'unlocked' | 'released' | 'position' | 'alarm';
  readonly at: number;
  readonly door: DoorView;
  readonly alarm?: DoorAlarm;
}

export type ReleaseResult = { readonly kind: 'released'; readonly door: DoorView; readonly openMs: number } | { readonly kind: 'no-such-door' };

export type PositionResult =
  | { readonly kind: 'changed'; readonly door: DoorView; readonly alarms: readonly DoorAlarm[] }
  | { readonly kind: 'no-such-door' }
  | { readonly kind: 'no-position-input' };

export interface GateService {
  readonly config: GateConfig;
  handleCard(channel: CardChannel): Promise<{ readonly outcome: GateTapOutcome; readonly view: TapView }>;
  doors(): DoorView[];
  /** The newest taps first, refused ones included. */
  taps(limit?: number): TapView[];
  /** The newest journaled passages first. */
  passages(limit: number): PassageRecord[];
  /** Unlocks a door by hand; the release is journaled first (a journal that cannot record throws). */
  release(doorId: string, options?: { readonly ms?: number; readonly reason?: string; readonly by?: string }): ReleaseResult;
  /** The simulated door-position input: the door opened or closed now. */
  setPosition(doorId: string, position: DoorPosition): PositionResult;
  /** Resolves when no tap is in progress. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export function createGateService(options: GateServiceOptions): GateService {
  const { journal, config, logger, now } = options;
  const keep = options.keepTaps ?? 50;
  const position = createSimulatedDoorPosition();
  const book = createDoorBook({ config, journal, now });
  const recent: TapView[] = [];
  const pending = new Set<Promise<unknown>>();
  let tapCount = 0;
  /** Alarms raised by the position change being applied, for its caller. */
  let collecting: DoorAlarm[] | null = null;

  const emitDoor = (kind: DoorChange['kind'], doorId: string, alarm?: DoorAlarm): void => {
    const door = book.door(doorId, watch.state());
    if (door !== undefined) options.onDoor?.({ kind, at: now(), door, ...(alarm === undefined ? {} : { alarm }) });
  };
  const onAlarm = (alarm: DoorAlarm): void => {
    logger.warn({ door: alarm.door, alarm: alarm.kind }, alarm.kind === 'door-forced' ? 'door forced open' : 'door held open');
    try {
      const event = doorAlarmEvent(alarm);
      journal.append(event.type, event.payload as unknown as Readonly<Record<string, unknown>>);
    } catch (error) {
      logger.error({ err: error, door: alarm.door }, 'a door alarm could not be journaled');
    }
    collecting?.push(alarm);
    emitDoor('alarm', alarm.door, alarm);
  };
  const watch = watchDoors({ config, source: position, onAlarm });
  const unlock = (u: DoorUnlock): void => {
    watch.unlock(u);
    book.unlocked(u.door, u.atMs + u.openMs);
    // Told once the tap has journaled its passage (right after the door command), so the door's last passages include it.
    queueMicrotask(() => emitDoor(u.passage === null ? 'released' : 'unlocked', u.door));
  };
  const store = createAntiPassbackStore({ journal, current: () => handler.antiPassback(), forgetAfterMs: config.antiPassback.forgetAfterMs, logger });
  const handler = createGateTapHandler({
    journal,
    card: options.card,
    config,
    actuator: options.actuator,
    terminalNumber: options.terminalNumber,
    now,
    logger,
    antiPassback: store.restore(now()),
    onPassage: () => store.changed(),
    onUnlock: unlock,
    ...(options.hrNow === undefined ? {} : { hrNow: options.hrNow }),
  });
  const checkTimer = config.doors.some((d) => d.position !== undefined) ? setInterval(() => watch.check(now()), options.checkEveryMs ?? 1_000) : null;
  checkTimer?.unref?.();

  async function handleCard(channel: CardChannel) {
    const outcome = await handler.handleCard(channel);
    const view = tapView(++tapCount, outcome);
    recent.unshift(view);
    if (recent.length > keep) recent.pop();
    options.onTap?.(view, outcome);
    return { outcome, view };
  }

  function release(doorId: string, opts: { readonly ms?: number; readonly reason?: string; readonly by?: string } = {}): ReleaseResult {
    const door = config.doors.find((d) => d.id === doorId);
    if (door === undefined) return { kind: 'no-such-door' };
    const at = now();
    const openMs = opts.ms ?? door.openMs;
    const event = doorReleasedEvent({ door: doorId, at, openMs, reason: opts.reason ?? null, by: opts.by ?? 'api' });
    journal.append(event.type, event.payload as unknown as Readonly<Record<string, unknown>>);
    logger.info({ door: doorId, openMs, reason: opts.reason }, 'door released by hand');
    options.actuator.open(doorId, openMs).catch((error: unknown) => logger.error({ err: error, door: doorId }, 'door actuator failed'));
    unlock({ door: doorId, atMs: at, openMs, passage: null });
    return { kind: 'released', door: book.door(doorId, watch.state()) as DoorView, openMs };
  }

  function setPosition(doorId: string, to: DoorPosition): PositionResult {
    const door = config.doors.find((d) => d.id === doorId);
    if (door === undefined) return { kind: 'no-such-door' };
    if (door.position === undefined) return { kind: 'no-position-input' };
    const before = watch.state().get(doorId);
    const alarms: DoorAlarm[] = [];
    collecting = alarms;
    try {
      if (to === 'open') position.open(doorId, now());
      else position.close(doorId, now());
    } finally {
      collecting = null;
    }
    if (watch.state().get(doorId) !== before) emitDoor('position', doorId);
    return { kind: 'changed', door: book.door(doorId, watch.state()) as DoorView, alarms };
  }

  return {
    config,
    handleCard(channel) {
      const tap = handleCard(channel);
      pending.add(tap);
      void tap.finally(() => pending.delete(tap)).catch(() => undefined);
      return tap;
    },
    doors: () => book.doors(watch.state()),
    taps: (limit = keep) => recent.slice(0, limit),
    passages: (limit) => book.passages(limit),
    release,
    setPosition,
    idle: async () => {
      await Promise.allSettled([...pending]);
    },
    async close() {
      if (checkTimer !== null) clearInterval(checkTimer);
      await Promise.allSettled([...pending]);
      watch.stop();
      store.flush();
    },
  };
}
