import type { EventBatch, Status, WireEvent } from '../../sync/index.js';
import type { ProgramRunner } from './program.js';

/**
 * The office's storage, one behaviour over SQLite (embedded default) and PostgreSQL
 * (production). Asynchronous so both fit; every method is one transaction or one read.
 */
export interface OfficeStore extends ProgramRunner {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Stores a validated, self-consistent batch in ONE transaction: new events inserted,
   * repeats ignored, conflicts, chain breaks and holes recorded as anomalies (never an
   * overwrite). Resolves after the commit with the seq the office may acknowledge.
   */
  ingestBatch(batch: EventBatch, receivedAt: number): Promise<IngestOutcome>;
  recordDeadLetter(letter: DeadLetterInput): Promise<void>;
  /** A status from the terminal (or its last will, published by the broker). */
  recordStatus(org: string, terminal: string, status: Status, receivedAt: number): Promise<void>;
  recordAnomaly(anomaly: AnomalyInput): Promise<void>;
  ackedSeq(terminal: string): Promise<number>;
  events(terminal: string, query?: { fromSeq?: number; limit?: number }): Promise<StoredEvent[]>;
  eventCount(terminal?: string): Promise<number>;
  anomalies(filter?: { terminal?: string; kind?: AnomalyKind }): Promise<AnomalyRow[]>;
  deadLetters(filter?: { reason?: string; limit?: number }): Promise<DeadLetterRow[]>;
  terminals(): Promise<TerminalRow[]>;
  close(): Promise<void>;
}

export type AnomalyKind =
  | 'conflicting-duplicate'
  | 'chain-break'
  | 'gap'
  | 'org-mismatch'
  | 'config-refused'
  | 'denylist-refused'
  | 'keys-refused'
  | DomainAnomalyKind;

/** What the office's detection pass adds (src/office/domain, docs/office.md). */
export type DomainAnomalyKind =
  | 'card-rewound'
  | 'revoked-card-used'
  | 'intent-unresolved'
  | 'terminal-silent'
  | 'card-in-several-taxis'
  | 'malformed-event';

export interface IngestOutcome {
  /** Every seq up to this one is committed: the value of the ack. */
  readonly ackSeq: number;
  readonly inserted: number;
  readonly duplicates: number;
  readonly anomalies: readonly AnomalyKind[];
}

export interface StoredEvent extends WireEvent {
  readonly terminal: string;
  readonly org: string;
  readonly receivedAt: number;
}

export interface AnomalyInput {
  readonly terminal: string;
  readonly org: string;
  readonly kind: AnomalyKind;
  /** The event it is about; 0 when it is about no single event. */
  readonly seq: number;
  /** Tells two anomalies of one kind at one seq apart; a repeat of the same one is stored once. */
  readonly fingerprint: string;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly detectedAt: number;
}

export interface AnomalyRow extends AnomalyInput {
  readonly id: number;
}

export interface DeadLetterInput {
  readonly topic: string;
  readonly reason: string;
  readonly detail: string;
  readonly payload: Uint8Array;
  readonly receivedAt: number;
}

export interface DeadLetterRow {
  readonly id: number;
  readonly topic: string;
  readonly reason: string;
  readonly detail: string;
  /** The payload as UTF-8, cut at DEAD_LETTER_KEEP_BYTES. */
  readonly payload: string;
  readonly payloadBytes: number;
  readonly receivedAt: number;
}

export interface TerminalRow {
  readonly terminal: string;
  readonly org: string;
  readonly ackedSeq: number;
  readonly firstSeenAt: number;
  /** Last time anything came from the terminal itself (events or an online status). */
  readonly lastHeardAt: number | null;
  readonly online: boolean | null;
  readonly status: Status | null;
  readonly statusAt: number | null;
}

/** Dead letters keep this much of the payload: enough to see what it was. */
export const DEAD_LETTER_KEEP_BYTES = 64 * 1024;
