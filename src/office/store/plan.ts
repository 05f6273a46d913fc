import { GENESIS_HASH } from '../../sync/index.js';
import type { EventBatch, WireEvent } from '../../sync/index.js';
import type { AnomalyInput, AnomalyKind } from './types.js';

/** An event already stored next to or inside the batch's range. */
export interface StoredLink {
  readonly seq: number;
  readonly hash: string;
  readonly prevHash: string;
}

/** A committed range above the acknowledged mark, waiting for the range before it. */
export interface SeqRange {
  readonly firstSeq: number;
  readonly lastSeq: number;
}

export interface IngestInput {
  readonly batch: EventBatch;
  readonly receivedAt: number;
  readonly terminalOrg: string;
  readonly ackedSeq: number;
  /** Stored events with seq in firstSeq - 1 .. lastSeq + 1. */
  readonly stored: readonly StoredLink[];
  readonly ranges: readonly SeqRange[];
}

export interface IngestPlan {
  readonly inserts: readonly WireEvent[];
  readonly duplicates: number;
  readonly anomalies: readonly AnomalyInput[];
  readonly ackedSeq: number;
  /** The ranges still above the mark after this batch; they replace the old ones. */
  readonly ranges: readonly SeqRange[];
}

/**
 * What one batch changes, decided from the batch and the few stored rows around it, so that
 * SQLite and PostgreSQL run the very same rules. Batches of one terminal may arrive out of
 * order (shared subscriptions): links are checked in both directions, and the ack only moves
 * over ranges that are contiguous from the mark.
 */
export function planIngest(input: IngestInput): IngestPlan {
  const { batch } = input;
  const stored = new Map(input.stored.map((s) => [s.seq, s]));
  const incoming = new Map(batch.events.map((e) => [e.seq, e]));
  const anomalies: AnomalyInput[] = [];
  const anomaly = (kind: AnomalyKind, seq: number, fingerprint: string, detail: Record<string, unknown>): void => {
    anomalies.push({ terminal: batch.terminal, org: batch.org, kind, seq, fingerprint, detail, detectedAt: input.receivedAt });
  };
  if (input.terminalOrg !== batch.org) anomaly('org-mismatch', 0, batch.org, { registeredOrg: input.terminalOrg, batchOrg: batch.org });

  const inserts: WireEvent[] = [];
  let duplicates = 0;
  for (const e of batch.events) {
    const existing = stored.get(e.seq);
    if (existing === undefined) {
      inserts.push(e);
      checkLinks(e, stored, incoming, anomaly);
    } else if (existing.hash === e.hash) {
      duplicates += 1;
    } else {
      anomaly('conflicting-duplicate', e.seq, e.hash, { storedHash: existing.hash, incoming: e });
    }
  }
  for (const hole of holes(batch, stored)) anomaly('gap', hole.firstSeq, `${hole.firstSeq}-${hole.lastSeq}`, { ...hole });

  const { ackedSeq, ranges } = advanceMark(input.ackedSeq, [...input.ranges, { firstSeq: batch.firstSeq, lastSeq: batch.lastSeq }]);
  return { inserts, duplicates, anomalies, ackedSeq, ranges };
}

type Report = (kind: AnomalyKind, seq: number, fingerprint: string, detail: Record<string, unknown>) => void;

/** The backward link of a new event, and the forward link of a stored successor. */
function checkLinks(e: WireEvent, stored: Map<number, StoredLink>, incoming: Map<number, WireEvent>, anomaly: Report): void {
  const prev = e.seq === 1 ? { hash: GENESIS_HASH } : (incoming.get(e.seq - 1) ?? stored.get(e.seq - 1));
  if (prev !== undefined && prev.hash !== e.prevHash) {
    anomaly('chain-break', e.seq, e.prevHash, { expectedPrevHash: prev.hash, prevHash: e.prevHash });
  }
  const next = incoming.has(e.seq + 1) ? undefined : stored.get(e.seq + 1);
  if (next !== undefined && next.prevHash !== e.hash) {
    anomaly('chain-break', next.seq, next.prevHash, { expectedPrevHash: e.hash, prevHash: next.prevHash });
  }
}

/** Seqs of the batch's range that neither the batch nor the store holds. */
function holes(batch: EventBatch, stored: Map<number, StoredLink>): SeqRange[] {
  const storedSeqs = [...stored.keys()].sort((a, b) => a - b);
  const found: SeqRange[] = [];
  let expected = batch.firstSeq;
  for (const e of batch.events) {
    if (e.seq > expected) {
      let from = expected;
      for (const s of storedSeqs.filter((x) => x >= expected && x < e.seq)) {
        if (s > from) found.push({ firstSeq: from, lastSeq: s - 1 });
        from = s + 1;
      }
      if (from < e.seq) found.push({ firstSeq: from, lastSeq: e.seq - 1 });
    }
    expected = e.seq + 1;
  }
  return found;
}

/** Moves the mark over every range that starts at or below mark + 1. */
export function advanceMark(mark: number, ranges: readonly SeqRange[]): { ackedSeq: number; ranges: SeqRange[] } {
  let acked = mark;
  const sorted = [...ranges].sort((a, b) => a.firstSeq - b.firstSeq);
  for (const r of sorted) if (r.firstSeq <= acked + 1) acked = Math.max(acked, r.lastSeq);
  return { ackedSeq: acked, ranges: mergeRanges(sorted.filter((r) => r.lastSeq > acked)) };
}

function mergeRanges(sorted: readonly SeqRange[]): SeqRange[] {
  const out: SeqRange[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last !== undefined && r.firstSeq <= last.lastSeq + 1) out[out.length - 1] = { firstSeq: last.firstSeq, lastSeq: Math.max(last.lastSeq, r.lastSeq) };
    else out.push(r);
  }
  return out;
}
