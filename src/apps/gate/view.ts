/**
 * What the gate shows of a tap: one flat JSON object for the status page, the API and the live
 * event stream. OK (granted), NG (refused, with its reason and message), or AGAIN (a visitor's
 * write in doubt: the next tap settles it). Pure.
 */
import type { Direction } from './config.js';
import type { GrantFlag } from './decide.js';
import type { Message, RefusalReason } from './reasons.js';
import type { GateTapOutcome } from './tap.js';
import type { PassKind } from './access-rights.js';

export type TapResult = 'ok' | 'ng' | 'again' | 'ignored';

export interface TapView {
  /** Counts taps since the terminal started, so a page can merge a listing with live events. */
  readonly id: number;
  readonly kind: GateTapOutcome['kind'];
  readonly result: TapResult;
  readonly at: number;
  readonly reader: string;
  readonly door: string | null;
  readonly direction: Direction | null;
  readonly cardId: string | null;
  readonly holder: string | null;
  readonly pass: PassKind | null;
  readonly reason: RefusalReason | null;
  readonly message: Message;
  readonly remainingEntries: number | null;
  readonly flags: readonly GrantFlag[];
  /** A visitor entry paid by an earlier write that had landed after its tap ended in doubt. */
  readonly confirmedEarlierWrite: boolean;
  readonly resolved: ReadonlyArray<{ readonly intentId: number; readonly resolution: string }>;
  readonly apdus: number;
  readonly timings: { readonly readMs: number; readonly toDoorMs: number | null; readonly totalMs: number } | null;
  readonly detail?: string;
}

const WELCOME: Record<Direction, Message> = {
  in: { ja: 'どうぞお入りください。', en: 'Please go in.' },
  out: { ja: 'お疲れさまでした。', en: 'Goodbye.' },
};

const IGNORED: Message = { ja: 'この読み取り機はどの扉にも割り当てられていません。', en: 'This reader serves no door.' };

export function tapView(id: number, outcome: GateTapOutcome): TapView {
  if (outcome.kind === 'ignored') {
    return { ...blank(id, outcome.reader, outcome.atMs), kind: 'ignored', result: 'ignored', message: IGNORED };
  }
  const common = {
    ...blank(id, outcome.reader, outcome.atMs),
    resolved: outcome.resolved.map((r) => ({ intentId: r.intent.intentId, resolution: r.resolution })),
    apdus: outcome.apdus,
    timings: { readMs: round(outcome.timings.readMs), toDoorMs: outcome.timings.toDoorMs === null ? null : round(outcome.timings.toDoorMs), totalMs: round(outcome.timings.totalMs) },
  };
  if (outcome.kind === 'in-doubt') {
    return { ...common, kind: 'in-doubt', result: 'again', cardId: outcome.cardId, message: outcome.message, detail: outcome.detail };
  }
  const { door, direction, cardId, holder, pass } = outcome.decision;
  const where = { door, direction, cardId, holder, pass };
  if (outcome.kind === 'refused') {
    const { reason, message } = outcome.decision;
    return { ...common, ...where, kind: 'refused', result: 'ng', reason, message, ...(outcome.detail === undefined ? {} : { detail: outcome.detail }) };
  }
  const d = outcome.decision;
  return {
    ...common,
    ...where,
    kind: 'granted',
    result: 'ok',
    message: WELCOME[d.direction],
    remainingEntries: d.remainingEntries,
    flags: d.flags,
    confirmedEarlierWrite: outcome.confirmedEarlierWrite,
  };
}

function blank(id: number, reader: string, at: number): Omit<TapView, 'kind' | 'result' | 'message'> {
  return {
    id,
    at,
    reader,
    door: null,
    direction: null,
    cardId: null,
    holder: null,
    pass: null,
    reason: null,
    remainingEntries: null,
    flags: [],
    confirmedEarlierWrite: false,
    resolved: [],
    apdus: 0,
    timings: null,
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
