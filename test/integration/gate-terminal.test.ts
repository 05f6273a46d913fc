import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ANTI_PASSBACK_META_KEY } from '../../src/apps/gate/index.js';
import { openJournal } from '../../src/journal/index.js';
import type { EmulatorBackend } from '../../src/reader/emulator/index.js';
import { loadTerminalConfig, parseTerminalConfig } from '../../src/terminal/config.js';
import { startTerminal, type RunningTerminal } from '../../src/terminal/start.js';

/**
 * A gate terminal in process, from the minimal configuration `{ app: { kind: 'gate' } }` on
 * emulated readers with its demo wallet, driven through its HTTP API as the status page and
 * an operator would. The clock is a Tuesday at noon, Japan time, inside every schedule.
 */
const TOKEN = 'gate-terminal-test-token-0123456789';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TUESDAY_NOON = Date.parse('2026-12-01T12:00:00+09:00');
const dirs: string[] = [];
const running: RunningTerminal[] = [];
let nowMs = TUESDAY_NOON;

afterEach(async () => {
  for (const terminal of running.splice(0)) await terminal.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  nowMs = TUESDAY_NOON;
});

async function startGate(dir = newDir()): Promise<{ terminal: RunningTerminal; dir: string; api: ReturnType<typeof apiOf> }> {
  const config = parseTerminalConfig({ dataDir: dir, http: { port: 0, token: TOKEN }, app: { kind: 'gate' }, reader: { kind: 'emulator' }, log: { level: 'silent' } });
  const terminal = await startTerminal(config, { listen: false, now: () => nowMs });
  running.push(terminal);
  return { terminal, dir, api: apiOf(terminal) };
}

async function stop(terminal: RunningTerminal): Promise<void> {
  await terminal.close();
  running.splice(running.indexOf(terminal), 1);
}

function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fa-gate-terminal-'));
  dirs.push(dir);
  return dir;
}

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function apiOf(terminal: RunningTerminal) {
  const call = async (method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<{ status: number; body: Body }> => {
    const headers: Record<string, string> = { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const res = await terminal.http.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, body: (text.startsWith('{') ? JSON.parse(text) : { text }) as Body };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown, token?: string | null) => call('POST', path, body, token),
    tap: async (card: string, reader: 'Gate In' | 'Gate Out'): Promise<Body> => {
      const res = await call('POST', '/api/emulator/tap', { card, reader });
      expect(res.status).toBe(200);
      return res.body;
    },
  };
}

/** Entries used on a wallet card, as the card itself says (read and verified through the emulator route). */
async function entriesUsed(api: ReturnType<typeof apiOf>, name: string): Promise<number> {
  const cards = (await api.get('/api/emulator/cards')).body['cards'] as Array<{ name: string; programmes: Array<{ used: number | null }> }>;
  return cards.find((c) => c.name === name)?.programmes[0]?.used ?? -1;
}

describe('The gate terminal', () => {
  it('runs from the minimal configuration file with readers Gate In and Gate Out, its doors, page and status', async () => {
    const dir = newDir();
    const example = loadTerminalConfig(join(ROOT, 'deploy/examples/gate-demo.json'));
    const config = parseTerminalConfig({ ...example, dataDir: dir, http: { ...example.http, token: TOKEN }, log: { level: 'silent' } });
    const terminal = await startTerminal(config, { listen: false, now: () => nowMs });
    running.push(terminal);
    const api = apiOf(terminal);
    expect(terminal.config.terminal.id).toBe('gate-demo-1');
    expect(terminal.backend.readers()).toEqual(['Gate In', 'Gate Out']);
    expect(terminal.wallet?.list()).toEqual(['other-building', 'staff-1', 'staff-2', 'staff-expired', 'visitor']);
    const doors = await api.get('/api/gate/doors');
    expect(doors.body['doors']).toMatchObject([{ id: 'main', lock: 'locked', position: 'closed', antiPassback: 'soft', readers: { in: 'Gate In', out: 'Gate Out' } }]);
    const status = await api.get('/status');
    expect(status.body['app']).toMatchObject({ kind: 'gate', doors: [{ id: 'main', lock: 'locked' }] });
    const page = await terminal.http.request('/');
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/ゲート Gate gate-demo-1[\s\S]*gate-config/);
  });

  it('lets a staff pass in and out read-only in 2 APDUs, journaling an entry and an exit with their direction', async () => {
    const { terminal, api } = await startGate();
    const entry = await api.tap('staff-1', 'Gate In');
    expect(entry).toMatchObject({ kind: 'granted', result: 'ok', door: 'main', direction: 'in', pass: 'staff', apdus: 2, flags: [], message: { ja: 'どうぞお入りください。' } });
    expect((await api.get('/api/gate/doors')).body['doors'][0]).toMatchObject({ lock: 'unlocked', lastPassages: [{ direction: 'in', holder: entry['holder'] }] });
    nowMs += 60_000;
    const exit = await api.tap('staff-1', 'Gate Out');
    expect(exit).toMatchObject({ kind: 'granted', direction: 'out', apdus: 2, flags: [] });
    const passages = (await api.get('/api/gate/passages?limit=10')).body['passages'] as Body[];
    expect(passages.map((p) => [p['type'], p['direction'], p['units'], p['intentId']])).toEqual([
      ['gate-exit', 'out', 0, null],
      ['gate-entry', 'in', 0, null],
    ]);
    expect(terminal.journal.events({ type: 'intent', limit: 10 })).toEqual([]);
    expect(await entriesUsed(api, 'staff-1')).toBe(0);
  });

  it('flags a second entry without an exit under soft anti-passback, and lets it through', async () => {
    const { terminal, api } = await startGate();
    await api.tap('staff-2', 'Gate In');
    nowMs += 5_000;
    const again = await api.tap('staff-2', 'Gate In');
    expect(again).toMatchObject({ kind: 'granted', flags: ['anti-passback-violation'] });
    const [flagged] = terminal.journal.events({ type: 'gate-entry', limit: 1, order: 'desc' });
    expect(flagged?.payload['flags']).toEqual(['anti-passback-violation']);
  });

  it('takes one entry per visit from a visitor pass and refuses the fourth entry, but still lets the visitor out', async () => {
    const { terminal, api } = await startGate();
    for (const left of [2, 1, 0]) {
      const entry = await api.tap('visitor', 'Gate In');
      expect(entry).toMatchObject({ kind: 'granted', pass: 'visitor', remainingEntries: left, apdus: 5 });
      nowMs += 60_000;
      expect(await api.tap('visitor', 'Gate Out')).toMatchObject({ kind: 'granted', direction: 'out', apdus: 2 });
      nowMs += 60_000;
    }
    const refused = await api.tap('visitor', 'Gate In');
    expect(refused).toMatchObject({ kind: 'refused', result: 'ng', reason: 'entries-used-up', message: { ja: '入館回数の上限に達しました。受付にお越しください。' } });
    expect(await entriesUsed(api, 'visitor')).toBe(3);
    const commits = terminal.journal.events({ type: 'commit', limit: 10 });
    expect(commits.map((c) => c.payload['units'])).toEqual([1, 1, 1]);
    expect(terminal.journal.events({ type: 'gate-refused', limit: 1 })[0]?.payload).toMatchObject({ reason: 'entries-used-up', direction: 'in', pass: 'visitor' });
  });

  it('refuses an expired pass, another building\'s pass and a pass outside its schedule, each with its reason', async () => {
    const { api } = await startGate();
    expect(await api.tap('staff-expired', 'Gate In')).toMatchObject({ kind: 'refused', reason: 'expired' });
    expect(await api.tap('other-building', 'Gate In')).toMatchObject({ kind: 'refused', reason: 'wrong-zone' });
    nowMs = Date.parse('2026-12-06T12:00:00+09:00');
    expect(await api.tap('staff-1', 'Gate In')).toMatchObject({ kind: 'refused', reason: 'outside-schedule', message: { en: 'The pass does not open this door at this time.' } });
    expect(await api.tap('staff-2', 'Gate In')).toMatchObject({ kind: 'granted' });
  });

  it('releases a door by hand only with the token, and journals the release', async () => {
    const { terminal, api } = await startGate();
    expect((await api.post('/api/gate/doors/main/open', {}, null)).status).toBe(401);
    expect((await api.post('/api/gate/doors/main/open', {}, 'wrong-token-wrong-token')).status).toBe(401);
    expect(terminal.journal.events({ type: 'door-released', limit: 1 })).toEqual([]);
    const released = await api.post('/api/gate/doors/main/open', { reason: 'delivery' });
    expect(released).toMatchObject({ status: 200, body: { openMs: 5000, door: { id: 'main', lock: 'unlocked' } } });
    expect(terminal.journal.events({ type: 'door-released', limit: 1 })[0]?.payload).toMatchObject({ door: 'main', openMs: 5000, reason: 'delivery', by: 'api' });
    expect((await api.post('/api/gate/doors/side/open', {})).status).toBe(404);
    nowMs += 5_001;
    expect((await api.get('/api/gate/doors')).body['doors'][0]).toMatchObject({ lock: 'locked' });
  });

  it('raises door-forced for an opening while locked and door-held-open for a door left open after a grant', async () => {
    const { terminal, api } = await startGate();
    const forced = await api.post('/api/gate/doors/main/position', { position: 'open' });
    expect(forced).toMatchObject({ status: 200, body: { door: { position: 'open' }, alarms: [{ kind: 'door-forced', door: 'main' }] } });
    await api.post('/api/gate/doors/main/position', { position: 'closed' });
    const entry = await api.tap('staff-1', 'Gate In');
    expect((await api.post('/api/gate/doors/main/position', { position: 'open' })).body['alarms']).toEqual([]);
    nowMs += 31_000;
    const closed = await api.post('/api/gate/doors/main/position', { position: 'closed' });
    expect(closed.body['alarms']).toMatchObject([{ kind: 'door-held-open', passage: { holder: entry['holder'], direction: 'in' } }]);
    expect(terminal.journal.events({ type: 'door-forced', limit: 5 })).toHaveLength(1);
    expect(terminal.journal.events({ type: 'door-held-open', limit: 5 })[0]?.payload).toMatchObject({ door: 'main', holder: entry['holder'], direction: 'in' });
    expect((await api.post('/api/gate/doors/main/position', { position: 'ajar' })).status).toBe(400);
  });

  it('handles taps on the two readers at the same time, each on its own', async () => {
    const { terminal, api } = await startGate();
    const [entry, exit] = await Promise.all([api.tap('staff-1', 'Gate In'), api.tap('staff-2', 'Gate Out')]);
    expect(entry).toMatchObject({ kind: 'granted', reader: 'Gate In', direction: 'in' });
    expect(exit).toMatchObject({ kind: 'granted', reader: 'Gate Out', direction: 'out' });

    // A slow card on the In reader does not hold up a tap on the Out reader.
    const backend = terminal.backend as EmulatorBackend;
    const slow = terminal.wallet?.loadCard('visitor');
    if (slow === undefined) throw new Error('no wallet');
    slow.setFaults({ delayMs: 150 });
    backend.insert('Gate In', slow);
    const slowTap = terminal.loop.lastTap('Gate In');
    let slowDone = false;
    void slowTap?.then(() => (slowDone = true));
    const quick = await api.tap('staff-2', 'Gate Out');
    expect(quick).toMatchObject({ kind: 'granted', reader: 'Gate Out' });
    expect(slowDone).toBe(false);
    expect(await slowTap).toMatchObject({ kind: 'granted', reader: 'Gate In', pass: 'visitor', remainingEntries: 2 });
    backend.remove('Gate In');
  });

  it('remembers anti-passback across a restart, from its snapshot or, when the snapshot is missing, from the journal', async () => {
    const first = await startGate();
    const entry = await first.api.tap('staff-1', 'Gate In');
    await stop(first.terminal);

    const second = await startGate(first.dir);
    nowMs += 10_000;
    expect(await second.api.tap('staff-1', 'Gate In')).toMatchObject({ kind: 'granted', holder: entry['holder'], flags: ['anti-passback-violation'] });
    expect(second.terminal.journal.getMeta(ANTI_PASSBACK_META_KEY)).toMatchObject({ state: { passages: [{ holder: entry['holder'], direction: 'in' }] } });
    nowMs += 10_000;
    await second.api.tap('staff-1', 'Gate Out');
    await stop(second.terminal);
    // As after a kill -9 before the snapshot was written: only the journal knows the exit.
    const journal = openJournal({ path: join(first.dir, 'journal.db'), terminalId: 'gate-demo-1', now: () => nowMs });
    journal.deleteMeta(ANTI_PASSBACK_META_KEY);
    journal.close();

    const third = await startGate(first.dir);
    nowMs += 10_000;
    expect(await third.api.tap('staff-1', 'Gate Out')).toMatchObject({ kind: 'granted', flags: ['anti-passback-violation'] });
  });
});
