/**
 * Anti-passback: the terminal remembers the last passage of each holder through its doors, so a
 * card handed back over the barrier shows up as a second `in` without an `out` (or the reverse).
 * Pure transitions over an immutable map; the terminal keeps the current state and persists the
 * serialised form in its journal meta.
 */
import { z } from 'zod';
import { DIRECTIONS, type Direction } from './config.js';
import { AntiPassbackStateError } from './errors.js';

export interface Passage {
  readonly direction: Direction;
  readonly atMs: number;
  readonly door: string;
}

/** Holder pseudonym → last passage. */
export type AntiPassbackState = ReadonlyMap<string, Passage>;

export type AntiPassbackCheck = { readonly kind: 'ok' } | { readonly kind: 'violation'; readonly last: Passage };

export function emptyAntiPassback(): AntiPassbackState {
  return new Map();
}

/**
 * A passage breaks anti-passback when the holder's last remembered passage went the same way.
 * Nothing remembered (first tap, or older than `forgetAfterMs`) is never a violation, so a
 * holder whose first tap is an exit is let out.
 */
export function checkPassage(
  state: AntiPassbackState,
  holder: string,
  direction: Direction,
  atMs: number,
  forgetAfterMs: number,
): AntiPassbackCheck {
  const last = state.get(holder);
  if (last === undefined || atMs - last.atMs >= forgetAfterMs) return { kind: 'ok' };
  return last.direction === direction ? { kind: 'violation', last } : { kind: 'ok' };
}

/** The state after a granted passage. Copies the map: the tap handler keeps its own map instead, to stay fast with many holders. */
export function recordPassage(state: AntiPassbackState, holder: string, passage: Passage): AntiPassbackState {
  const next = new Map(state);
  next.set(holder, passage);
  return next;
}

/** The state without passages older than `beforeMs`, to keep it small. */
export function forgetPassagesBefore(state: AntiPassbackState, beforeMs: number): AntiPassbackState {
  return new Map([...state].filter(([, passage]) => passage.atMs >= beforeMs));
}

const serialisedSchema = z.object({
  version: z.literal(1),
  passages: z.array(
    z.object({
      holder: z.string().regex(/^[0-9A-F]{16}$/),
      direction: z.enum(DIRECTIONS),
      atMs: z.number().int().nonnegative(),
      door: z.string().min(1),
    }),
  ),
});
export type SerialisedAntiPassback = z.infer<typeof serialisedSchema>;

export function serialiseAntiPassback(state: AntiPassbackState): SerialisedAntiPassback {
  return {
    version: 1,
    passages: [...state].map(([holder, { direction, atMs, door }]) => ({ holder, direction, atMs, door })),
  };
}

/** Reads back what `serialiseAntiPassback` wrote; throws `AntiPassbackStateError` otherwise. */
export function parseAntiPassback(value: unknown): AntiPassbackState {
  const result = serialisedSchema.safeParse(value);
  if (!result.success) {
    throw new AntiPassbackStateError(`anti-passback state is not readable: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { cause: result.error });
  }
  return new Map(result.data.passages.map(({ holder, direction, atMs, door }) => [holder, { direction, atMs, door }]));
}
