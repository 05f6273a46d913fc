import { describe, expect, it } from 'vitest';
import { openJournal } from '../journal/index.js';
import { backoffDelay } from './backoff.js';
import { buildBatch } from './batch.js';
import { decodePayload } from './decode.js';
import { eventBatchSchema, MAX_BATCH_SPAN } from './schemas.js';
import { officeSubscriptions, parseTerminalTopic, terminalTopics } from './topics.js';
import { verifyBatch } from './verify-batch.js';

function journalWith(n: number, payload: Record<string, unknown> = { fare: 1000 }) {
  const journal = openJournal({ path: ':memory:', terminalId: 'T1', now: () => 1_700_000_000_000 });
  for (let i = 0; i < n; i += 1) journal.append('ride', payload);
  return journal;
}

describe('buildBatch', () => {
  it('builds a batch the schema accepts and the chain check passes', () => {
    const journal = journalWith(10);
    const built = buildBatch({ org: 'maebashi', terminal: 'T1' }, 1, journal.pending(100));
    const parsed = eventBatchSchema.parse(JSON.parse(built?.json ?? ''));
    expect(parsed).toMatchObject({ firstSeq: 1, lastSeq: 10 });
    expect(parsed).toEqual(built?.batch);
    expect(verifyBatch(parsed)).toEqual({ ok: true });
  });

  it('halves the batch until it fits the byte limit, and gives up only on one event too large', () => {
    const journal = journalWith(40, { note: 'x'.repeat(900) });
    const built = buildBatch({ org: 'maebashi', terminal: 'T1' }, 1, journal.pending(40), 8 * 1024);
    expect(built?.batch.events.length).toBeLessThan(40);
    expect(Buffer.byteLength(built?.json ?? '')).toBeLessThanOrEqual(8 * 1024);
    const oneMore = buildBatch({ org: 'maebashi', terminal: 'T1' }, 1, journal.pending((built?.batch.events.length ?? 0) + 1).slice(-1));
    expect(Buffer.byteLength(built?.json ?? '') + Buffer.byteLength(JSON.stringify(oneMore?.batch.events[0])) + 1).toBeGreaterThan(8 * 1024);
    expect(buildBatch({ org: 'maebashi', terminal: 'T1' }, 1, journal.pending(1), 512)).toBeUndefined();
  });
});

describe('eventBatchSchema', () => {
  const journal = journalWith(3);
  const good = buildBatch({ org: 'maebashi', terminal: 'T1' }, 1, journal.pending(3))?.batch;

  it('refuses events out of order, a chain hash that is not the last hash, and a range too wide', () => {
    if (good === undefined) throw new Error('no batch');
    expect(eventBatchSchema.safeParse({ ...good, events: [...good.events].reverse() }).success).toBe(false);
    expect(eventBatchSchema.safeParse({ ...good, chainHash: good.events[0]?.hash }).success).toBe(false);
    expect(eventBatchSchema.safeParse({ ...good, firstSeq: good.lastSeq - MAX_BATCH_SPAN }).success).toBe(false);
    expect(eventBatchSchema.safeParse({ ...good, v: 2 }).success).toBe(false);
    expect(eventBatchSchema.safeParse(good).success).toBe(true);
  });

  it('names the bad field in a refusal', () => {
    const decoded = decodePayload(eventBatchSchema, Buffer.from(JSON.stringify({ ...good, terminal: 'T1/#' })), 1e6);
    expect(decoded).toMatchObject({ ok: false, reason: 'invalid' });
    expect(decoded.ok ? '' : decoded.detail).toMatch(/^terminal: /);
  });
});

describe('verifyBatch', () => {
  it('finds an altered payload, a broken link and a false genesis', () => {
    const journal = journalWith(3);
    const batch = buildBatch({ org: 'maebashi', terminal: 'T1' }, 1, journal.pending(3))?.batch;
    if (batch === undefined) throw new Error('no batch');
    const [a, b, c] = batch.events as [typeof batch.events[0], typeof batch.events[0], typeof batch.events[0]];
    expect(verifyBatch({ ...batch, events: [a, { ...b, payload: { fare: 1 } }, c] })).toEqual({ ok: false, seq: 2, problem: 'hash' });
    expect(verifyBatch({ ...batch, events: [a, { ...b, prevHash: c.hash }, c] })).toEqual({ ok: false, seq: 2, problem: 'prev-hash' });
    expect(verifyBatch({ ...batch, events: [{ ...a, prevHash: b.hash }, b, c] })).toEqual({ ok: false, seq: 1, problem: 'genesis' });
    expect(verifyBatch({ ...batch, terminal: 'T2' })).toMatchObject({ ok: false, problem: 'hash' });
  });
});

describe('topics', () => {
  it('builds and parses the terminal topics under a prefix', () => {
    const t = terminalTopics('fa/v1', 'maebashi', 'T1');
    expect(t).toMatchObject({ events: 'fa/v1/maebashi/T1/events', ack: 'fa/v1/maebashi/T1/ack', denyList: 'fa/v1/maebashi/denylist', denyDelta: 'fa/v1/maebashi/denylist/delta' });
    expect(parseTerminalTopic('fa/v1', t.events)).toEqual({ org: 'maebashi', terminal: 'T1', channel: 'events' });
    expect(parseTerminalTopic('fa/v1', 'fa/v1/maebashi/T1/ack')).toBeUndefined();
    expect(parseTerminalTopic('fa/v1', 'fa/v1/maebashi/T1/x/events')).toBeUndefined();
    expect(officeSubscriptions('fa/v1', 'ingest').events).toBe('$share/ingest/fa/v1/+/+/events');
  });
});

describe('backoffDelay', () => {
  it('grows to the cap and keeps at least half of each step', () => {
    const o = { initialMs: 100, maxMs: 1000, factor: 2 };
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, o, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, o, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });
});
