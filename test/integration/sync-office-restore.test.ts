/**
 * The office's database restored from a backup while its terminals went on (real Mosquitto): the
 * restored office is behind events it had acknowledged, which a terminal never sends again by
 * itself. The office's ack of the terminal's next batch is below the terminal's mark, so the
 * terminal publishes its status; from it the office sees how far the terminal was acknowledged
 * and asks for the rest (`resendFrom` in its ack); the terminal sends those events again from its
 * journal, and the office ends up holding every event once, its chain whole, nothing flagged.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminalTopics } from '../../src/sync/index.js';
import { clearRetained, LOCAL_BROKER, requireLocalBroker } from './helpers/mosquitto.js';
import { appendRides, expectOfficeMatchesJournal, openTerminalJournal, startOffice, startTerminal, uniquePrefix, until } from './helpers/mosquitto-sync-rig.js';

let dir: string;

beforeAll(async () => {
  await requireLocalBroker();
  dir = mkdtempSync(join(tmpdir(), 'fa-sync-restore-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Copies a closed SQLite database (its WAL, if one was left, with it). */
function copyDatabase(from: string, to: string): void {
  for (const suffix of ['-wal', '-shm']) rmSync(`${to}${suffix}`, { force: true });
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
}

describe('an office restored from a backup', () => {
  it('gets the events it had acknowledged after the backup sent again, each once', async () => {
    const prefix = uniquePrefix('restore');
    const storePath = join(dir, 'office.db');
    const backup = join(dir, 'office-backup.db');
    const journal = openTerminalJournal(join(dir, 'terminal.db'), 'T-RESTORE');
    const terminal = startTerminal({ url: LOCAL_BROKER.url, prefix, org: 'maebashi', journal, uplink: { batchSize: 100 } });

    let office = await startOffice({ url: LOCAL_BROKER.url, prefix, storePath });
    appendRides(journal, 200);
    await until(() => journal.syncState().backlog === 0, 30_000, 'the first 200 events to be acknowledged');
    await office.close();
    copyDatabase(storePath, backup);

    office = await startOffice({ url: LOCAL_BROKER.url, prefix, storePath });
    appendRides(journal, 300);
    await until(() => journal.syncState().backlog === 0, 30_000, 'the next 300 events to be acknowledged');
    expect(await office.store.ackedSeq('T-RESTORE')).toBe(500);
    await office.close();

    // The office's database is lost and restored from the backup: it holds seqs 1..200 again.
    copyDatabase(backup, storePath);
    office = await startOffice({ url: LOCAL_BROKER.url, prefix, storePath });
    expect(await office.store.ackedSeq('T-RESTORE')).toBe(200);
    expect(journal.syncState()).toMatchObject({ lastSeq: 500, lastSyncedSeq: 500 });

    appendRides(journal, 10);
    await until(async () => (await office.store.ackedSeq('T-RESTORE')) === 510, 30_000, 'the office to hold every event again');
    await until(() => terminal.uplinkStats()?.lastAckedSeq === 510, 10_000, 'the office\'s last ack to reach the terminal');
    expect(await expectOfficeMatchesJournal(office.store, journal)).toEqual({ events: 510, problems: [] });
    expect(await office.store.anomalies({ terminal: 'T-RESTORE' })).toEqual([]);
    expect(terminal.uplinkStats()).toMatchObject({ replays: 1, lastAckedSeq: 510 });
    expect(journal.syncState()).toMatchObject({ lastSeq: 510, lastSyncedSeq: 510, backlog: 0 });

    await terminal.stop();
    await office.close();
    journal.close();
    const topics = terminalTopics(prefix, 'maebashi', 'T-RESTORE');
    await clearRetained(LOCAL_BROKER.url, [topics.ack, topics.status]);
  });
});
