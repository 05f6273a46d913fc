import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/office/store/index.js';
import { terminalTopics } from '../../src/sync/index.js';
import { clearRetained, LOCAL_BROKER, requireLocalBroker } from './helpers/mosquitto.js';
import { compileChildren, spawnChild } from './helpers/mosquitto-children.js';
import {
  appendRides,
  expectOfficeMatchesJournal,
  openTerminalJournal,
  startOffice,
  startTerminal,
  uniquePrefix,
  until,
} from './helpers/mosquitto-sync-rig.js';

let dir: string;
let children: ReturnType<typeof compileChildren>;

beforeAll(async () => {
  await requireLocalBroker();
  dir = mkdtempSync(join(tmpdir(), 'fa-sync-kill-'));
  children = compileChildren();
});

afterAll(() => {
  children.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('sync when a process dies (real Mosquitto, real processes)', () => {
  it('resends after the terminal is killed with kill -9 in the middle of a batch, and the office counts nothing twice', async () => {
    const prefix = uniquePrefix('terminal-kill9');
    const journalPath = join(dir, 'terminal.db');
    const seed = openTerminalJournal(journalPath, 'T-K9');
    appendRides(seed, 12_000);
    seed.close();
    const office = await startOffice({ url: LOCAL_BROKER.url, prefix });
    const env = { JOURNAL: journalPath, TERMINAL: 'T-K9', ORG: 'maebashi', PREFIX: prefix, BROKER_URL: LOCAL_BROKER.url, BATCH_SIZE: '200', WINDOW: '4', RATE: '4000' };
    const first = spawnChild(children.outDir, 'terminal', env);
    await until(async () => (await office.store.eventCount('T-K9')) >= 3_000, 60_000, 'the first terminal process to send part of its journal');
    await first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const atKill = await office.store.eventCount('T-K9');
    expect(atKill).toBeLessThan(12_000);

    // The journal survived the kill: more taps land before the terminal is back on line.
    const between = openTerminalJournal(journalPath, 'T-K9');
    appendRides(between, 500);
    between.close();
    const second = spawnChild(children.outDir, 'terminal', env);
    const journal = openTerminalJournal(journalPath, 'T-K9');
    await until(() => journal.syncState().backlog === 0, 90_000, 'the restarted terminal to drain');
    await second.kill('SIGTERM');
    expect(journal.verifyChain()).toMatchObject({ ok: true });
    const check = await expectOfficeMatchesJournal(office.store, journal);
    expect(check).toEqual({ events: 12_500, problems: [] });
    journal.close();
    await office.close();
    const t = terminalTopics(prefix, 'maebashi', 'T-K9');
    await clearRetained(LOCAL_BROKER.url, [t.ack, t.status]);
  });

  it('ignores the resend after the office is killed between its commit and its ack', async () => {
    const prefix = uniquePrefix('office-kill');
    const storePath = join(dir, 'office.db');
    const journal = openTerminalJournal(join(dir, 'terminal-2.db'), 'T-OK');
    appendRides(journal, 3_000);
    const officeEnv = { STORE: storePath, PREFIX: prefix, BROKER_URL: LOCAL_BROKER.url };
    const dying = spawnChild(children.outDir, 'office', { ...officeEnv, KILL_AFTER_COMMITS: '5' });
    await until(() => dying.lines.some((l) => l.event === 'connected'), 20_000, 'the office process to connect');
    await new Promise((r) => setTimeout(r, 300));
    const terminal = startTerminal({ url: LOCAL_BROKER.url, prefix, org: 'maebashi', journal, uplink: { batchSize: 100, window: 1, ackTimeoutMs: 1_500 } });
    const died = await dying.exited;
    expect(died.signal).toBe('SIGKILL');
    const committed = dying.lines.filter((l) => l.event === 'commit');
    expect(committed).toHaveLength(5);
    const lastCommitted = Number(committed.at(-1)?.lastSeq);
    // Committed at the office, never acknowledged to the terminal.
    const peek = openSqliteStore({ path: storePath });
    expect(await peek.eventCount('T-OK')).toBe(lastCommitted);
    await peek.close();
    expect(journal.syncState().lastSyncedSeq).toBeLessThan(lastCommitted);

    const restarted = spawnChild(children.outDir, 'office', officeEnv);
    await until(() => journal.syncState().backlog === 0, 60_000, 'the drain through the restarted office');
    await terminal.stop();
    await restarted.kill('SIGTERM');
    const resent = restarted.lines.filter((l) => l.event === 'commit' && Number(l.firstSeq) <= lastCommitted);
    expect(resent.length).toBeGreaterThan(0);
    expect(resent.every((l) => Number(l.duplicates) > 0 && (l.anomalies as unknown[]).length === 0)).toBe(true);
    const store = openSqliteStore({ path: storePath });
    const check = await expectOfficeMatchesJournal(store, journal);
    expect(check).toEqual({ events: 3_000, problems: [] });
    await store.close();
    journal.close();
    const t = terminalTopics(prefix, 'maebashi', 'T-OK');
    await clearRetained(LOCAL_BROKER.url, [t.ack, t.status]);
  });
});
