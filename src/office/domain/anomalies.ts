/** Anomalies as a service: the detection pass, listing, and a supervisor's acknowledgement. */
import { z } from 'zod';
import type { AnomalyKind, ProgramRunner } from '../store/index.js';
import { acknowledge, anomalyById, anomalyCounts, listAnomalies } from './anomaly-queries.js';
import type { AckOutcome, AnomalyFilter, AnomalyView } from './anomaly-queries.js';
import { DEFAULT_ANOMALY_RULES } from './anomaly-rules.js';
import type { AnomalyRules } from './anomaly-rules.js';
import { detectionPass } from './detection.js';
import type { ProjectionReport, Projector } from './projector.js';

export type { AckOutcome, AnomalyFilter, AnomalyView } from './anomaly-queries.js';

export const acknowledgeInputSchema = z.object({
  id: z.int().positive(),
  by: z.string().trim().min(1).max(100),
  comment: z.string().trim().min(1, 'a supervisor says why the anomaly needs no further action').max(2000),
});

export interface DetectionReport {
  readonly projected: ProjectionReport;
  /** New anomalies by kind; a finding already stored is not counted again. */
  readonly added: Partial<Record<AnomalyKind, number>>;
}

export interface AnomalyService {
  /** Projects what has arrived, then runs every rule; idempotent. */
  detect(now?: number): Promise<DetectionReport>;
  list(filter?: AnomalyFilter): Promise<AnomalyView[]>;
  get(id: number): Promise<AnomalyView | null>;
  /** The web layer records the acknowledgement in its audit log as well. */
  acknowledge(id: number, by: string, comment: string): Promise<AckOutcome>;
  counts(): Promise<{ kind: AnomalyKind; total: number; open: number }[]>;
}

export function createAnomalyService(store: ProgramRunner, projector: Projector, clock: () => number, rules: Partial<AnomalyRules> = {}): AnomalyService {
  const effective: AnomalyRules = { ...DEFAULT_ANOMALY_RULES, ...rules };
  return {
    async detect(now = clock()) {
      const projected = await projector.project();
      const added = await store.run(() => detectionPass(effective, now), { write: true });
      return { projected, added };
    },
    list: (filter = {}) => store.run(() => listAnomalies(filter)),
    get: (id) => store.run(() => anomalyById(id)),
    async acknowledge(id, by, comment) {
      const input = acknowledgeInputSchema.parse({ id, by, comment });
      return store.run(() => acknowledge(input.id, input.by, input.comment, clock()), { write: true });
    },
    counts: () => store.run(() => anomalyCounts()),
  };
}
