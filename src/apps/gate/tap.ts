/**
 * The gate's tap handler: a card on one of the gate's readers, read, decided and (for a
 * visitor's entry) written, then the door. Card, journal, actuator, clock and configuration
 * are injected; taps on different readers run concurrently.
 *
 * - A staff pass, and any exit, is read-only: SELECT and READ BINARY, the decision, the door
 *   command, then the passage event. Nothing is written to the card and no intent is recorded.
 * - A visitor's entry takes one unit with the value-write protocol: intent → card write →
 *   commit, the passage event in the commit's transaction, and only then the door.
 * - An earlier visitor write left in doubt is settled from the card before anything is decided;
 *   if it had landed, this entry is the one it paid for and nothing more is taken.
 */
import type { CardChannel } from '../../reader/channel.js';
import { readCard, type CardContext, type CardRead } from '../../free-area/operations.js';
import { buildNextSlot } from '../../free-area/slots.js';
import { resolveInDoubt, writeValue, type IntentJournal, type ResolvedIntent, type ValueWriteOutcome } from '../../free-area/value-write.js';
import type { DoorActuator, GateLogger } from './actuator.js';
import type { AntiPassbackState, Passage } from './anti-passback.js';
import { gateCardReading, programmeIdOf } from './card-reading.js';
import { resolveReader, type GateConfig, type ReaderContext } from './config.js';
import { decideEntry, refuseAt, type CardReading, type DenyListEntry, type Granted, type Refused } from './decide.js';
import type { DoorUnlock } from './door-monitor.js';
import { passageEvent, refusalEvent, type GateEvent } from './events.js';
import { TAP_AGAIN_MESSAGE, type Message } from './reasons.js';

/** What the gate needs of the terminal's journal; the SQLite journal provides it. */
export interface GateJournal extends IntentJournal {
  append(type: string, payload: Readonly<Record<string, unknown>>): unknown;
  transaction<T>(fn: () => T): T;
  denyEntry(cardId: string): DenyListEntry | null;
  /** False when a tap must be refused before the card is touched (disk full, read-only). */
  canAcceptTaps(): boolean;
}

export interface GateTapOptions {
  readonly journal: GateJournal;
  readonly card: CardContext;
  readonly config: GateConfig;
  readonly actuator: DoorActuator;
  /** The terminal's number, written into every slot it writes. */
  readonly terminalNumber: number;
  readonly now: () => number;
  readonly logger: GateLogger;
  /** Anti-passback state to start from (the terminal restores it from its journal meta). */
  readonly antiPassback?: AntiPassbackState;
  /** Called after each passage, for the terminal to persist the state (`serialiseAntiPassback(handler.antiPassback())`). */
  readonly onPassage?: (holder: string, passage: Passage) => void;
  /** Called when a door is unlocked, e.g. to feed the door monitor. */
  readonly onUnlock?: (unlock: DoorUnlock) => void;
  /** High-resolution clock in ms for the timings; `performance.now` by default. */
  readonly hrNow?: () => number;
}

export interface TapTimings {
  /** Card I/O of the read. */
  readonly readMs: number;
  /** From the tap to the door command; null when the door stayed shut. */
  readonly toDoorMs: number | null;
  readonly totalMs: number;
}

interface TapCommon {
  readonly reader: string;
  readonly atMs: number;
  readonly apdus: number;
  /** Earlier writes of this card that were in doubt and were settled by this read. */
  readonly resolved: readonly ResolvedIntent[];
  readonly timings: TapTimings;
}

export type GateTapOutcome =
  | (TapCommon & { readonly kind: 'granted'; readonly decision: Granted; readonly confirmedEarlierWrite: boolean })
  | (TapCommon & { readonly kind: 'refused'; readonly decision: Refused; readonly detail?: string })
  | (TapCommon & { readonly kind: 'in-doubt'; readonly cardId: string; readonly message: Message; readonly detail: string })
  /** The reader is not one of the gate's. */
  | { readonly kind: 'ignored'; readonly reader: string; readonly atMs: number };

export interface GateTapHandler {
  handleCard(channel: CardChannel): Promise<GateTapOutcome>;
  /** A copy of the anti-passback state, for persisting and for the status page. */
  antiPassback(): AntiPassbackState;
}

/** One tap in progress: where, when, and its clock. */
interface Tap {
  readonly context: ReaderContext;
  readonly atMs: number;
  readonly started: number;
  readMs: number;
  toDoorMs: number | null;
  apdus: number;
  resolved: readonly ResolvedIntent[];
}

export function createGateTapHandler(options: GateTapOptions): GateTapHandler {
  const { journal, config, logger } = options;
  const hrNow = options.hrNow ?? (() => performance.now());
  // The handler owns this map and updates it in place: copying it on every passage (the pure
  // `recordPassage`) costs milliseconds once a building has thousands of holders.
  const passages = new Map([...(options.antiPassback ?? [])].sort(([, a], [, b]) => a.atMs - b.atMs));

  async function handleCard(channel: CardChannel): Promise<GateTapOutcome> {
    const started = hrNow();
    const atMs = options.now();
    const context = resolveReader(config, channel.readerName);
    if (context === undefined) {
      logger.warn({ reader: channel.readerName }, 'a card was tapped on a reader that serves no door');
      return { kind: 'ignored', reader: channel.readerName, atMs };
    }
    const tap: Tap = { context, atMs, started, readMs: 0, toDoorMs: null, apdus: 0, resolved: [] };
    if (!journal.canAcceptTaps()) return refusedOutcome(tap, refuseAt(context, 'disk-full'), 'the journal cannot record');
    let read: CardRead;
    try {
      read = await readCard(channel, options.card);
    } catch (error) {
      logger.warn({ err: error, reader: context.reader }, 'card could not be read');
      tap.readMs = hrNow() - started;
      return refusedOutcome(tap, refuseAt(context, 'unreadable'), (error as Error).message);
    }
    tap.readMs = hrNow() - started;
    tap.apdus = read.apdus;
    return decideAndPass(channel, read, tap);
  }

  async function decideAndPass(channel: CardChannel, read: CardRead, tap: Tap): Promise<GateTapOutcome> {
    const cardId = read.header.cardId;
    tap.resolved = resolveInDoubt(read, journal, { app: 'gate', reader: tap.context.reader });
    const chosen = gateCardReading(read, config);
    if (chosen.problem !== undefined) logger.warn({ cardId, problem: chosen.problem }, 'card not trusted');
    const credit = tap.context.direction === 'in' ? earlierEntryCredit(tap.resolved) : null;
    const decision = decideEntry({
      card: credit === null ? chosen.reading : creditedReading(chosen.reading, credit.intent.units),
      denied: journal.denyEntry(cardId),
      config,
      context: tap.context,
      antiPassback: passages,
      atMs: tap.atMs,
      canRecord: true,
    });
    if (decision.kind === 'refused') return refusedOutcome(tap, decision, chosen.problem);
    if (credit !== null) return passReadOnly(tap, { ...decision, takeUnits: 0 }, credit.intent.intentId);
    if (decision.takeUnits === 0 || chosen.programmeIndex === null) return passReadOnly(tap, decision, null);
    return passWithWrite(channel, read, chosen.programmeIndex, tap, decision);
  }

  /** Staff, exits and already-paid entries: the door first, then the record. */
  function passReadOnly(tap: Tap, decision: Granted, intentId: number | null): GateTapOutcome {
    openDoor(tap, decision);
    try {
      appendEvent(passageEvent(decision, tap.atMs, intentId));
    } catch (error) {
      logger.error({ err: error, cardId: decision.cardId, door: decision.door }, 'a passage could not be journaled');
    }
    return granted(tap, decision, intentId !== null);
  }

  async function passWithWrite(channel: CardChannel, read: CardRead, programmeIndex: number, tap: Tap, decision: Granted): Promise<GateTapOutcome> {
    const programme = read.programmes[programmeIndex];
    if (programme?.status.kind !== 'ok' || programme.grant === null) return refusedOutcome(tap, refuseAt(tap.context, 'unreadable', decision.cardId));
    const next = buildNextSlot(programme.status.current.state, {
      units: decision.takeUnits,
      atMs: tap.atMs,
      terminal: options.terminalNumber,
      macKeyVersion: options.card.keys.currentMacKeyVersion,
    });
    const committed = new Set<number>();
    let outcome: ValueWriteOutcome;
    try {
      outcome = await writeValue(channel, options.card, read, committingJournal(tap, decision, committed), {
        programmeIndex,
        programmeId: programmeIdOf(programme.grant.programme),
        next,
        units: decision.takeUnits,
        context: { app: 'gate', kind: 'entry', door: decision.door, reader: decision.reader, holder: decision.holder },
      });
    } catch (error) {
      logger.error({ err: error, cardId: decision.cardId }, 'the journal refused the intent; nothing was taken');
      return refusedOutcome(tap, refuseAt(tap.context, 'disk-full', decision.cardId), (error as Error).message);
    }
    if ('apdus' in outcome) tap.apdus += outcome.apdus;
    if (outcome.kind === 'committed' || committed.has(outcome.intentId)) {
      openDoor(tap, decision);
      return granted(tap, decision, false);
    }
    if (outcome.kind === 'refused') return refusedOutcome(tap, refuseAt(tap.context, 'unreadable', decision.cardId), outcome.error.message);
    return { kind: 'in-doubt', ...common(tap), cardId: decision.cardId, message: TAP_AGAIN_MESSAGE, detail: outcome.error.message };
  }

  /** The journal as the write sees it: a commit lands together with the passage event. */
  function committingJournal(tap: Tap, decision: Granted, committed: Set<number>): IntentJournal {
    return {
      recordIntent: (intent) => journal.recordIntent(intent),
      abortIntent: (intentId, reason, extra) => journal.abortIntent(intentId, reason, extra),
      openIntents: (cardId) => journal.openIntents(cardId),
      commitIntent: (intentId, extra) =>
        journal.transaction(() => {
          const result = journal.commitIntent(intentId, extra);
          appendEvent(passageEvent(decision, tap.atMs, intentId));
          committed.add(intentId);
          return result;
        }),
    };
  }

  function openDoor(tap: Tap, decision: Granted): void {
    const { door, doorOpenMs } = decision;
    tap.toDoorMs = hrNow() - tap.started;
    options.actuator.open(door, doorOpenMs).catch((error: unknown) => logger.error({ err: error, door }, 'door actuator failed'));
    options.onUnlock?.({
      door,
      atMs: tap.atMs,
      openMs: doorOpenMs,
      passage: { reader: decision.reader, direction: decision.direction, holder: decision.holder, cardId: decision.cardId },
    });
    rememberPassage(decision.holder, { direction: decision.direction, atMs: tap.atMs, door });
  }

  /**
   * Records a passage at the end of the map, so the map stays in time order; passages too old
   * to count are dropped from its front, a few at a time.
   */
  function rememberPassage(holder: string, passage: Passage): void {
    passages.delete(holder);
    passages.set(holder, passage);
    const before = passage.atMs - config.antiPassback.forgetAfterMs;
    for (const [key, value] of passages) {
      if (value.atMs >= before) break;
      passages.delete(key);
    }
    options.onPassage?.(holder, passage);
  }

  function refusedOutcome(tap: Tap, decision: Refused, detail?: string): GateTapOutcome {
    try {
      appendEvent(refusalEvent(decision, tap.atMs));
    } catch (error) {
      logger.warn({ err: error, reason: decision.reason }, 'a refusal could not be journaled');
    }
    return { kind: 'refused', ...common(tap), decision, ...(detail === undefined ? {} : { detail }) };
  }

  function granted(tap: Tap, decision: Granted, confirmedEarlierWrite: boolean): GateTapOutcome {
    return { kind: 'granted', ...common(tap), decision, confirmedEarlierWrite };
  }

  function common(tap: Tap): TapCommon {
    const timings = { readMs: tap.readMs, toDoorMs: tap.toDoorMs, totalMs: hrNow() - tap.started };
    return { reader: tap.context.reader, atMs: tap.atMs, apdus: tap.apdus, resolved: tap.resolved, timings };
  }

  function appendEvent(event: GateEvent): void {
    journal.append(event.type, event.payload as unknown as Readonly<Record<string, unknown>>);
  }

  return { handleCard, antiPassback: () => new Map(passages) };
}

/** A visitor entry whose card write was found to have landed after its tap had ended in doubt. */
function earlierEntryCredit(resolved: readonly ResolvedIntent[]): ResolvedIntent | null {
  return resolved.find((r) => r.resolution === 'committed' && r.intent.context['app'] === 'gate' && r.intent.context['kind'] === 'entry') ?? null;
}

/** The reading as it was before the landed write, so the entry it paid for is decided as such. */
function creditedReading(reading: CardReading, units: number): CardReading {
  if (reading.kind !== 'ok' || reading.slot === null) return reading;
  return { ...reading, slot: { ...reading.slot, used: Math.max(0, reading.slot.used - units) } };
}
