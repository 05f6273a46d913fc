/**
 * The taxi terminal's app: the open ride, and every tap decided and taken against it with the
 * tap protocol (intent → card write → commit). Card, journal, clock and configuration are
 * injected; one tap or ride operation runs at a time.
 */
import type { CardChannel } from '../../reader/channel.js';
import { readCard, type CardRead } from '../../free-area/operations.js';
import { buildNextSlot } from '../../free-area/slots.js';
import { resolveInDoubt, writeValue, type ResolvedIntent } from '../../free-area/value-write.js';
import { programmeCandidates, type ProgrammeCandidate } from './card-verdict.js';
import { decideTap, type TapAccepted, type TapDecision } from './decide.js';
import { honouredProgramme, parseProgrammeId, type TerminalProgrammes } from './programmes.js';
import { reasonMessage, type Message } from './reasons.js';
import { addTap, cancelRide, closeRide, correctFare, openRide, rideSummary, voidTap, type RideOutcome } from './ride.js';
import { replayRide } from './ride-events.js';
import type { AcceptedTap, Place, Ride, RideEvent } from './ride-model.js';
import type { RideView, TapOutcome, TapTimings, TaxiServiceOptions } from './service-types.js';
import { createTimer } from './timer.js';

const RIDE_META = 'taxi.ride';

export interface TaxiService {
  ride(): RideView | null;
  openRide(input: { fareYen: number; pickup?: Place; dropoff?: Place }): Promise<RideOutcome>;
  closeRide(input?: { dropoff?: Place }): Promise<RideOutcome>;
  cancelRide(): Promise<RideOutcome>;
  correctFare(fareYen: number): Promise<RideOutcome>;
  voidTap(cardId: string): Promise<RideOutcome>;
  handleCard(channel: CardChannel): Promise<TapOutcome>;
  /** Resolves when the tap or ride operation in progress (if any) has finished. */
  idle(): Promise<void>;
  /** Applies a new programme configuration (from the office) between taps. */
  reconfigure(programmes: TerminalProgrammes): Promise<void>;
}

export function createTaxiService(options: TaxiServiceOptions): TaxiService {
  const { journal, now, logger } = options;
  let programmes = options.programmes;
  let ride: Ride | null = restoreRide();
  let queue: Promise<unknown> = Promise.resolve();

  function restoreRide(): Ride | null {
    const stored = journal.getMeta(RIDE_META) as { events: RideEvent[] } | undefined;
    return stored && stored.events.length > 0 ? replayRide(stored.events) : null;
  }

  function serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  }

  function view(): RideView | null {
    return ride ? { ride, summary: rideSummary(ride) } : null;
  }

  /** Appends a ride event and stores the ride, in one transaction; the caller holds the journal's transaction if nested. */
  function recordRide(outcome: RideOutcome): RideOutcome {
    if (outcome.kind !== 'ok') return outcome;
    journal.transaction(() => {
      journal.append(outcome.event.type, outcome.event.payload as unknown as Record<string, unknown>);
      journal.setMeta(RIDE_META, { events: outcome.ride.events });
    });
    ride = outcome.ride;
    options.onEvent?.({ type: 'ride', data: view() });
    return outcome;
  }

  function rideOp(fn: (current: Ride | null, atMs: number) => RideOutcome | null): Promise<RideOutcome> {
    return serial(() => {
      const result = fn(ride, now());
      return result ?? { kind: 'refused', reason: 'ride-not-open', message: reasonMessage('ride-not-open') };
    });
  }

  /**
   * The commit of a card write, and the rider joining the ride, land in one transaction, both
   * when the write is confirmed at once and when an in-doubt write is found on the card later.
   */
  const tapJournal = {
    ...journal,
    recordIntent: journal.recordIntent.bind(journal),
    abortIntent: journal.abortIntent.bind(journal),
    openIntents: journal.openIntents.bind(journal),
    commitIntent(intentId: number, extra?: Readonly<Record<string, unknown>>) {
      return journal.transaction(() => {
        const result = journal.commitIntent(intentId, extra);
        const context = journal.intent(intentId)?.context;
        const tap = context?.['tap'] as AcceptedTap | undefined;
        const rideId = context?.['rideId'];
        if (tap && ride && ride.rideId === rideId && ride.status === 'open') recordRide(addTap(ride, tap));
        return result;
      });
    },
  };

  async function handleCard(channel: CardChannel): Promise<TapOutcome> {
    const timer = createTimer(options.hrNow);
    const atMs = now();
    if (!journal.canAcceptTaps()) return rejected(null, atMs, timer.done(), 0, [], 'disk-full');
    let read: CardRead;
    try {
      read = await readCard(channel, options.card);
    } catch (error) {
      logger.warn({ err: error, reader: channel.readerName }, 'card could not be read');
      return rejected(null, atMs, timer.lap('read').done(), 0, [], 'unreadable', (error as Error).message);
    }
    timer.lap('read');
    const cardId = read.header.cardId;
    const resolved = resolveInDoubt(read, tapJournal);
    if (resolved.length > 0) logger.info({ cardId, resolved: resolved.map((r) => [r.intent.intentId, r.resolution]) }, 'in-doubt writes settled');
    const confirmed = resolved.find((r) => r.resolution === 'committed' && r.intent.context['rideId'] === ride?.rideId);
    if (confirmed) return confirmedEarlier(read, confirmed, atMs, timer.done(), resolved);
    const { candidate, decision } = decide(read, atMs);
    timer.lap('decide');
    if (decision.kind === 'rejected') {
      safeAppend('tap-rejected', { cardId, programmeId: candidate?.programmeId ?? null, reason: decision.reason, detail: decision.detail ?? null, rideId: ride?.rideId ?? null });
      return rejected(cardId, atMs, timer.done(), read.apdus, resolved, decision.reason, decision.detail);
    }
    return take(channel, read, candidate as ProgrammeCandidate, decision, atMs, timer, resolved);
  }

  function decide(read: CardRead, atMs: number): { candidate: ProgrammeCandidate | undefined; decision: TapDecision } {
    const denied = journal.denyEntry(read.header.cardId);
    const candidates = programmeCandidates(read, programmes);
    let first: { candidate: ProgrammeCandidate | undefined; decision: TapDecision } | undefined;
    for (const candidate of candidates) {
      const id = parseProgrammeId(candidate.programmeId);
      const decision = decideTap({
        grant: candidate.grant,
        state: candidate.state,
        verification: candidate.verification,
        denied,
        programme: id ? honouredProgramme(programmes, id) : undefined,
        ride,
        atMs,
        journalWritable: true,
      });
      if (decision.kind === 'accepted') return { candidate, decision };
      first ??= { candidate, decision: candidate.problem ? { ...decision, detail: candidate.problem } : decision };
    }
    return first ?? { candidate: undefined, decision: { kind: 'rejected', reason: 'unknown-programme', message: reasonMessage('unknown-programme') } };
  }

  async function take(
    channel: CardChannel,
    read: CardRead,
    candidate: ProgrammeCandidate,
    decision: TapAccepted,
    atMs: number,
    timer: ReturnType<typeof createTimer>,
    resolved: ResolvedIntent[],
  ): Promise<TapOutcome> {
    const cardId = read.header.cardId;
    const state = candidate.state ?? read.programmes[candidate.index]?.status;
    const current = candidate.state ?? (state && 'current' in state ? state.current.state : null);
    if (!current) return rejected(cardId, atMs, timer.done(), read.apdus, resolved, 'unreadable');
    const next = buildNextSlot(current, { units: decision.units, atMs, terminal: options.terminalNumber, macKeyVersion: options.card.keys.currentMacKeyVersion });
    const rideId = ride?.rideId ?? null;
    let outcome;
    try {
      outcome = await writeValue(channel, options.card, read, timedJournal(timer), {
        programmeIndex: candidate.index,
        programmeId: candidate.programmeId,
        next,
        units: decision.units,
        context: { rideId, fareYen: ride?.fareYen ?? null, subsidyYen: decision.subsidyYen, tap: decision.tap as unknown as Record<string, unknown> },
      });
    } catch (error) {
      logger.error({ err: error, cardId }, 'the journal refused the intent; nothing was taken');
      return rejected(cardId, atMs, timer.done(), read.apdus, resolved, 'disk-full', (error as Error).message);
    }
    const timings = timer.done();
    if (outcome.kind === 'in-doubt') {
      return { kind: 'in-doubt', cardId, atMs, timings, apdus: read.apdus, resolved, message: TAP_AGAIN, detail: outcome.error.message };
    }
    if (outcome.kind === 'refused') return rejected(cardId, atMs, timings, read.apdus, resolved, 'unreadable', outcome.error.message);
    return accepted(read, candidate, decision, atMs, timings, read.apdus + outcome.apdus, resolved, false);
  }

  function timedJournal(timer: ReturnType<typeof createTimer>) {
    return {
      ...tapJournal,
      recordIntent: (intent: Parameters<typeof journal.recordIntent>[0]) => {
        timer.lap('decide');
        const r = journal.recordIntent(intent);
        timer.lap('intent');
        return r;
      },
      commitIntent: (intentId: number, extra?: Readonly<Record<string, unknown>>) => {
        timer.lap('write');
        const r = tapJournal.commitIntent(intentId, extra);
        timer.lap('commit');
        return r;
      },
    };
  }

  function accepted(read: CardRead, c: ProgrammeCandidate, d: TapAccepted, atMs: number, timings: TapTimings, apdus: number, resolved: ResolvedIntent[], confirmedEarlierWrite: boolean): TapOutcome {
    const id = parseProgrammeId(c.programmeId);
    const programme = id ? honouredProgramme(programmes, id) : undefined;
    const summary = ride ? rideSummary(ride) : { riders: [], totalSubsidyYen: 0, cashToCollectYen: 0 };
    const subsidyYen = summary.riders.find((r) => r.cardId === read.header.cardId)?.subsidyYen ?? d.subsidyYen;
    return {
      kind: 'accepted', cardId: read.header.cardId, atMs, timings, apdus, resolved, programmeId: c.programmeId,
      programmeName: programme?.name ?? { ja: c.programmeId, en: c.programmeId }, unit: c.grant?.unit ?? 'coupon',
      units: d.units, subsidyYen, remaining: d.remaining, ride: summary, confirmedEarlierWrite,
    };
  }

  function confirmedEarlier(read: CardRead, confirmed: ResolvedIntent, atMs: number, timings: TapTimings, resolved: ResolvedIntent[]): TapOutcome {
    const tap = confirmed.intent.context['tap'] as unknown as AcceptedTap;
    const candidate = programmeCandidates(read, programmes).find((c) => c.index === confirmed.intent.programmeIndex);
    const grant = candidate?.grant;
    const remainingUnits = grant && candidate?.state ? grant.amount - candidate.state.used : 0;
    const decision = { kind: 'accepted', units: tap.units, subsidyYen: tap.subsidyYen, remaining: { units: remainingUnits, todayUses: null, monthUnits: null }, tap } as const;
    const fallback: ProgrammeCandidate = { index: confirmed.intent.programmeIndex, programmeId: confirmed.intent.programmeId, grant: null, state: null, verification: 'ok' };
    return accepted(read, candidate ?? fallback, decision, atMs, timings, read.apdus, resolved, true);
  }

  function rejected(cardId: string | null, atMs: number, timings: TapTimings, apdus: number, resolved: ResolvedIntent[], reason: Parameters<typeof reasonMessage>[0] & string, detail?: string): TapOutcome {
    const message = reasonMessage(reason as never);
    return { kind: 'rejected', cardId, atMs, timings, apdus, resolved, reason: reason as never, message, ...(detail === undefined ? {} : { detail }) };
  }

  function safeAppend(type: string, payload: Record<string, unknown>): void {
    try {
      journal.append(type, payload);
    } catch (error) {
      logger.warn({ err: error, type }, 'could not journal a rejected tap');
    }
  }

  return {
    ride: view,
    openRide: (input) =>
      rideOp((current, atMs) => {
        if (current?.status === 'open') return { kind: 'refused', reason: 'ride-has-taps', message: { ja: '乗車中の記録があります。先に終了してください', en: 'A ride is already open: close it first' } } as RideOutcome;
        return recordRide(openRide({ rideId: options.newRideId(), atMs, ...input }));
      }),
    closeRide: (input = {}) => rideOp((current, atMs) => (current ? recordRide(closeRide(current, atMs, input.dropoff)) : null)),
    cancelRide: () => rideOp((current, atMs) => (current ? recordRide(cancelRide(current, atMs)) : null)),
    correctFare: (fareYen) => rideOp((current, atMs) => (current ? recordRide(correctFare(current, fareYen, atMs)) : null)),
    voidTap: (cardId) => rideOp((current, atMs) => (current ? recordRide(voidTap(current, cardId, atMs)) : null)),
    handleCard: (channel) =>
      serial(async () => {
        const outcome = await handleCard(channel);
        options.onEvent?.({ type: 'tap', data: outcome });
        return outcome;
      }),
    idle: () => queue.then(() => undefined),
    reconfigure: (next) =>
      serial(() => {
        programmes = next;
      }),
  };
}

const TAP_AGAIN: Message = { ja: 'もう一度カードをかざしてください', en: 'Hold the card to the reader again' };
