import type { TapTimings } from './service-types.js';

type Phase = Exclude<keyof TapTimings, 'total'>;

/** Splits a tap's time into phases: each `lap` charges the time since the last lap to a phase. */
export function createTimer(hrNow: () => number = () => performance.now()) {
  const start = hrNow();
  let last = start;
  const timings: TapTimings = { read: 0, decide: 0, intent: 0, write: 0, commit: 0, total: 0 };
  const timer = {
    lap(phase: Phase) {
      const t = hrNow();
      timings[phase] += t - last;
      last = t;
      return timer;
    },
    done(): TapTimings {
      return { ...timings, total: hrNow() - start };
    },
  };
  return timer;
}
