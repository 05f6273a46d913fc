import { connectAsync } from 'mqtt';
import type { MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ackSchema, MAX_BATCH_BYTES, startEmbeddedBroker, terminalTopics } from '../../sync/index.js';
import type { Ack, EmbeddedBroker, WireEvent } from '../../sync/index.js';
import { openSqliteStore } from '../store/index.js';
import type { OfficeStore } from '../store/index.js';
import { batchOf, chainEvents } from '../store/store-contract.js';
import { createIngest } from './ingest.js';
import type { Ingest } from './ingest.js';

const PREFIX = 'unit/ingest';
const t1 = terminalTopics(PREFIX, 'maebashi', 'T1');

let broker: EmbeddedBroker;
let officeClient: MqttClient;
let terminal: MqttClient;
let store: OfficeStore;
let ingest: Ingest;
let acks: Ack[];

beforeEach(async () => {
  broker = await startEmbeddedBroker();
  store = openSqliteStore({ path: ':memory:' });
  officeClient = await connectAsync(broker.url, { protocolVersion: 4, clientId: 'office' });
  ingest = createIngest({ client: officeClient, store, prefix: PREFIX });
  await ingest.start();
  terminal = await connectAsync(broker.url, { protocolVersion: 4, clientId: 'T1' });
  acks = [];
  terminal.on('message', (_t, payload) => acks.push(ackSchema.parse(JSON.parse(payload.toString()))));
  await terminal.subscribeAsync(t1.ack, { qos: 1 });
});

afterEach(async () => {
  await ingest.stop();
  await terminal.endAsync(true);
  await officeClient.endAsync(true);
  await store.close();
  await broker.close();
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function publish(topic: string, body: unknown): Promise<unknown> {
  return terminal.publishAsync(topic, typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body), { qos: 1 });
}

describe('createIngest', () => {
  it('stores a batch, then publishes a retained ack up to its last seq', async () => {
    await publish(t1.events, batchOf('T1', chainEvents('T1', 20)));
    await until(() => acks.length === 1);
    expect(acks[0]).toMatchObject({ terminal: 'T1', upToSeq: 20 });
    expect(await store.eventCount('T1')).toBe(20);
    const late = await connectAsync(broker.url, { protocolVersion: 4 });
    const retained = new Promise<Ack>((resolve) => late.on('message', (_t, p) => resolve(ackSchema.parse(JSON.parse(p.toString())))));
    await late.subscribeAsync(t1.ack, { qos: 1 });
    expect((await retained).upToSeq).toBe(20);
    await late.endAsync(true);
  });

  it('asks a terminal again for acknowledged events it lacks, when the terminal\'s status shows them, and only then', async () => {
    const status = (lastSeq: number, backlog: number) => ({ v: 1, terminal: 'T1', online: true, versions: { denyList: 0, config: 0, keys: 0, software: '1' }, backlog, lastSeq, clock: { now: 5 }, at: 5 });
    await publish(t1.events, batchOf('T1', chainEvents('T1', 10)));
    await until(() => acks.length === 1);
    // Everything the terminal holds acknowledged is here (its other 20 events are on their way): nothing to ask.
    await publish(t1.status, status(30, 20));
    await until(() => ingest.stats().statuses === 1);
    // The terminal had 25 acknowledged; this office holds 10 (restored from a backup): it asks from 11.
    await publish(t1.status, status(30, 5));
    await until(() => acks.length === 2);
    expect(acks[1]).toMatchObject({ terminal: 'T1', upToSeq: 10, resendFrom: 11 });
    expect(ingest.stats()).toMatchObject({ statuses: 2, resendRequests: 1 });
    expect(acks[0]).not.toHaveProperty('resendFrom');
  });

  it('acknowledges a repeated batch again without storing it twice', async () => {
    const batch = batchOf('T1', chainEvents('T1', 5));
    await publish(t1.events, batch);
    await publish(t1.events, batch);
    await until(() => acks.length === 2);
    expect(ingest.stats()).toMatchObject({ inserted: 5, duplicates: 5, acks: 2 });
    expect(await store.eventCount()).toBe(5);
  });

  it('refuses malformed, invalid, oversized, forged and wrong-topic messages into dead letters and keeps running', async () => {
    const events = chainEvents('T1', 3);
    const forged = events.map((e, i): WireEvent => (i === 1 ? { ...e, payload: { fare: 1 } } : e));
    await publish(t1.events, '{"v":1,');
    await publish(t1.events, { v: 1, terminal: 'T1' });
    await publish(t1.events, Buffer.alloc(MAX_BATCH_BYTES + 1, 0x20));
    await publish(t1.events, batchOf('T1', forged));
    await publish(terminalTopics(PREFIX, 'maebashi', 'T2').events, batchOf('T1', events));
    await publish(t1.events, batchOf('T1', events));
    await until(() => acks.length === 1);
    expect(ingest.stats().refused).toEqual({ malformed: 1, invalid: 1, oversized: 1, forged: 1, 'wrong-topic': 1 });
    const letters = await store.deadLetters();
    expect(letters.map((l) => l.reason).sort()).toEqual(['forged', 'invalid', 'malformed', 'oversized', 'wrong-topic']);
    expect(letters.find((l) => l.reason === 'forged')?.detail).toBe('hash at seq 2');
    expect(await store.eventCount()).toBe(3);
  });

  it('records statuses and refusal reports from terminals', async () => {
    const status = { v: 1, terminal: 'T1', online: true, versions: { denyList: 4, config: 1, keys: 1, software: '1.0.0' }, backlog: 0, lastSeq: 9, clock: { now: 5 }, at: 5 };
    await publish(t1.status, status);
    await publish(t1.report, { v: 1, terminal: 'T1', kind: 'config-refused', version: 7, issues: ['fare: expected number'], at: 6 });
    await until(async () => ingest.stats().statuses === 1 && ingest.stats().reports === 1);
    expect((await store.terminals())[0]).toMatchObject({ terminal: 'T1', online: true, status: { versions: { denyList: 4 } } });
    expect(await store.anomalies({ kind: 'config-refused' })).toMatchObject([{ terminal: 'T1', detail: { version: 7, issues: ['fare: expected number'] } }]);
  });

  it('sends no ack when the store fails, so the terminal sends the batch again', async () => {
    await store.close();
    await publish(t1.events, batchOf('T1', chainEvents('T1', 2)));
    await until(() => ingest.stats().storeErrors === 1);
    expect(acks).toEqual([]);
    store = openSqliteStore({ path: ':memory:' });
  });

  it('runs the after-commit hook before the ack leaves', async () => {
    await ingest.stop();
    const seen: number[] = [];
    const hooked = createIngest({
      client: officeClient,
      store,
      prefix: PREFIX,
      hooks: { afterCommit: async (batch) => void seen.push(batch.lastSeq, acks.length) },
    });
    await hooked.start();
    await publish(t1.events, batchOf('T1', chainEvents('T1', 2)));
    await until(() => acks.length === 1);
    expect(seen).toEqual([2, 0]);
    await hooked.stop();
  });
});
