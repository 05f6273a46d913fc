import { connectAsync } from 'mqtt';
import type { MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJournal } from '../journal/index.js';
import type { Journal } from '../journal/index.js';
import { brokerConfigSchema } from './broker-config.js';
import { connectBroker } from './connection.js';
import type { BrokerLink } from './connection.js';
import { startEmbeddedBroker } from './embedded-broker.js';
import type { EmbeddedBroker } from './embedded-broker.js';
import { eventBatchSchema, MAX_BATCH_SPAN } from './schemas.js';
import type { EventBatch } from './schemas.js';
import { terminalTopics } from './topics.js';
import { createUplink } from './uplink.js';
import type { Uplink, UplinkOptions } from './uplink.js';

const PREFIX = 'unit/uplink';
const topics = terminalTopics(PREFIX, 'maebashi', 'T1');

let broker: EmbeddedBroker;
let office: MqttClient;
let link: BrokerLink | undefined;
let uplink: Uplink | undefined;
let journal: Journal;
let received: EventBatch[];
let acking: boolean;

beforeEach(async () => {
  broker = await startEmbeddedBroker();
  journal = openJournal({ path: ':memory:', terminalId: 'T1', now: () => 1_700_000_000_000 });
  received = [];
  acking = true;
  office = await connectAsync(broker.url, { protocolVersion: 4, clientId: 'office' });
  await office.subscribeAsync(topics.events, { qos: 1 });
  office.on('message', (_topic, payload) => {
    const batch = eventBatchSchema.parse(JSON.parse(payload.toString()));
    received.push(batch);
    if (acking) ack(batch.lastSeq);
  });
});

afterEach(async () => {
  uplink?.stop();
  uplink = undefined;
  await link?.close();
  link = undefined;
  await office.endAsync(true);
  journal.close();
  await broker.close();
});

function ack(upToSeq: number, resendFrom?: number): void {
  office.publish(topics.ack, JSON.stringify({ v: 1, terminal: 'T1', upToSeq, ...(resendFrom === undefined ? {} : { resendFrom }), at: 1 }), { qos: 1, retain: true });
}

function append(n: number): void {
  for (let i = 0; i < n; i += 1) journal.append('ride', { fare: 1000 + i, company: 'maebashi-kotsu' });
}

function startUplink(options: Partial<UplinkOptions> = {}): Uplink {
  link = connectBroker({ config: brokerConfigSchema.parse({ url: broker.url, protocolVersion: 4 }), clientId: 'T1' });
  uplink = createUplink({ client: link.client, journal, org: 'maebashi', terminal: 'T1', topics, batchSize: 50, pollIntervalMs: 50, ...options });
  uplink.start();
  return uplink;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('createUplink', () => {
  it('drains the outbox in ordered batches and marks events synced only on the office ack', async () => {
    append(240);
    startUplink();
    await until(() => journal.syncState().backlog === 0);
    const seqs = received.flatMap((b) => b.events.map((e) => e.seq));
    expect(seqs).toEqual(Array.from({ length: 240 }, (_, i) => i + 1));
    expect(received.map((b) => b.firstSeq)).toEqual([1, 51, 101, 151, 201]);
    expect(received.every((b) => b.chainHash === b.events.at(-1)?.hash)).toBe(true);
  });

  it('does not read the outbox while the journal has written nothing past what was sent', async () => {
    append(20);
    let reads = 0;
    const pending = journal.pending.bind(journal);
    journal.pending = (limit, afterSeq) => ((reads += 1), pending(limit, afterSeq));
    startUplink({ pollIntervalMs: 20 });
    await until(() => journal.syncState().backlog === 0);
    const afterDrain = reads;
    await new Promise((r) => setTimeout(r, 300));
    expect(reads).toBe(afterDrain);
    append(5);
    await until(() => journal.syncState().backlog === 0);
    expect(received.flatMap((b) => b.events.map((e) => e.seq))).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(reads).toBeGreaterThan(afterDrain);
  });

  it('keeps events unsynced when the broker took them but the office never acked', async () => {
    acking = false;
    append(30);
    const up = startUplink();
    await until(() => received.length >= 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(journal.syncState()).toMatchObject({ lastSyncedSeq: 0, backlog: 30 });
    expect(up.stats().inFlight).toBe(1);
  });

  it('stops at the window of unacknowledged batches and goes on when acks come', async () => {
    acking = false;
    append(500);
    startUplink({ window: 3 });
    await until(() => received.length === 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toHaveLength(3);
    ack(150);
    await until(() => received.length === 6);
    expect(journal.syncState().lastSyncedSeq).toBe(150);
  });

  it('sends everything after the last ack again when the ack does not come in time', async () => {
    acking = false;
    append(100);
    const up = startUplink({ ackTimeoutMs: 150 });
    await until(() => received.length >= 2);
    ack(50);
    await until(() => up.stats().resends >= 1);
    await until(() => received.some((b, i) => i >= 2 && b.firstSeq === 51));
    acking = true;
    ack(100);
    await until(() => journal.syncState().backlog === 0);
    expect(up.stats().lastAckedSeq).toBe(100);
  });

  it('resumes from the retained ack after a restart without resending what was acked', async () => {
    append(100);
    startUplink();
    await until(() => journal.syncState().backlog === 0);
    uplink?.stop();
    await link?.close();
    received = [];
    append(20);
    startUplink();
    await until(() => journal.syncState().backlog === 0);
    expect(received.flatMap((b) => b.events.map((e) => e.seq))).toEqual(Array.from({ length: 20 }, (_, i) => i + 101));
  });

  it('sends acknowledged events again when the office says it lost them, and only then', async () => {
    append(120);
    let below = 0;
    const up = startUplink({ onAckBelowMark: () => (below += 1) });
    await until(() => journal.syncState().backlog === 0);
    // The office's database was restored to a backup holding seqs 1..40; a new event arrives after seq 120.
    acking = false;
    received = [];
    append(1);
    await until(() => received.length === 1);
    expect(received[0]?.firstSeq).toBe(121);
    // Its ack of that batch is below the terminal's mark: the terminal's status will tell the office.
    ack(40);
    await until(() => below === 1);
    received = [];
    acking = true;
    ack(40, 41);
    await until(() => journal.syncState().backlog === 0 && received.some((b) => b.lastSeq === 121));
    expect(received.flatMap((b) => b.events.map((e) => e.seq))).toEqual(Array.from({ length: 81 }, (_, i) => i + 41));
    expect(up.stats().replays).toBe(1);
    expect(up.stats().lastAckedSeq).toBe(121);

    // A gap the office sees above the terminal's own mark is a batch still on its way: no replay.
    received = [];
    ack(121, 122);
    append(1);
    await until(() => journal.syncState().lastSyncedSeq === 122);
    expect(received.flatMap((b) => b.events.map((e) => e.seq))).toEqual([122]);
    expect(up.stats().replays).toBe(1);
  });

  it('sends over a pruned stretch so the office can record the gap', async () => {
    let now = 1_700_000_000_000;
    journal.close();
    journal = openJournal({ path: ':memory:', terminalId: 'T1', now: () => now });
    append(100);
    const up = startUplink();
    await until(() => journal.syncState().backlog === 0);
    now += 100 * 24 * 3_600_000;
    append(5);
    await until(() => journal.syncState().backlog === 0);
    journal.prune({ olderThanMs: 24 * 3_600_000 });
    expect(journal.events({ fromSeq: 1, limit: 1 })[0]?.seq).toBe(101);

    received = [];
    ack(60, 61);
    await until(() => received.some((b) => b.lastSeq === 105));
    // Seqs 61..100 are gone: the batch's range starts at 61, its events at 101.
    expect(received[0]).toMatchObject({ firstSeq: 61, lastSeq: 105 });
    expect(received[0]?.events.map((e) => e.seq)).toEqual([101, 102, 103, 104, 105]);
    expect(up.stats().replays).toBe(1);
  });

  it('gives up, once, on a pruned stretch wider than one batch may span', async () => {
    let now = 1_700_000_000_000;
    journal.close();
    journal = openJournal({ path: ':memory:', terminalId: 'T1', now: () => now, synchronous: 'NORMAL' });
    for (let done = 0; done < MAX_BATCH_SPAN + 5; done += 5_000) journal.transaction(() => append(Math.min(5_000, MAX_BATCH_SPAN + 5 - done)));
    journal.markSynced(MAX_BATCH_SPAN + 5);
    now += 100 * 24 * 3_600_000;
    append(5);
    journal.prune({ olderThanMs: 24 * 3_600_000 });
    const up = startUplink();
    await until(() => journal.syncState().backlog === 0);
    received = [];
    ack(3, 4);
    ack(3, 4);
    append(1);
    await until(() => journal.syncState().backlog === 0);
    // Nothing was sent for seqs 4..: only the new event, and the second request was not tried again.
    expect(received.map((b) => [b.firstSeq, b.lastSeq])).toEqual([[MAX_BATCH_SPAN + 11, MAX_BATCH_SPAN + 11]]);
    expect(up.stats().replays).toBe(1);
  }, 60_000);

  it('ignores an ack for events the journal never wrote', async () => {
    acking = false;
    append(10);
    const up = startUplink();
    await until(() => received.length === 1);
    ack(500);
    await until(() => up.stats().refusedAcks === 1);
    expect(journal.syncState().lastSyncedSeq).toBe(0);
  });

  it('holds the drain to the configured rate', async () => {
    append(300);
    const started = Date.now();
    startUplink({ maxEventsPerSecond: 1000, batchSize: 100 });
    await until(() => journal.syncState().backlog === 0);
    // A full bucket lets the first 1000 events through at once; 300 need no waiting, so ask for more.
    expect(Date.now() - started).toBeLessThan(2000);
    append(2000);
    const second = Date.now();
    uplink?.kick();
    await until(() => journal.syncState().backlog === 0);
    expect(Date.now() - second).toBeGreaterThanOrEqual(900);
  });
});
