import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync } from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngest } from '../../src/office/ingest/index.js';
import { openSqliteStore } from '../../src/office/store/index.js';
import type { OfficeStore } from '../../src/office/store/index.js';
import { brokerConfigSchema, connectBroker, createTerminalSync, terminalTopics } from '../../src/sync/index.js';
import type { BrokerLink } from '../../src/sync/index.js';
import { batchOf, chainEvents } from '../../src/office/store/store-contract.js';
import { startMosquitto } from './helpers/mosquitto.js';
import type { MosquittoProcess } from './helpers/mosquitto.js';
import { anyConfig, appendRides, openTerminalJournal, until } from './helpers/mosquitto-sync-rig.js';

const DEPLOY = resolve(dirname(fileURLToPath(import.meta.url)), '../../deploy/mosquitto');
const PREFIX = 'fa/v1';
const topicsA = terminalTopics(PREFIX, 'maebashi', 'T-A');
const topicsB = terminalTopics(PREFIX, 'maebashi', 'T-B');

let dir: string;
let certs: string;
let broker: MosquittoProcess;
let store: OfficeStore;
let office: BrokerLink;

/** deploy/mosquitto/mosquitto.conf as shipped, with its paths and port moved into the test's directory. */
function deployedConf(): string {
  return readFileSync(join(DEPLOY, 'mosquitto.conf'), 'utf8')
    .replace(/^listener 8883$/m, 'listener {port} 127.0.0.1')
    .replaceAll('/etc/mosquitto/certs/', '{dir}/certs/')
    .replace(/^acl_file .*$/m, 'acl_file {dir}/acl')
    .replace(/^persistence_location .*$/m, 'persistence_location {dir}/')
    .replace(/^log_dest .*$/m, 'log_dest stderr');
}

function tls(id: string): { ca: string; cert: string; key: string } {
  return { ca: join(certs, 'ca.crt'), cert: join(certs, `${id}.crt`), key: join(certs, `${id}.key`) };
}

function rawClientOptions(id: string, clientId: string): IClientOptions {
  const files = tls(id);
  return { protocolVersion: 5, clientId, ca: readFileSync(files.ca), cert: readFileSync(files.cert), key: readFileSync(files.key), reconnectPeriod: 0 };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fa-sync-acl-'));
  certs = join(dir, 'certs');
  mkdirSync(certs);
  const script = join(DEPLOY, 'make-terminal-cert.sh');
  execFileSync(script, ['-d', certs, 'ca']);
  execFileSync(script, ['-d', certs, 'broker', '127.0.0.1', 'localhost']);
  for (const id of ['office', 'T-A', 'T-B']) execFileSync(script, ['-d', certs, 'client', id]);
  // Mosquitto started as root reads its files as the mosquitto user.
  execFileSync('chmod', ['-R', 'a+rX', dir]);
  copyFileSync(join(DEPLOY, 'acl'), join(dir, 'acl'));
  broker = await startMosquitto({ conf: deployedConf(), dir });
  store = openSqliteStore({ path: ':memory:' });
  office = connectBroker({ config: brokerConfigSchema.parse({ url: `mqtts://127.0.0.1:${broker.port}`, ...tls('office') }), clientId: 'office-1' });
  await until(() => office.client.connected, 20_000, 'the office to connect over TLS');
  await createIngest({ client: office.client, store, prefix: PREFIX, group: 'ingest' }).start();
});

afterAll(async () => {
  // Each may be missing when beforeAll failed half-way.
  await (office as BrokerLink | undefined)?.close();
  await (store as OfficeStore | undefined)?.close();
  await (broker as MosquittoProcess | undefined)?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('deploy/mosquitto: TLS client certificates and the ACL', () => {
  it('lets each terminal sync its own journal over TLS with its own certificate', async () => {
    for (const id of ['T-A', 'T-B']) {
      const journal = openTerminalJournal(join(dir, `${id}.db`), id);
      appendRides(journal, 50);
      const sync = createTerminalSync({
        broker: brokerConfigSchema.parse({ url: `mqtts://127.0.0.1:${broker.port}`, ...tls(id) }),
        org: 'maebashi',
        terminal: id,
        journal,
        configSchema: anyConfig,
        softwareVersion: 'test',
      });
      await until(() => journal.syncState().backlog === 0, 20_000, `${id} to drain`);
      await sync.stop();
      journal.close();
    }
    expect(await store.ackedSeq('T-A')).toBe(50);
    expect(await store.ackedSeq('T-B')).toBe(50);
  });

  it('refuses terminal A publishing as terminal B, and the office never sees it', async () => {
    const a: MqttClient = await connectAsync(`mqtts://127.0.0.1:${broker.port}`, rawClientOptions('T-A', 'T-A-raw'));
    const before = await store.eventCount('T-B');
    const posing = batchOf('T-B', chainEvents('T-B', 3), 'maebashi', 51);
    const refused = await a.publishAsync(topicsB.events, JSON.stringify(posing), { qos: 1 }).then(
      () => undefined,
      (err: unknown) => (err as { code?: number }).code,
    );
    expect(refused).toBe(0x87);
    await expect(a.publishAsync(topicsB.status, '{}', { qos: 1 })).rejects.toMatchObject({ code: 0x87 });
    await expect(a.publishAsync(`${PREFIX}/maebashi/denylist`, '{}', { qos: 1, retain: true })).rejects.toMatchObject({ code: 0x87 });
    await new Promise((r) => setTimeout(r, 500));
    expect(await store.eventCount('T-B')).toBe(before);
    expect(await store.deadLetters()).toEqual([]);
    await a.endAsync();
  });

  it("refuses terminal A reading terminal B's acks and configuration, while it reads its own", async () => {
    const a: MqttClient = await connectAsync(`mqtts://127.0.0.1:${broker.port}`, rawClientOptions('T-A', 'T-A-reader'));
    const b: MqttClient = await connectAsync(`mqtts://127.0.0.1:${broker.port}`, rawClientOptions('T-B', 'T-B-reader'));
    const seenByA: string[] = [];
    const seenByB: string[] = [];
    a.on('message', (topic) => seenByA.push(topic));
    b.on('message', (topic) => seenByB.push(topic));
    // Mosquitto 2.0 grants the subscription and checks read access per message delivered.
    await a.subscribeAsync([topicsB.ack, topicsB.config, `${PREFIX}/+/+/ack`, topicsA.ack, topicsA.denyList], { qos: 1 });
    await b.subscribeAsync([topicsB.ack, topicsB.config], { qos: 1 });
    await until(() => seenByA.includes(topicsA.ack) && seenByB.includes(topicsB.ack), 10_000, 'the retained acks of A and B');
    // Fresh messages as well as retained ones: B gets them, A does not.
    await office.client.publishAsync(topicsB.ack, JSON.stringify({ v: 1, terminal: 'T-B', upToSeq: 50, at: 1 }), { qos: 1, retain: true });
    await office.client.publishAsync(topicsB.config, JSON.stringify({ v: 1, version: 1, config: {} }), { qos: 1, retain: true });
    await until(() => seenByB.filter((t) => t === topicsB.ack).length === 2 && seenByB.includes(topicsB.config), 10_000, "B's fresh ack and config");
    await new Promise((r) => setTimeout(r, 300));
    expect([...new Set(seenByA)]).toEqual([topicsA.ack]);
    await a.endAsync();
    await b.endAsync();
  });

  it('refuses a client without a certificate', async () => {
    const attempt = connectAsync(`mqtts://127.0.0.1:${broker.port}`, { protocolVersion: 5, ca: readFileSync(tls('office').ca), reconnectPeriod: 0, connectTimeout: 5_000 });
    await expect(attempt).rejects.toBeInstanceOf(Error);
  });
});
