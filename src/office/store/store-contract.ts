import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventHash, GENESIS_HASH, SCHEMA_VERSION } from '../../sync/index.js';
import type { EventBatch, Status, WireEvent } from '../../sync/index.js';
import type { OfficeStore } from './types.js';

/**
 * Hash-chained events as a terminal would write them, for store and ingest tests: the
 * office only sees them on the wire, so the simulator is the wire format.
 */
export function chainEvents(terminal: string, count: number, from: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }): WireEvent[] {
  const out: WireEvent[] = [];
  let prev = from;
  for (let i = 1; i <= count; i += 1) {
    const seq = prev.seq + 1;
    const body = { terminal, seq, type: 'ride', at: 1_700_000_000_000 + seq * 1000, payload: { fare: 1200 + seq, company: 'maebashi-kotsu' } };
    const e: WireEvent = { seq, type: body.type, at: body.at, payload: body.payload, prevHash: prev.hash, hash: eventHash(prev.hash, body) };
    out.push(e);
    prev = e;
  }
  return out;
}

export function batchOf(terminal: string, events: readonly WireEvent[], org = 'maebashi', firstSeq?: number): EventBatch {
  const last = events.at(-1);
  if (last === undefined) throw new RangeError('a batch needs events');
  return { v: SCHEMA_VERSION, terminal, org, firstSeq: firstSeq ?? (events[0] as WireEvent).seq, lastSeq: last.seq, events: [...events], chainHash: last.hash };
}

function status(terminal: string, online: boolean, at: number): Status {
  return { v: 1, terminal, online, versions: { denyList: 3, config: 2, keys: 1, software: '0.1.0' }, backlog: 5, lastSeq: 10, clock: { now: at }, at };
}

/** One test body for every OfficeStore: run on SQLite in unit tests and on PostgreSQL in CI. */
export function describeStoreContract(name: string, open: () => Promise<OfficeStore>): void {
  describe(`OfficeStore contract: ${name}`, () => {
    let store: OfficeStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores a batch and acknowledges up to its last seq', async () => {
      const outcome = await store.ingestBatch(batchOf('T1', chainEvents('T1', 5)), 10);
      expect(outcome).toEqual({ ackSeq: 5, inserted: 5, duplicates: 0, anomalies: [] });
      expect(await store.eventCount('T1')).toBe(5);
      const events = await store.events('T1');
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(events[0]).toMatchObject({ terminal: 'T1', org: 'maebashi', type: 'ride', payload: { fare: 1201, company: 'maebashi-kotsu' }, receivedAt: 10 });
    });

    it('ignores a repeat with the same content and still acknowledges it', async () => {
      const batch = batchOf('T1', chainEvents('T1', 5));
      await store.ingestBatch(batch, 10);
      expect(await store.ingestBatch(batch, 11)).toEqual({ ackSeq: 5, inserted: 0, duplicates: 5, anomalies: [] });
      expect(await store.eventCount()).toBe(5);
      expect(await store.anomalies()).toEqual([]);
    });

    it('records a repeat with different content as an anomaly and keeps the first', async () => {
      const [e1, e2, e3] = chainEvents('T1', 3) as [WireEvent, WireEvent, WireEvent];
      await store.ingestBatch(batchOf('T1', [e1, e2, e3]), 10);
      const body = { terminal: 'T1', seq: 3, type: 'ride', at: e3.at, payload: { fare: 1 } };
      const rewritten: WireEvent = { ...body, prevHash: e2.hash, hash: eventHash(e2.hash, body) };
      const outcome = await store.ingestBatch(batchOf('T1', [e1, e2, rewritten]), 11);
      expect(outcome).toEqual({ ackSeq: 3, inserted: 0, duplicates: 2, anomalies: ['conflicting-duplicate'] });
      expect((await store.events('T1', { fromSeq: 3 }))[0]?.hash).toBe(e3.hash);
      expect(await store.anomalies({ kind: 'conflicting-duplicate' })).toMatchObject([
        { terminal: 'T1', seq: 3, detail: { storedHash: e3.hash, incoming: { hash: rewritten.hash } } },
      ]);
      await store.ingestBatch(batchOf('T1', [e1, e2, rewritten]), 12);
      expect(await store.anomalies()).toHaveLength(1);
    });

    it('records a chain that does not link to the stored events', async () => {
      const first = chainEvents('T1', 3);
      await store.ingestBatch(batchOf('T1', first), 10);
      const unlinked = chainEvents('T1', 2, { seq: 3, hash: 'a'.repeat(64) });
      const outcome = await store.ingestBatch(batchOf('T1', unlinked), 11);
      expect(outcome).toMatchObject({ ackSeq: 5, inserted: 2, anomalies: ['chain-break'] });
      expect(await store.anomalies({ terminal: 'T1' })).toMatchObject([{ kind: 'chain-break', seq: 4 }]);
    });

    it('records a hole in a batch range as a gap and acknowledges past it', async () => {
      const events = chainEvents('T1', 6);
      const withHole = events.filter((e) => e.seq !== 3 && e.seq !== 4);
      const outcome = await store.ingestBatch(batchOf('T1', withHole, 'maebashi', 1), 10);
      expect(outcome).toMatchObject({ ackSeq: 6, inserted: 4, anomalies: ['gap'] });
      expect(await store.anomalies()).toMatchObject([{ kind: 'gap', seq: 3, detail: { firstSeq: 3, lastSeq: 4 } }]);
    });

    it('acknowledges batches that arrive out of order only once the range before them is in', async () => {
      const events = chainEvents('T1', 9);
      const later = await store.ingestBatch(batchOf('T1', events.slice(3, 6)), 10);
      expect(later).toMatchObject({ ackSeq: 0, inserted: 3, anomalies: [] });
      const last = await store.ingestBatch(batchOf('T1', events.slice(6)), 11);
      expect(last.ackSeq).toBe(0);
      const first = await store.ingestBatch(batchOf('T1', events.slice(0, 3)), 12);
      expect(first).toMatchObject({ ackSeq: 9, inserted: 3, anomalies: [] });
      expect(await store.ackedSeq('T1')).toBe(9);
    });

    it('keeps terminals apart', async () => {
      await store.ingestBatch(batchOf('T1', chainEvents('T1', 4)), 10);
      await store.ingestBatch(batchOf('T2', chainEvents('T2', 2)), 10);
      expect(await store.eventCount('T1')).toBe(4);
      expect(await store.eventCount('T2')).toBe(2);
      expect(await store.ackedSeq('T2')).toBe(2);
      expect(await store.ackedSeq('T3')).toBe(0);
    });

    it('records when it last heard from a terminal and whether it is online', async () => {
      await store.ingestBatch(batchOf('T1', chainEvents('T1', 1)), 100);
      await store.recordStatus('maebashi', 'T1', status('T1', true, 150), 200);
      await store.recordStatus('maebashi', 'T1', status('T1', false, 90), 300);
      const [row] = await store.terminals();
      expect(row).toMatchObject({ terminal: 'T1', org: 'maebashi', ackedSeq: 1, firstSeenAt: 100, lastHeardAt: 200, online: false, statusAt: 300 });
      expect(row?.status?.versions.denyList).toBe(3);
    });

    it('keeps dead letters with their reason and the start of the payload', async () => {
      await store.recordDeadLetter({ topic: 'fa/v1/x/T1/events', reason: 'malformed', detail: 'Unexpected token', payload: Buffer.from('{nope'), receivedAt: 5 });
      await store.recordDeadLetter({ topic: 'fa/v1/x/T1/events', reason: 'oversized', detail: 'big', payload: Buffer.alloc(100_000, 0x41), receivedAt: 6 });
      expect(await store.deadLetters({ reason: 'malformed' })).toMatchObject([{ reason: 'malformed', payload: '{nope', payloadBytes: 5 }]);
      const [big] = await store.deadLetters({ reason: 'oversized' });
      expect(big?.payloadBytes).toBe(100_000);
      expect(big?.payload.length).toBe(64 * 1024);
      expect(await store.deadLetters()).toHaveLength(2);
    });
  });
}
