export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 60_000, factor: 2 };

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so a fleet of
 * terminals that lost the same broker at the same moment does not come back in lockstep,
 * while no terminal retries sooner than half its step.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const step = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt));
  return Math.round(step / 2 + random() * (step / 2));
}
