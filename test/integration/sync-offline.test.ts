import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminalTopics } from '../../src/sync/index.js';
import { clearRetained, LOCAL_BROKER, requireLocalBroker } from './helpers/mosquitto.js';
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

const DAY_MS = 24 * 60 * 60 * 1000;
let dir: string;

beforeAll(async () => {
  await requireLocalBroker();
  dir = mkdtempSync(join(tmpdir(), 'fa-sync-offline-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a terminal offline for days (real Mosquitto)', () => {
  it('drains seven days and 100,000 events to exactly the same events at the office, chains intact', async () => {
    const prefix = uniquePrefix('week');
    let now = Date.parse('2025-04-01T06:00:00+09:00');
    const journal = openTerminalJournal(join(dir, 'week.db'), 'T-WEEK', () => now);
    const step = (7 * DAY_MS) / 100_000;
    for (let day = 0; day < 100; day += 1) {
      journal.transaction(() => {
        for (let i = 0; i < 1_000; i += 1) {
          now += step;
          journal.append('ride', { fare: 700 + (i % 900), company: 'maebashi-kotsu', riders: 1 + (i % 2) });
        }
      });
    }
    expect(journal.syncState()).toMatchObject({ lastSeq: 100_000, backlog: 100_000 });
    expect(now - Date.parse('2025-04-01T06:00:00+09:00')).toBeGreaterThanOrEqual(7 * DAY_MS - 1);

    const office = await startOffice({ url: LOCAL_BROKER.url, prefix });
    const started = Date.now();
    const terminal = startTerminal({ url: LOCAL_BROKER.url, prefix, org: 'maebashi', journal, uplink: { batchSize: 1_000, window: 8, ackTimeoutMs: 20_000 } });
    await until(() => journal.syncState().backlog === 0, 170_000, 'the week to drain');
    const drainMs = Date.now() - started;
    const check = await expectOfficeMatchesJournal(office.store, journal);
    expect(check).toEqual({ events: 100_000, problems: [] });
    expect(await office.store.ackedSeq('T-WEEK')).toBe(100_000);
    expect(terminal.uplinkStats()).toMatchObject({ resends: 0, lastAckedSeq: 100_000 });
    process.stdout.write(`100,000 events drained in ${drainMs} ms (${Math.round(100_000 / (drainMs / 1000))} events/s)\n`);
    await terminal.stop();
    await office.close();
    journal.close();
    await clearRetained(LOCAL_BROKER.url, [terminalTopics(prefix, 'maebashi', 'T-WEEK').ack, terminalTopics(prefix, 'maebashi', 'T-WEEK').status]);
  });

  it('enforces a deny-list change published while it was offline as soon as it reconnects, and reports the version', async () => {
    const prefix = uniquePrefix('denylist');
    const topics = terminalTopics(prefix, 'maebashi', 'T-DENY');
    const proxy = await startTcpProxy({ port: LOCAL_BROKER.port });
    const journal = openTerminalJournal(join(dir, 'deny.db'), 'T-DENY');
    const office = await startOffice({ url: LOCAL_BROKER.url, prefix });
    const since = Date.parse('2025-04-02T09:00:00+09:00');
    await office.publisher.publishDenyList({ org: 'maebashi', version: 1, entries: [{ cardId: 'card-old', reason: 'lost', since }] });
    const terminal = startTerminal({ url: `mqtt://127.0.0.1:${proxy.port}`, prefix, org: 'maebashi', journal, statusIntervalMs: 60_000 });
    await until(() => journal.denyListVersion() === 1, 20_000, 'deny-list version 1');

    proxy.setDown(true);
    proxy.cut();
    await until(async () => (await office.store.terminals())[0]?.online === false, 20_000, 'the office to see the terminal offline');
    await office.publisher.publishDenyDelta({ org: 'maebashi', fromVersion: 1, toVersion: 2, add: [{ cardId: 'card-stolen', reason: 'lost', since }], remove: [] });
    await office.publisher.publishDenyList({
      org: 'maebashi',
      version: 2,
      entries: [
        { cardId: 'card-old', reason: 'lost', since },
        { cardId: 'card-stolen', reason: 'lost', since },
      ],
    });
    appendRides(journal, 10);
    await new Promise((r) => setTimeout(r, 300));
    expect(journal.denyEntry('card-stolen')).toBeNull();

    proxy.setDown(false);
    await until(() => journal.denyListVersion() === 2, 20_000, 'deny-list version 2 after reconnecting');
    expect(journal.denyEntry('card-stolen')).toMatchObject({ cardId: 'card-stolen', reason: 'lost' });
    await until(async () => {
      const [row] = await office.store.terminals();
      return row?.online === true && row.status?.versions.denyList === 2;
    }, 20_000, 'the office to see version 2 in the status');
    await until(() => journal.syncState().backlog === 0, 20_000, 'the taps made offline to drain');
    const applied = (await office.store.events('T-DENY')).filter((e) => e.type === 'denylist-applied').map((e) => e.payload.version);
    expect(applied).toEqual([1, 2]);
    await terminal.stop();
    await office.close();
    await proxy.close();
    journal.close();
    await clearRetained(LOCAL_BROKER.url, [topics.ack, topics.status, topics.denyList]);
  });
});
