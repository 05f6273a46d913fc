import type { BackoffOptions } from '../sync/index.js';

/** Reconnects in tenths of a second: simulated hours pass in real seconds. */
export const SIM_BACKOFF: BackoffOptions = { initialMs: 100, maxMs: 1_000, factor: 2 };

/**
 * Simulated time. Each district (the terminals one thread runs) moves its own clock through its
 * activities and writes it to its slot of a shared array; the city's time, which the office
 * reads, is the latest of the slots. Each terminal reads its district's clock through its own
 * offset, which is how clock skew is injected. Time only moves when the simulator moves it.
 */
export interface SimClock {
  now(): number;
  /** Moves time to `atMs`; never backwards. */
  advanceTo(atMs: number): void;
  /** A terminal's view of the clock, `offsetMs` off. */
  skewed(offsetMs: number): () => number;
}

/** The districts' clocks as float64 slots that any thread reads, all starting at `startMs`. */
export function createCityTime(startMs: number, districts: number): SharedArrayBuffer {
  const shared = new SharedArrayBuffer(8 * districts);
  new Float64Array(shared).fill(startMs);
  return shared;
}

/** The city's time: the latest of the districts' clocks. */
export function cityNow(shared: SharedArrayBuffer): () => number {
  const view = new Float64Array(shared);
  return () => {
    let latest = Number.NEGATIVE_INFINITY;
    for (const t of view) if (t > latest) latest = t;
    return latest;
  };
}

/** District `slot`'s clock over the shared slots. */
export function createSimClock(shared: SharedArrayBuffer, slot: number): SimClock {
  const view = new Float64Array(shared);
  if (slot < 0 || slot >= view.length) throw new RangeError(`no clock slot ${slot}`);
  let now = view[slot] as number;
  return {
    now: () => now,
    advanceTo(atMs) {
      if (atMs > now) now = view[slot] = atMs;
    },
    skewed: (offsetMs) => () => now + offsetMs,
  };
}

/** A logger that says nothing and counts what went wrong, with the first few messages. */
export interface CountingLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  counts(): { warnings: number; errors: number; firstErrors: readonly string[] };
}

export function createCountingLogger(keep = 5): CountingLogger {
  let warnings = 0;
  let errors = 0;
  const firstErrors: string[] = [];
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: () => {
      warnings += 1;
    },
    error: (obj, msg) => {
      errors += 1;
      if (firstErrors.length < keep) firstErrors.push(`${msg ?? ''} ${JSON.stringify(obj, errorReplacer)}`.trim());
    },
    counts: () => ({ warnings, errors, firstErrors: [...firstErrors] }),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? `${value.name}: ${value.message}` : value;
}

/** `promise`, or a loud failure after `ms` of real time: the simulator never hangs silently. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
