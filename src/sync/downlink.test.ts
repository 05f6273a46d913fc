import { connectAsync } from 'mqtt';
import type { MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openJournal } from '../journal/index.js';
import type { Journal } from '../journal/index.js';
import { brokerConfigSchema } from './broker-config.js';
import { startEmbeddedBroker } from './embedded-broker.js';
import type { EmbeddedBroker } from './embedded-broker.js';
import { reportSchema, statusSchema } from './schemas.js';
import type { Report, Status } from './schemas.js';
import { createTerminalSync } from './terminal-sync.js';
import type { TerminalSync } from './terminal-sync.js';
import { terminalTopics } from './topics.js';

const PREFIX = 'unit/downlink';
const topics = terminalTopics(PREFIX, 'maebashi', 'T1');
const configSchema = z.strictObject({ maxRidesPerDay: z.number().int().min(1), zone: z.string() });

let broker: EmbeddedBroker;
let office: MqttClient;
let journal: Journal;
let sync: TerminalSync<z.infer<typeof configSchema>> | undefined;
let reports: Report[];
let statuses: Status[];

beforeEach(async () => {
  broker = await startEmbeddedBroker();
  journal = openJournal({ path: ':memory:', terminalId: 'T1', now: () => 1_700_000_000_000 });
  office = await connectAsync(broker.url, { protocolVersion: 4, clientId: 'office' });
  reports = [];
  statuses = [];
  office.on('message', (topic, payload) => {
    if (payload.byteLength === 0) return;
    if (topic === topics.report) reports.push(reportSchema.parse(JSON.parse(payload.toString())));
    if (topic === topics.status) statuses.push(statusSchema.parse(JSON.parse(payload.toString())));
  });
  await office.subscribeAsync([topics.report, topics.status], { qos: 1 });
});

afterEach(async () => {
  await sync?.stop();
  sync = undefined;
  await office.endAsync(true);
  journal.close();
  await broker.close();
});

function start(onConfig?: (c: z.infer<typeof configSchema>, v: number) => void): TerminalSync<z.infer<typeof configSchema>> {
  sync = createTerminalSync({
    broker: brokerConfigSchema.parse({ url: broker.url, protocolVersion: 4 }),
    org: 'maebashi',
    terminal: 'T1',
    prefix: PREFIX,
    journal,
    configSchema,
    softwareVersion: '0.1.0',
    statusIntervalMs: 60_000,
    ...(onConfig ? { onConfig } : {}),
  });
  return sync;
}

function send(topic: string, body: unknown, retain = true): Promise<unknown> {
  return office.publishAsync(topic, JSON.stringify(body), { qos: 1, retain });
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const entry = (cardId: string) => ({ cardId, reason: 'lost', since: 1_700_000_000_000 });

describe('downlink', () => {
  it('applies a retained deny-list snapshot and the deltas after it, and reports the version', async () => {
    await send(topics.denyList, { v: 1, org: 'maebashi', version: 3, entries: [entry('card-a'), entry('card-b')] });
    const s = start();
    await until(() => journal.denyListVersion() === 3);
    await send(topics.denyDelta, { v: 1, org: 'maebashi', fromVersion: 3, toVersion: 4, add: [entry('card-c')], remove: ['card-a'] }, false);
    await until(() => journal.denyListVersion() === 4);
    expect(journal.denyEntry('card-a')).toBeNull();
    expect(journal.denyEntry('card-c')).toMatchObject({ reason: 'lost' });
    expect(s.versions().denyList).toBe(4);
    await until(() => statuses.some((st) => st.versions.denyList === 4));
  });

  it('asks for the snapshot again when a delta skips a version', async () => {
    const s = start();
    await send(topics.denyList, { v: 1, org: 'maebashi', version: 1, entries: [entry('card-a')] });
    await until(() => journal.denyListVersion() === 1);
    await send(topics.denyList, { v: 1, org: 'maebashi', version: 3, entries: [entry('card-z')] }, true);
    await until(() => journal.denyListVersion() === 3);
    await send(topics.denyDelta, { v: 1, org: 'maebashi', fromVersion: 5, toVersion: 6, add: [entry('card-y')], remove: [] }, false);
    await new Promise((r) => setTimeout(r, 200));
    expect(journal.denyListVersion()).toBe(3);
    expect(journal.denyEntry('card-y')).toBeNull();
    expect(s.downlinkStats()?.ignored).toBeGreaterThanOrEqual(1);
  });

  it('applies a valid configuration and keeps it across a restart', async () => {
    const applied: number[] = [];
    start((_c, v) => applied.push(v));
    await send(topics.config, { v: 1, version: 2, config: { maxRidesPerDay: 2, zone: 'maebashi' } });
    await until(() => applied.includes(2));
    await sync?.stop();
    const again = start();
    expect(again.config()).toEqual({ version: 2, config: { maxRidesPerDay: 2, zone: 'maebashi' } });
    expect(again.versions().config).toBe(2);
  });

  it('refuses a configuration that fails the terminal schema, reports why and keeps the old one', async () => {
    const s = start();
    await send(topics.config, { v: 1, version: 1, config: { maxRidesPerDay: 2, zone: 'a' } });
    await until(() => s.versions().config === 1);
    await send(topics.config, { v: 1, version: 2, config: { maxRidesPerDay: 0, zone: 'a' } });
    await until(() => reports.length === 1);
    expect(reports[0]).toMatchObject({ terminal: 'T1', kind: 'config-refused', version: 2 });
    expect(reports[0]?.issues[0]).toMatch(/^maxRidesPerDay: /);
    expect(s.config()).toEqual({ version: 1, config: { maxRidesPerDay: 2, zone: 'a' } });
    expect(s.downlinkStats()?.refused).toBe(1);
  });

  it('refuses a payload that is not JSON without stopping', async () => {
    const s = start();
    await until(() => s.connected());
    await office.publishAsync(topics.config, 'not json', { qos: 1, retain: false });
    await until(() => reports.length === 1);
    expect(reports[0]?.issues[0]).toMatch(/^malformed: /);
    await send(topics.keys, { v: 1, keys: [{ version: 2, publicKey: 'ab'.repeat(32) }] });
    await until(() => s.versions().keys === 2);
  });

  it('publishes an offline status when it stops', async () => {
    const s = start();
    await until(() => statuses.some((st) => st.online));
    await s.stop();
    sync = undefined;
    await until(() => statuses.at(-1)?.online === false);
  });

});

describe('createTerminalSync without a broker', () => {
  it('connects to nothing and lets the journal queue', async () => {
    const offline = createTerminalSync({ org: 'maebashi', terminal: 'T1', journal, configSchema, softwareVersion: '0.1.0' });
    journal.append('ride', { fare: 1000 });
    expect(offline.connected()).toBe(false);
    expect(offline.status()).toMatchObject({ online: false, backlog: 1, lastSeq: 1 });
    expect(offline.uplinkStats()).toBeUndefined();
    await offline.stop();
  });
});
