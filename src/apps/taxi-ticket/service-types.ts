import type { CardContext } from '../../free-area/operations.js';
import type { IntentJournal, ResolvedIntent } from '../../free-area/value-write.js';
import type { Message, TapRejection } from './reasons.js';
import type { Remaining } from './decide.js';
import type { Ride, RideSummary } from './ride-model.js';
import type { TerminalProgrammes } from './programmes.js';

/** What the taxi app needs of the terminal's journal; the SQLite journal provides it. */
export interface TaxiJournal extends IntentJournal {
  append(type: string, payload: Readonly<Record<string, unknown>>): { seq: number };
  transaction<T>(fn: () => T): T;
  intent(intentId: number): { readonly context: Readonly<Record<string, unknown>> } | null;
  denyEntry(cardId: string): { readonly reason: string } | null;
  canAcceptTaps(): boolean;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  getMeta(key: string): any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  setMeta(key: string, value: any): void;
}

export interface TaxiLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface TaxiServiceOptions {
  readonly journal: TaxiJournal;
  readonly card: CardContext;
  readonly programmes: TerminalProgrammes;
  /** The terminal's number, written into every slot it writes. */
  readonly terminalNumber: number;
  readonly now: () => number;
  readonly newRideId: () => string;
  readonly logger: TaxiLogger;
  /** Live notifications for the display (tap outcomes, ride changes). */
  readonly onEvent?: (event: TaxiEvent) => void;
  /** High-resolution clock for phase timings, in ms. */
  readonly hrNow?: () => number;
}

/** Time spent in each phase of a tap, in ms. */
export interface TapTimings {
  read: number;
  decide: number;
  intent: number;
  write: number;
  commit: number;
  total: number;
}

interface TapCommon {
  readonly cardId: string | null;
  readonly atMs: number;
  readonly timings: TapTimings;
  readonly apdus: number;
  /** Earlier writes of this card that were in doubt and were settled by this read. */
  readonly resolved: readonly ResolvedIntent[];
}

export type TapOutcome =
  | (TapCommon & {
      readonly kind: 'accepted';
      readonly cardId: string;
      readonly programmeId: string;
      readonly programmeName: Message;
      readonly unit: string;
      readonly units: number;
      readonly subsidyYen: number;
      readonly remaining: Remaining;
      readonly ride: RideSummary;
      /** True when this tap only confirmed an earlier write that had landed: nothing new was taken. */
      readonly confirmedEarlierWrite: boolean;
    })
  | (TapCommon & { readonly kind: 'rejected'; readonly reason: TapRejection; readonly message: Message; readonly detail?: string })
  | (TapCommon & { readonly kind: 'in-doubt'; readonly message: Message; readonly detail: string });

export type TaxiEvent = { readonly type: 'tap'; readonly data: TapOutcome } | { readonly type: 'ride'; readonly data: RideView | null };

export interface RideView {
  readonly ride: Ride;
  readonly summary: RideSummary;
}
