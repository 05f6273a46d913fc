import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfficeSync, type OfficeSync } from '../../src/office/ingest/office-sync.js';
import { openSqliteStore, type OfficeStore } from '../../src/office/store/index.js';
import { parseTerminalConfig } from '../../src/terminal/config.js';
import { startTerminal, type RunningTerminal } from '../../src/terminal/start.js';
import { clearRetained, LOCAL_BROKER, requireLocalBroker } from './helpers/mosquitto.js';

/** A taxi terminal wired to the machine's Mosquitto and an office ingest, on a topic prefix of its own. */
const prefix = `fa-test/${randomUUID()}`;
const dir = mkdtempSync(join(tmpdir(), 'fa-terminal-sync-'));
const silent = pino({ level: 'silent' });
let terminal: RunningTerminal;
let office: OfficeSync;
let store: OfficeStore;

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await terminal.http.request(path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${terminal.token}` }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  await requireLocalBroker();
  store = openSqliteStore({ path: join(dir, 'office.db') });
  office = await startOfficeSync({ broker: { url: LOCAL_BROKER.url, protocolVersion: 5, rejectUnauthorized: true, keepaliveSec: 30, connectTimeoutMs: 5000 }, store, prefix, clientId: `office-${randomUUID()}`, logger: silent });
  const config = parseTerminalConfig({ dataDir: join(dir, 'terminal'), terminal: { id: 'taxi-sync-1', org: 'test-city' }, sync: { url: LOCAL_BROKER.url, prefix, batchSize: 50 } });
  terminal = await startTerminal(config, { listen: false, logger: silent });
});

afterAll(async () => {
  await terminal?.close();
  await office?.stop();
  await store?.close();
  const base = `${prefix}/test-city`;
  await clearRetained(LOCAL_BROKER.url, [`${base}/denylist`, `${base}/taxi-sync-1/ack`, `${base}/taxi-sync-1/status`]);
  rmSync(dir, { recursive: true, force: true });
});

describe('a terminal synced with the office over Mosquitto', () => {
  it('delivers every journal event to the office and marks them synced only after the ack', async () => {
    await post('/api/taxi/ride', { fareYen: 2400 });
    const tap = await post('/api/emulator/tap', { card: 'maebashi-1' });
    expect(tap['kind']).toBe('accepted');
    await post('/api/taxi/ride/close', {});
    const lastSeq = terminal.journal.syncState().lastSeq;
    await until(() => terminal.journal.syncState().backlog === 0, 'the office ack');
    expect(await store.eventCount('taxi-sync-1')).toBe(lastSeq);
    const types = (await store.events('taxi-sync-1', { limit: 100 })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['ride-opened', 'intent', 'commit', 'tap-accepted', 'ride-closed']));
  });

  it('enforces a revocation pushed by the office and reports the applied deny-list version', async () => {
    const cards = (await (await terminal.http.request('/api/emulator/cards')).json()) as { cards: Array<{ name: string; cardId: string }> };
    const victim = cards.cards.find((c) => c.name === 'maebashi-2');
    if (!victim) throw new Error('demo card maebashi-2 missing');
    await office.publisher.publishDenyList({ org: 'test-city', version: 7, entries: [{ cardId: victim.cardId, reason: 'lost', since: Date.now() }] });
    await until(() => terminal.journal.denyListVersion() === 7, 'the deny-list to apply');
    await post('/api/taxi/ride', { fareYen: 1800 });
    const tap = await post('/api/emulator/tap', { card: 'maebashi-2' });
    expect(tap).toMatchObject({ kind: 'rejected', reason: 'revoked' });
    const status = (await (await terminal.http.request('/status')).json()) as { sync: { online: boolean; versions: { denyList: number } } };
    expect(status.sync).toMatchObject({ online: true, versions: { denyList: 7 } });
    await post('/api/taxi/ride/cancel', {});
  });
});
