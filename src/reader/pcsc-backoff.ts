/** Delays between reconnection attempts: doubling from `initialMs` up to `maxMs`. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export interface Backoff {
  /** The delay before the next attempt; each call doubles the base until `maxMs`. */
  next(): number;
  /** Back to `initialMs`, after an attempt succeeded. */
  reset(): void;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 10_000 };

/**
 * Exponential backoff with "equal jitter": half the base delay is fixed, half is random, so that
 * many terminals (or several readers) restarted together do not hammer pcscd in step.
 */
export function createBackoff(options: BackoffOptions, random: () => number = Math.random): Backoff {
  if (!(options.initialMs > 0) || !(options.maxMs >= options.initialMs)) {
    throw new RangeError(`backoff needs 0 < initialMs <= maxMs, got ${options.initialMs} and ${options.maxMs}`);
  }
  let attempt = 0;
  return {
    next() {
      const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
      attempt += 1;
      return Math.round(base / 2 + (random() * base) / 2);
    },
    reset() {
      attempt = 0;
    },
  };
}
