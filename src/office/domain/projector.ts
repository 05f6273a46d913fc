/**
 * Keeps the projections up to date: each call reads what was acknowledged since the last one,
 * in steps of at most `stepEvents` events (one transaction each, so ingest is never held up
 * for long). Calls in one process share one pass; several processes serialise on the
 * projections' locks.
 */
import type { ProgramRunner } from '../store/index.js';
import type { Catalogue } from './programmes.js';
import { projectActivity } from './projection-activity.js';
import { projectClearing } from './projection-clearing.js';

export interface ProjectionReport {
  readonly clearingEvents: number;
  readonly clearingLines: number;
  readonly activityEvents: number;
  readonly malformed: number;
}

export interface Projector {
  project(): Promise<ProjectionReport>;
}

export function createProjector(store: ProgramRunner, catalogue: Catalogue, clock: () => number, stepEvents = 50_000): Projector {
  const pass = async (): Promise<ProjectionReport> => {
    const report = { clearingEvents: 0, clearingLines: 0, activityEvents: 0, malformed: 0 };
    for (let done = false; !done; ) {
      const step = await store.run(() => projectClearing(catalogue.unitOf, stepEvents, clock()), { write: true });
      report.clearingEvents += step.events;
      report.clearingLines += step.lines;
      report.malformed += step.malformed;
      done = step.done;
    }
    for (let done = false; !done; ) {
      const step = await store.run(() => projectActivity(stepEvents, clock()), { write: true });
      report.activityEvents += step.events;
      report.malformed += step.malformed;
      done = step.done;
    }
    return report;
  };
  let tail: Promise<unknown> = Promise.resolve();
  let waiting: Promise<ProjectionReport> | null = null;
  return {
    project() {
      // Callers that arrive while a pass runs share the one pass queued after it, which sees what they saw acknowledged.
      if (waiting !== null) return waiting;
      const next = tail.catch(() => undefined).then(() => {
        waiting = null;
        return pass();
      });
      waiting = next;
      tail = next;
      return next;
    },
  };
}
