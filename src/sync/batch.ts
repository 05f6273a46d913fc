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
 * `undefined` when not even one event fits: the caller must not skip it.
 */
export function buildBatch(
  origin: { readonly org: string; readonly terminal: string },
  firstSeq: number,
  events: readonly JournalEvent[],
  maxBytes: number = MAX_BATCH_BYTES,
): BuiltBatch | undefined {
  let count = events.length;
  while (count > 0) {
    const wire = events.slice(0, count).map(toWire);
    const last = wire[wire.length - 1] as WireEvent;
    const batch: EventBatch = {
      v: SCHEMA_VERSION,
      terminal: origin.terminal,
      org: origin.org,
      firstSeq,
      lastSeq: last.seq,
      events: wire,
      chainHash: last.hash,
    };
    const json = JSON.stringify(batch);
    if (Buffer.byteLength(json) <= maxBytes) return { batch, json };
    count = count === 1 ? 0 : Math.ceil(count / 2);
  }
  return undefined;
}

function toWire(e: JournalEvent): WireEvent {
  return { seq: e.seq, type: e.type, at: e.at, payload: e.payload as WireEvent['payload'], prevHash: e.prevHash, hash: e.hash };
}
