import type { JournalEvent } from './journal-port.js';
import { MAX_BATCH_BYTES, SCHEMA_VERSION } from './schemas.js';
import type { EventBatch, WireEvent } from './schemas.js';

export interface BuiltBatch {
  readonly batch: EventBatch;
  readonly json: string;
}

/**
 * The batch that starts the range at `firstSeq` with as many of `events` as fit under
 * `maxBytes`. The range runs from `firstSeq` (the seq after the previous batch) to the last
 * event included, so a seq the journal lacks shows up at the office as a hole in a range.
 * Each event is serialised once and the batch's JSON assembled around them, so finding the
 * cut costs nothing extra. `undefined` when not even one event fits: the caller must not skip it.
 */
export function buildBatch(
  origin: { readonly org: string; readonly terminal: string },
  firstSeq: number,
  events: readonly JournalEvent[],
  maxBytes: number = MAX_BATCH_BYTES,
): BuiltBatch | undefined {
  // Everything around the events, with the widest lastSeq and a 64-digit chainHash.
  const envelope = Buffer.byteLength(
    JSON.stringify({ v: SCHEMA_VERSION, terminal: origin.terminal, org: origin.org, firstSeq, lastSeq: Number.MAX_SAFE_INTEGER, events: [], chainHash: '0'.repeat(64) }),
  );
  const wire: WireEvent[] = [];
  const parts: string[] = [];
  let bytes = envelope;
  for (const e of events) {
    const w = toWire(e);
    const json = JSON.stringify(w);
    const size = Buffer.byteLength(json) + (parts.length > 0 ? 1 : 0);
    if (bytes + size > maxBytes) break;
    bytes += size;
    wire.push(w);
    parts.push(json);
  }
  const last = wire.at(-1);
  if (last === undefined) return undefined;
  const batch: EventBatch = { v: SCHEMA_VERSION, terminal: origin.terminal, org: origin.org, firstSeq, lastSeq: last.seq, events: wire, chainHash: last.hash };
  const head = JSON.stringify({ v: batch.v, terminal: batch.terminal, org: batch.org, firstSeq, lastSeq: batch.lastSeq });
  const json = `${head.slice(0, -1)},"events":[${parts.join(',')}],"chainHash":${JSON.stringify(batch.chainHash)}}`;
  return { batch, json };
}

function toWire(e: JournalEvent): WireEvent {
  return { seq: e.seq, type: e.type, at: e.at, payload: e.payload, prevHash: e.prevHash, hash: e.hash };
}
