import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusSchema, terminalTopics } from '../../src/sync/index.js';
import type { Status } from '../../src/sync/index.js';
import { startMosquitto } from './helpers/mosquitto.js';
import type { MosquittoProcess } from './helpers/mosquitto.js';
import {
  appendRides,
  expectOfficeMatchesJournal,
  openTerminalJournal,
  startOffice,
  startTerminal,
  uniquePrefix,
  until,
} from './helpers/mosquitto-sync-rig.js';
import { startTcpProxy } from './helpers/tcp-proxy.js';

let dir: string;
let broker: MosquittoProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fa-sync-faults-'));
  broker = await startMosquitto();
});

afterAll(async () => {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('sync under broker and network faults (real Mosquitto)', () => {
  it('finishes a drain after the broker is killed in the middle of it and restarted', async () => {
    const prefix = uniquePrefix('broker-kill');
    const journal = openTerminalJournal(join(dir, 'kill.db'), 'T-KILL');
    appendRides(journal, 20_000);
    const office = await startOffice({ url: broker.url, prefix });
    const terminal = startTerminal({ url: broker.url, prefix, org: 'maebashi', journal, uplink: { batchSize: 200, window: 4, maxEventsPerSecond: 8_000 } });
    await until(() => journal.syncState().lastSyncedSeq >= 4_000, 30_000, 'part of the drain');
    await broker.kill('SIGKILL');
    const before = journal.syncState();
    expect(before.backlog).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(terminal.connected()).toBe(false);
    await broker.restart();
    await until(() => journal.syncState().backlog === 0, 60_000, 'the drain after the restart');
    const check = await expectOfficeMatchesJournal(office.store, journal);
    expect(check).toEqual({ events: 20_000, problems: [] });
    expect(terminal.uplinkStats()?.lastAckedSeq).toBe(20_000);
    await terminal.stop();
    await office.close();
    journal.close();
  });

  it('finishes a drain while a proxy cuts the connection again and again in the middle of batches', async () => {
    const prefix = uniquePrefix('proxy-cut');
    const proxy = await startTcpProxy({ port: broker.port });
    const journal = openTerminalJournal(join(dir, 'cut.db'), 'T-CUT');
    appendRides(journal, 15_000);
    const office = await startOffice({ url: broker.url, prefix });
    const terminal = startTerminal({
      url: `mqtt://127.0.0.1:${proxy.port}`,
      prefix,
      org: 'maebashi',
      journal,
      uplink: { batchSize: 250, window: 6, maxEventsPerSecond: 10_000 },
    });
    let cuts = 0;
    while (cuts < 12) {
      await new Promise((r) => setTimeout(r, 150));
      // Only cut a drain that is still going: a cut after the last ack needs no reconnect.
      if (journal.syncState().backlog === 0) break;
      if (proxy.cut() > 0) cuts += 1;
    }
    await until(() => journal.syncState().backlog === 0, 60_000, 'the drain after the cuts');
    expect(cuts).toBeGreaterThanOrEqual(3);
    expect(proxy.accepted).toBeGreaterThan(cuts);
    const check = await expectOfficeMatchesJournal(office.store, journal);
    expect(check).toEqual({ events: 15_000, problems: [] });
    await terminal.stop();
    await office.close();
    await proxy.close();
    journal.close();
  });

  it('shows the terminal offline through its last will when its connection is cut, and online again after', async () => {
    const prefix = uniquePrefix('will');
    const proxy = await startTcpProxy({ port: broker.port });
    const journal = openTerminalJournal(join(dir, 'will.db'), 'T-WILL');
    appendRides(journal, 3);
    const office = await startOffice({ url: broker.url, prefix });
    const watcher = await connectAsync(broker.url, { protocolVersion: 5 });
    const statuses: Status[] = [];
    watcher.on('message', (_t, p) => p.byteLength > 0 && statuses.push(statusSchema.parse(JSON.parse(p.toString()))));
    await watcher.subscribeAsync(terminalTopics(prefix, 'maebashi', 'T-WILL').status, { qos: 1 });
    const terminal = startTerminal({ url: `mqtt://127.0.0.1:${proxy.port}`, prefix, org: 'maebashi', journal });
    await until(() => statuses.some((s) => s.online && s.backlog === 0), 20_000, 'an online status with no backlog');
    proxy.setDown(true);
    proxy.cut();
    // Mosquitto sends the will when it notices the dead socket: at once, as the proxy closed it.
    await until(() => statuses.at(-1)?.online === false, 20_000, 'the last will');
    expect(statuses.at(-1)).toMatchObject({ terminal: 'T-WILL', online: false, lastSeq: 3 });
    await until(async () => (await office.store.terminals())[0]?.online === false, 10_000, 'the office to record the terminal offline');
    proxy.setDown(false);
    await until(() => statuses.at(-1)?.online === true, 20_000, 'the online status after reconnecting');
    const [row] = await office.store.terminals();
    expect(row?.lastHeardAt).not.toBeNull();
    await terminal.stop();
    await watcher.endAsync(true);
    await office.close();
    await proxy.close();
    journal.close();
  });
});
