/**
 * deploy/office/bridge.conf between two Mosquittos of the test's own: a "prefecture" broker
 * run from deploy/mosquitto/mosquitto.conf (TLS, a client certificate each, the ACL plus a
 * section confining the bridge to its town), and a town broker carrying bridge.conf as
 * shipped, its address and certificate paths moved into the test's directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync } from 'mqtt';
import type { IClientOptions, IPublishPacket, MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto } from './helpers/mosquitto.js';
import type { MosquittoProcess } from './helpers/mosquitto.js';
import { until } from './helpers/mosquitto-sync-rig.js';

const DEPLOY = resolve(dirname(fileURLToPath(import.meta.url)), '../../deploy');

/** What the prefecture's ACL grants the bridge of one town (deploy/office/README.md). */
const BRIDGE_ACL = `
user bridge-maebashi
topic write fa/v1/maebashi/+/events
topic write fa/v1/maebashi/+/status
topic write fa/v1/maebashi/+/report
topic read fa/v1/maebashi/+/ack
topic read fa/v1/maebashi/+/config
topic read fa/v1/maebashi/denylist
topic read fa/v1/maebashi/denylist/delta
topic read fa/v1/maebashi/keys
`;

let dir: string;
let certs: string;
let prefecture: MosquittoProcess;
let town: MosquittoProcess;
let office: MqttClient;
const received: IPublishPacket[] = [];

function officeOptions(): IClientOptions {
  const file = (name: string) => readFileSync(join(certs, name));
  return { protocolVersion: 5, clientId: 'office-test', ca: file('ca.crt'), cert: file('office.crt'), key: file('office.key'), reconnectPeriod: 0 };
}

const townClient = (clientId: string): Promise<MqttClient> => connectAsync(town.url, { protocolVersion: 5, clientId, reconnectPeriod: 0 });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fa-bridge-'));
  certs = join(dir, 'certs');
  mkdirSync(certs);
  const script = join(DEPLOY, 'mosquitto/make-terminal-cert.sh');
  execFileSync(script, ['-d', certs, 'ca']);
  execFileSync(script, ['-d', certs, 'broker', '127.0.0.1']);
  for (const id of ['office', 'bridge-maebashi']) execFileSync(script, ['-d', certs, 'client', id]);
  writeFileSync(join(dir, 'acl'), `${readFileSync(join(DEPLOY, 'mosquitto/acl'), 'utf8')}${BRIDGE_ACL}`);
  // Mosquitto started as root reads its files as the mosquitto user.
  execFileSync('chmod', ['-R', 'a+rX', dir]);

  const prefectureConf = readFileSync(join(DEPLOY, 'mosquitto/mosquitto.conf'), 'utf8')
    .replace(/^listener 8883$/m, 'listener {port} 127.0.0.1')
    .replaceAll('/etc/mosquitto/certs/', `${certs}/`)
    .replace(/^acl_file .*$/m, `acl_file ${dir}/acl`)
    .replace(/^persistence_location .*$/m, `persistence_location ${dir}/prefecture-`)
    .replace(/^log_dest .*$/m, 'log_dest stderr');
  prefecture = await startMosquitto({ conf: prefectureConf, dir: mkdtempSync(join(dir, 'prefecture-')) });

  const bridge = readFileSync(join(DEPLOY, 'office/bridge.conf'), 'utf8')
    .replace(/^address .*$/m, `address 127.0.0.1:${prefecture.port}`)
    .replace('/etc/mosquitto/certs/prefecture-ca.crt', join(certs, 'ca.crt'))
    .replaceAll('/etc/mosquitto/certs/', `${certs}/`);
  town = await startMosquitto({ conf: `listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location {dir}/\n${bridge}` });

  office = await connectAsync(`mqtts://127.0.0.1:${prefecture.port}`, officeOptions());
  office.on('message', (_topic, _payload, packet) => received.push(packet));
  await office.subscribeAsync('fa/v1/#', { qos: 1 });
});

afterAll(async () => {
  await (office as MqttClient | undefined)?.endAsync();
  await (town as MosquittoProcess | undefined)?.stop();
  await (prefecture as MosquittoProcess | undefined)?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('deploy/office/bridge.conf', () => {
  it("carries the town's events and statuses up to the prefecture, and nothing of other towns", async () => {
    const terminal = await townClient('maebashi-taxi-1');
    // The bridge connects in its own time: publish until the first event is through.
    await until(
      async () => {
        await terminal.publishAsync('fa/v1/maebashi/maebashi-taxi-1/events', 'probe', { qos: 1 });
        return received.some((p) => p.topic === 'fa/v1/maebashi/maebashi-taxi-1/events');
      },
      30_000,
      'the bridge to carry an event up',
    );
    received.length = 0;
    await terminal.publishAsync('fa/v1/takasaki/takasaki-taxi-1/events', 'other town', { qos: 1 });
    await terminal.publishAsync('fa/v1/maebashi/maebashi-taxi-1/denylist', 'not upward', { qos: 1 });
    await terminal.publishAsync('fa/v1/maebashi/maebashi-taxi-1/status', 'online', { qos: 1, retain: true });
    await terminal.publishAsync('fa/v1/maebashi/maebashi-taxi-1/events', 'batch', { qos: 1 });
    await until(() => received.some((p) => p.payload.toString() === 'batch'), 10_000, 'the batch at the prefecture');
    const through = received.filter((p) => p.payload.toString() !== 'probe');
    expect(through.map((p) => `${p.topic} ${p.payload.toString()}`)).toEqual([
      'fa/v1/maebashi/maebashi-taxi-1/status online',
      'fa/v1/maebashi/maebashi-taxi-1/events batch',
    ]);
    await terminal.endAsync();
  });

  it("brings the office's retained ack down and keeps it retained on the town broker, latest first", async () => {
    const ackTopic = 'fa/v1/maebashi/maebashi-taxi-1/ack';
    const watcher = await townClient('watcher');
    const seen: string[] = [];
    watcher.on('message', (_topic, payload) => seen.push(payload.toString()));
    await watcher.subscribeAsync(ackTopic, { qos: 1 });
    await office.publishAsync(ackTopic, 'upToSeq 100', { qos: 1, retain: true });
    await until(() => seen.includes('upToSeq 100'), 10_000, 'the first ack at the town');
    await office.publishAsync(ackTopic, 'upToSeq 200', { qos: 1, retain: true });
    await until(() => seen.includes('upToSeq 200'), 10_000, 'the second ack at the town');
    await watcher.endAsync();

    // A terminal that connects later gets the newest ack from the town broker's own store.
    const late = await townClient('maebashi-taxi-1');
    const first = new Promise<IPublishPacket>((done) => late.once('message', (_topic, _payload, packet) => done(packet)));
    await late.subscribeAsync(ackTopic, { qos: 1 });
    const packet = await first;
    expect({ payload: packet.payload.toString(), retain: packet.retain }).toEqual({ payload: 'upToSeq 200', retain: true });
    await late.endAsync();
  });

  it("brings the town's deny-list and keys down, but not another town's", async () => {
    const terminal = await townClient('maebashi-gate-1');
    const seen: string[] = [];
    terminal.on('message', (topic) => seen.push(topic));
    await terminal.subscribeAsync(['fa/v1/+/denylist', 'fa/v1/+/keys'], { qos: 1 });
    await office.publishAsync('fa/v1/takasaki/denylist', 'other town', { qos: 1, retain: true });
    await office.publishAsync('fa/v1/maebashi/denylist', 'version 7', { qos: 1, retain: true });
    await office.publishAsync('fa/v1/maebashi/keys', 'keys 2', { qos: 1, retain: true });
    await until(() => seen.includes('fa/v1/maebashi/keys'), 10_000, 'the keys at the town');
    expect(seen).toEqual(['fa/v1/maebashi/denylist', 'fa/v1/maebashi/keys']);
    await terminal.endAsync();
  });
});
