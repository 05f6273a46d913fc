import type { Status, WireEvent } from '../../sync/index.js';
import { DEAD_LETTER_KEEP_BYTES } from './types.js';
import type { AnomalyKind, AnomalyRow, DeadLetterInput, DeadLetterRow, StoredEvent, TerminalRow } from './types.js';

/**
 * Rows to values for both drivers: pg returns BIGINT as a string and JSONB parsed, SQLite
 * returns numbers and JSON text.
 */
type Raw = Record<string, unknown>;

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const json = (v: unknown): unknown => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);

export function toStoredEvent(r: Raw): StoredEvent {
  return {
    terminal: String(r.terminal),
    org: String(r.org),
    seq: num(r.seq),
    type: String(r.type),
    at: num(r.at),
    payload: json(r.payload) as WireEvent['payload'],
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
    receivedAt: num(r.received_at),
  };
}

export function toAnomaly(r: Raw): AnomalyRow {
  return {
    id: num(r.id),
    terminal: String(r.terminal),
    org: String(r.org),
    kind: String(r.kind) as AnomalyKind,
    seq: num(r.seq),
    fingerprint: String(r.fingerprint),
    detail: json(r.detail) as Record<string, unknown>,
    detectedAt: num(r.detected_at),
  };
}

export function toDeadLetter(r: Raw): DeadLetterRow {
  return {
    id: num(r.id),
    topic: String(r.topic),
    reason: String(r.reason),
    detail: String(r.detail),
    payload: String(r.payload),
    payloadBytes: num(r.payload_bytes),
    receivedAt: num(r.received_at),
  };
}

export function toTerminal(r: Raw): TerminalRow {
  return {
    terminal: String(r.terminal),
    org: String(r.org),
    ackedSeq: num(r.acked_seq),
    firstSeenAt: num(r.first_seen_at),
    lastHeardAt: numOrNull(r.last_heard_at),
    online: r.online === null || r.online === undefined ? null : num(r.online) === 1,
    status: r.status === null || r.status === undefined ? null : (json(r.status) as Status),
    statusAt: numOrNull(r.status_at),
  };
}

/** Parameters of SQL.insertDeadLetter. NUL is dropped: PostgreSQL text cannot hold it. */
export function deadLetterParams(d: DeadLetterInput): unknown[] {
  const kept = Buffer.from(d.payload.buffer, d.payload.byteOffset, Math.min(d.payload.byteLength, DEAD_LETTER_KEEP_BYTES));
  return [d.topic, d.reason, d.detail.replaceAll('\u0000', ''), kept.toString('utf8').replaceAll('\u0000', ''), d.payload.byteLength, d.receivedAt];
}

export function statusParams(org: string, terminal: string, status: Status, receivedAt: number): unknown[] {
  return [terminal, org, receivedAt, status.online ? receivedAt : null, status.online ? 1 : 0, JSON.stringify(status), receivedAt];
}
