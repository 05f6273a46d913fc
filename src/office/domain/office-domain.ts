/**
 * The office domain: one object of services over the store, for the web layer, the CLI and
 * the counter API. Built once in the office's composition root with the store, the city's
 * org, its programme catalogue, the issuer key ring and (optionally) the downlink publisher.
 */
import type { OfficeStore } from '../store/index.js';
import { createAnomalyService } from './anomalies.js';
import type { AckOutcome, AnomalyService, DetectionReport } from './anomalies.js';
import { DEFAULT_ANOMALY_RULES } from './anomaly-rules.js';
import type { AnomalyRules } from './anomaly-rules.js';
import { createAttendanceService } from './attendance.js';
import type { AttendanceService } from './attendance.js';
import { createClearingService } from './clearing.js';
import type { ClearingService } from './clearing.js';
import { createIssuanceService } from './issuance.js';
import type { IssuanceService, IssuerKeyPublisher } from './issuance.js';
import type { IssuerKeyRing } from './issuer-keys.js';
import { buildOverview } from './overview.js';
import type { Overview } from './overview.js';
import { createCatalogue } from './programmes.js';
import type { Catalogue, OfficeProgrammeInput } from './programmes.js';
import { createProjector } from './projector.js';
import type { ProjectionReport } from './projector.js';
import { createRegistryService } from './registry.js';
import type { RegistryService } from './registry.js';
import { createResidentService } from './residents.js';
import type { ResidentService } from './residents.js';
import { createRevocationService } from './revocation.js';
import type { DenyListPublisher, RevocationService } from './revocation.js';

/** How long after a batch the detection pass runs: batches of a draining backlog share one pass. */
const AFTER_INGEST_DELAY_MS = 1_000;

/** The downlink the domain publishes through: `createDownlinkPublisher` from src/office/ingest fits. */
export type DomainPublisher = DenyListPublisher & IssuerKeyPublisher;

export interface DomainLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface OfficeDomainOptions {
  readonly store: OfficeStore;
  /** The city's org: the deny-list and key topics are `{p}/{org}/…`. */
  readonly org: string;
  readonly programmes: readonly OfficeProgrammeInput[];
  readonly keys: IssuerKeyRing;
  readonly publisher?: DomainPublisher;
  readonly clock?: () => number;
  readonly anomalyRules?: Partial<AnomalyRules>;
  readonly logger?: DomainLogger;
}

export interface OfficeDomain {
  readonly catalogue: Catalogue;
  readonly residents: ResidentService;
  readonly issuance: IssuanceService;
  readonly revocation: RevocationService;
  readonly clearing: ClearingService;
  readonly anomalies: AnomalyService;
  readonly attendance: AttendanceService;
  readonly registry: RegistryService;
  /** Reads what was acknowledged since the last call into the domain's tables. */
  project(): Promise<ProjectionReport>;
  overview(now?: number): Promise<Overview>;
  acknowledgeAnomaly(id: number, by: string, comment: string): Promise<AckOutcome>;
  /** Projection and detection: for the ingest's after-commit hook and a timer. */
  detect(now?: number): Promise<DetectionReport>;
  /** Runs `detect` every `intervalMs` (errors go to the logger) until stopped. */
  startPeriodicDetection(intervalMs: number): { stop(): void };
  /**
   * For the ingest's after-commit hook: schedules one `detect` a moment later and returns at
   * once, so the ack is not held up; batches arriving meanwhile share that pass.
   */
  afterIngest(): void;
}

export function createOfficeDomain(options: OfficeDomainOptions): OfficeDomain {
  const { store, org } = options;
  const clock = options.clock ?? Date.now;
  const warn = (msg: string) => (error: unknown) => options.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, msg);
  const catalogue = createCatalogue(options.programmes);
  const projector = createProjector(store, catalogue, clock);
  const registry = createRegistryService(store, clock);
  const revocation = createRevocationService({ store, org, clock, ...(options.publisher ? { publisher: options.publisher } : {}), onPublishError: warn('deny-list not published; it goes out with the next publish') });
  const issuance = createIssuanceService({
    store, org, keys: options.keys, catalogue, projector, clock,
    ...(options.publisher ? { publisher: options.publisher } : {}),
    afterRevocation: () => revocation.publishPending(),
    onPublishError: warn('issuer keys not published'),
  });
  const clearing = createClearingService({ store, catalogue, clock, project: () => projector.project() });
  const anomalies = createAnomalyService(store, projector, clock, options.anomalyRules);
  const silentAfterMs = options.anomalyRules?.silentAfterMs ?? DEFAULT_ANOMALY_RULES.silentAfterMs;
  let scheduled: NodeJS.Timeout | null = null;
  return {
    catalogue,
    residents: createResidentService(store, clock),
    issuance,
    revocation,
    clearing,
    anomalies,
    attendance: createAttendanceService(store, projector),
    registry,
    project: () => projector.project(),
    overview: (now = clock()) => buildOverview({ clearing, registry, anomalies }, now, silentAfterMs),
    acknowledgeAnomaly: (id, by, comment) => anomalies.acknowledge(id, by, comment),
    detect: (now) => anomalies.detect(now),
    startPeriodicDetection(intervalMs) {
      const timer = setInterval(() => void anomalies.detect().catch(warn('anomaly detection failed')), intervalMs);
      timer.unref();
      return { stop: () => clearInterval(timer) };
    },
    afterIngest() {
      if (scheduled !== null) return;
      scheduled = setTimeout(() => {
        scheduled = null;
        void anomalies.detect().catch(warn('anomaly detection failed'));
      }, AFTER_INGEST_DELAY_MS);
      scheduled.unref();
    },
  };
}
