import { connectAsync } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { brokerConfigSchema, startEmbeddedBroker, terminalTopics } from '../../sync/index.js';
import type { EmbeddedBroker } from '../../sync/index.js';
import { openSqliteStore } from '../store/index.js';
import type { OfficeStore } from '../store/index.js';
import { batchOf, chainEvents } from '../store/store-contract.js';
import { startOfficeSync } from './office-sync.js';

let broker: EmbeddedBroker;
let store: OfficeStore;

beforeEach(async () => {
  broker = await startEmbeddedBroker();
  store = openSqliteStore({ path: ':memory:' });
});

afterEach(async () => {
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

describe('startOfficeSync', () => {
  it('subscribes once connected, ingests, and publishes the downlink on the same connection', async () => {
    const office = await startOfficeSync({
      broker: brokerConfigSchema.parse({ url: broker.url, protocolVersion: 4 }),
      store,
      prefix: 'unit/office',
      clientId: 'office-1',
    });
    await until(() => office.connected());
    const topics = terminalTopics('unit/office', 'maebashi', 'T1');
    const terminal = await connectAsync(broker.url, { protocolVersion: 4 });
    const seen: string[] = [];
    terminal.on('message', (topic) => seen.push(topic));
    await terminal.subscribeAsync([topics.ack, topics.denyList], { qos: 1 });
    // Subscribing follows the connect; give it a moment before publishing.
    await new Promise((r) => setTimeout(r, 200));
    await terminal.publishAsync(topics.events, JSON.stringify(batchOf('T1', chainEvents('T1', 4))), { qos: 1 });
    await office.publisher.publishDenyList({ org: 'maebashi', version: 1, entries: [] });
    await until(() => seen.includes(topics.ack) && seen.includes(topics.denyList));
    expect(await store.ackedSeq('T1')).toBe(4);
    await terminal.endAsync(true);
    await office.stop();
  });
});
