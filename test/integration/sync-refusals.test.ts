import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, SCHEMA_VERSION, terminalTopics } from '../../src/sync/index.js';
import type { EventBatch, WireEvent } from '../../src/sync/index.js';
import { batchOf, chainEvents } from '../../src/office/store/store-contract.js';
import { clearRetained, LOCAL_BROKER, mosquittoPub, requireLocalBroker } from './helpers/mosquitto.js';
import { startOffice, uniquePrefix, until } from './helpers/mosquitto-sync-rig.js';
import type { OfficeRig } from './helpers/mosquitto-sync-rig.js';

const prefix = uniquePrefix('refusals');
const t1 = terminalTopics(prefix, 'maebashi', 'T-R1');
let office: OfficeRig;

beforeAll(async () => {
  await requireLocalBroker();
  office = await startOffice({ url: LOCAL_BROKER.url, prefix });
});

afterAll(async () => {
  await office.close();
  await clearRetained(LOCAL_BROKER.url, [t1.ack]);
});

/** Publishes with the independent client, QoS 1, from a message on stdin (-s). */
function pub(topic: string, message: string | Buffer): void {
  const r = mosquittoPub(['-h', LOCAL_BROKER.host, '-p', String(LOCAL_BROKER.port), '-V', 'mqttv5', '-q', '1', '-t', topic, '-s'], message);
  expect(r.status, r.output).toBe(0);
}

describe('messages the office must refuse, sent with mosquitto_pub (real Mosquitto)', () => {
  it('counts malformed, oversized, invalid, forged and wrong-topic messages as dead letters and keeps ingesting', async () => {
    const events = chainEvents('T-R1', 6);
    const good = batchOf('T-R1', events.slice(0, 3));
    const forgedHash: EventBatch = batchOf('T-R1', events.slice(3).map((e, i): WireEvent => (i === 0 ? { ...e, payload: { fare: 1 } } : e)));
    const brokenLink: EventBatch = { ...batchOf('T-R1', events.slice(3)), events: events.slice(3).map((e, i) => (i === 1 ? { ...e, prevHash: 'e'.repeat(64) } : e)) };
    const oversized = JSON.stringify({ ...good, padding: 'x'.repeat(MAX_BATCH_BYTES) });

    pub(t1.events, '{"v":1,"terminal":"T-R1",');
    pub(t1.events, Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    pub(t1.events, oversized);
    pub(t1.events, JSON.stringify({ v: SCHEMA_VERSION + 1, terminal: 'T-R1' }));
    pub(t1.events, JSON.stringify({ ...good, events: [...good.events].reverse() }));
    pub(t1.events, JSON.stringify(forgedHash));
    pub(t1.events, JSON.stringify(brokenLink));
    pub(terminalTopics(prefix, 'maebashi', 'T-R2').events, JSON.stringify(good));
    pub(terminalTopics(prefix, 'takasaki', 'T-R1').events, JSON.stringify(good));
    pub(`${prefix}/maebashi/T-R1/status`, JSON.stringify({ v: 1, terminal: 'T-R9', online: true }));
    pub(t1.events, JSON.stringify(good));

    await until(() => office.ingest.stats().acks === 1, 20_000, 'the good batch to be acked');
    await until(() => Object.values(office.ingest.stats().refused).reduce((a, b) => a + b, 0) === 10, 20_000, 'every refusal to be counted');
    expect(office.ingest.stats().refused).toEqual({ malformed: 2, oversized: 1, invalid: 3, forged: 2, 'wrong-topic': 2 });
    const letters = await office.store.deadLetters();
    expect(letters).toHaveLength(10);
    expect(letters.filter((l) => l.reason === 'forged').map((l) => l.detail).sort()).toEqual(['hash at seq 4', 'prev-hash at seq 5']);
    expect(letters.find((l) => l.reason === 'oversized')?.payloadBytes).toBe(Buffer.byteLength(oversized));
    expect(await office.store.eventCount('T-R1')).toBe(3);
    expect(await office.store.eventCount('T-R2')).toBe(0);

    // Still running: the rest of the chain, sent properly, goes in and is acknowledged.
    pub(t1.events, JSON.stringify(batchOf('T-R1', events.slice(3))));
    await until(async () => (await office.store.ackedSeq('T-R1')) === 6, 20_000, 'the rest of the chain');
    expect(await office.store.anomalies()).toEqual([]);
  });
});
