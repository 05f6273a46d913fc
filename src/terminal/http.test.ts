import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTerminalConfig } from './config.js';
import { startTerminal, type RunningTerminal } from './start.js';

/**
 * The terminal's HTTP service in-process (`app.request`), on a real journal in a temporary
 * directory and the demo wallet of emulated cards. The clock is fixed at noon, 1 June 2026 JST.
 */
const TOKEN = 'in-process-test-token-0123456789';
const NOW = Date.UTC(2026, 5, 1, 3, 0, 0);

let dir: string;
let terminal: RunningTerminal;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fa-terminal-http-'));
  const config = parseTerminalConfig({ dataDir: dir, http: { token: TOKEN }, log: { level: 'silent' } });
  terminal = await startTerminal(config, { listen: false, logger: pino({ level: 'silent' }), now: () => NOW });
});

afterEach(async () => {
  await terminal.close();
  rmSync(dir, { recursive: true, force: true });
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(method: string, path: string, options: { body?: unknown; raw?: string; token?: string | null } = {}): Promise<{ status: number; body: Json; type: string }> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const res = await terminal.http.request(path, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, body: type.startsWith('application/json') ? ((await res.json()) as Json) : { text: await res.text() } };
}

const get = (path: string) => call('GET', path, { token: null });
const post = (path: string, body?: unknown, token?: string | null) => call('POST', path, { body, ...(token === undefined ? {} : { token }) });
const tap = (card: string) => post('/api/emulator/tap', { card });

describe('authentication', () => {
  it('refuses a mutating request without a bearer token, and nothing changes', async () => {
    const res = await post('/api/taxi/ride', { fareYen: 2000 }, null);
    expect(res).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect((await get('/api/taxi/ride')).body).toEqual({ ride: null });
  });

  it('refuses a mutating request with the wrong token, a tap included', async () => {
    expect(await post('/api/taxi/ride', { fareYen: 2000 }, 'not-the-token-at-all-000')).toMatchObject({ status: 401, body: { error: 'unauthorized', message: 'wrong token' } });
    expect(await post('/api/emulator/tap', { card: 'coupons' }, 'not-the-token-at-all-000')).toMatchObject({ status: 401 });
    expect((await get('/api/journal?type=intent')).body).toEqual({ events: [] });
  });

  it('serves every read without a token', async () => {
    for (const path of ['/healthz', '/status', '/metrics', '/openapi.json', '/api/journal', '/api/taxi/ride', '/api/taxi/programmes', '/api/emulator/cards']) {
      expect({ path, status: (await get(path)).status }).toEqual({ path, status: 200 });
    }
  });
});

describe('input validation', () => {
  it('refuses a fare of zero with a 400 that names fareYen', async () => {
    const res = await post('/api/taxi/ride', { fareYen: 0 });
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid-request', issues: [{ path: 'fareYen', code: 'too_small' }] } });
  });

  it('refuses a fare that is not a number, and a corrected fare that is not whole yen', async () => {
    expect(await post('/api/taxi/ride', { fareYen: 'abc' })).toMatchObject({ status: 400, body: { issues: [{ path: 'fareYen', code: 'invalid_type' }] } });
    expect(await post('/api/taxi/ride/fare', { fareYen: 12.5 })).toMatchObject({ status: 400, body: { issues: [{ path: 'fareYen' }] } });
  });

  it('refuses a missing body and a body that is not JSON with the same 400 shape', async () => {
    expect(await post('/api/taxi/ride')).toMatchObject({ status: 400, body: { error: 'invalid-request', issues: [{ path: 'fareYen' }] } });
    const malformed = await call('POST', '/api/taxi/ride', { raw: '{"fareYen":' });
    expect(malformed).toMatchObject({ status: 400, type: expect.stringMatching(/^application\/json/), body: { error: 'invalid-request', issues: [{ path: '', code: 'malformed-body' }] } });
  });

  it('refuses card IDs and card names of the wrong form, naming the field', async () => {
    expect(await post('/api/taxi/ride/void', { cardId: 'xyz' })).toMatchObject({ status: 400, body: { issues: [{ path: 'cardId', code: 'invalid_format' }] } });
    expect(await get('/api/journal?cardId=not-hex')).toMatchObject({ status: 400, body: { issues: [{ path: 'cardId' }] } });
    expect(await tap('../wallet/coupons')).toMatchObject({ status: 400, body: { issues: [{ path: 'card' }] } });
    expect(await tap('no-such-card')).toMatchObject({ status: 404, body: { error: 'no-such-card' } });
  });

  it('refuses a body over 64 KiB with 413 and opens no ride', async () => {
    const res = await post('/api/taxi/ride', { fareYen: 2000, pickup: { label: 'x'.repeat(70 * 1024) } });
    expect(res).toMatchObject({ status: 413, body: { error: 'payload-too-large' } });
    expect((await get('/api/taxi/ride')).body).toEqual({ ride: null });
  });
});

describe('the ride over HTTP', () => {
  it('opens a ride, takes a tap, refuses the same card again, and closes with each subsidy and the cash to collect', async () => {
    const opened = await post('/api/taxi/ride', { fareYen: 3000, pickup: { label: '前橋駅' } });
    expect(opened).toMatchObject({ status: 201, body: { ride: { ride: { status: 'open', fareYen: 3000, riders: [] } } } });

    // Coupons of ¥500, at most 2 a ride: 2 taken.
    const first = await tap('coupons');
    expect(first).toMatchObject({ status: 200, body: { kind: 'accepted', programmeId: '072010-1', units: 2, subsidyYen: 1000, remaining: { units: 18 }, confirmedEarlierWrite: false } });
    const again = await tap('coupons');
    expect(again.body).toMatchObject({ kind: 'rejected', reason: 'already-in-ride', message: { ja: expect.any(String), en: expect.any(String) } });
    // Maebashi alone in its programme: half the fare up to ¥1,000, one ride.
    expect((await tap('maebashi-1')).body).toMatchObject({ kind: 'accepted', programmeId: '102016-1', units: 1, subsidyYen: 1000 });

    const closed = await post('/api/taxi/ride/close', { dropoff: { label: '県庁' } });
    expect(closed.status).toBe(200);
    expect(closed.body['ride'].ride.status).toBe('closed');
    expect(closed.body['ride'].summary).toEqual({
      riders: [
        { cardId: first.body['cardId'], programmeId: '072010-1', units: 2, subsidyYen: 1000 },
        { cardId: expect.any(String), programmeId: '102016-1', units: 1, subsidyYen: 1000 },
      ],
      totalSubsidyYen: 2000,
      cashToCollectYen: 1000,
    });
    const cards = (await get('/api/emulator/cards')).body['cards'] as Json[];
    expect(cards.find((c) => c['name'] === 'coupons')?.['programmes'][0].used).toBe(2);
    expect(cards.find((c) => c['name'] === 'maebashi-1')?.['programmes'][0].used).toBe(1);
    const commits = (await get(`/api/journal?type=commit&cardId=${String(first.body['cardId'])}`)).body['events'] as Json[];
    expect(commits.map((e) => e['payload'].units)).toEqual([2]);
  });

  it('cancels a ride with no taps, and refuses to cancel one with taps', async () => {
    await post('/api/taxi/ride', { fareYen: 1500 });
    expect(await post('/api/taxi/ride/cancel')).toMatchObject({ status: 200, body: { ride: { ride: { status: 'cancelled' } } } });
    await post('/api/taxi/ride', { fareYen: 1500 });
    expect((await tap('taiki')).body).toMatchObject({ kind: 'accepted' });
    expect(await post('/api/taxi/ride/cancel')).toMatchObject({ status: 409, body: { error: 'ride-has-taps', message: { ja: expect.any(String), en: expect.any(String) } } });
    expect((await get('/api/taxi/ride')).body['ride'].ride.status).toBe('open');
  });

  it('corrects the fare after taps with a fare-corrected event, leaving the opening event as it was', async () => {
    await post('/api/taxi/ride', { fareYen: 3000 });
    await tap('coupons');
    await tap('maebashi-2');
    const corrected = await post('/api/taxi/ride/fare', { fareYen: 1800 });
    expect(corrected).toMatchObject({ status: 200, body: { ride: { ride: { fareYen: 1800, status: 'open' } } } });
    const events = (await get('/api/journal?type=fare-corrected')).body['events'] as Json[];
    expect(events).toHaveLength(1);
    expect(events[0]?.['payload']).toMatchObject({ oldFareYen: 3000, newFareYen: 1800, oldTotalSubsidyYen: 2000, newTotalSubsidyYen: 1800, cashToCollectYen: 0 });
    const opened = (await get('/api/journal?type=ride-opened')).body['events'] as Json[];
    expect(opened.map((e) => e['payload'].fareYen)).toEqual([3000]);
  });

  it('answers a tap with no open ride with a refusal and takes nothing', async () => {
    expect((await tap('coupons')).body).toMatchObject({ kind: 'rejected', reason: 'no-ride' });
    expect((await get('/api/journal?type=intent')).body['events']).toEqual([]);
  });
});

describe('the service endpoints', () => {
  it('reports healthy with the emulated reader attached', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { ok: true, problems: [] } });
  });

  it('shows the journal backlog and the readers on /status', async () => {
    await post('/api/taxi/ride', { fareYen: 2000 });
    await tap('coupons');
    const { body } = await get('/status');
    expect(body['readers']).toEqual([expect.objectContaining({ name: 'Emulated Reader 0', attached: true, present: false, lastTapAt: NOW })]);
    expect(body['readerService']).toBe('up');
    expect(body['app']).toMatchObject({ kind: 'taxi', ride: 'open' });
    // ride-opened, intent, commit and tap-accepted: none synced yet.
    expect(body['journal']).toMatchObject({ lastSeq: 4, lastSyncedSeq: 0, backlog: 4, inDoubt: 0 });
  });

  it('counts taps by outcome in fa_taps_total on /metrics', async () => {
    await post('/api/taxi/ride', { fareYen: 2000 });
    await tap('coupons');
    await tap('coupons');
    const res = await get('/metrics');
    expect(res.type).toMatch(/^text\/plain/);
    expect(res.body['text']).toMatch(/^fa_taps_total\{outcome="accepted",reason=""\} 1$/m);
    expect(res.body['text']).toMatch(/^fa_taps_total\{outcome="rejected",reason="already-in-ride"\} 1$/m);
    expect(res.body['text']).toMatch(/^fa_journal_backlog_events 5$/m);
  });

  it('lists the ride routes in /openapi.json, the mutating ones behind the bearer scheme', async () => {
    const { body } = await get('/openapi.json');
    for (const path of ['/api/taxi/ride', '/api/taxi/ride/close', '/api/taxi/ride/cancel', '/api/taxi/ride/fare', '/api/taxi/ride/void', '/api/emulator/tap']) {
      expect(body['paths'], path).toHaveProperty([path, 'post', 'security'], [{ bearer: [] }]);
    }
    expect(body['paths']).toHaveProperty(['/api/taxi/ride', 'get']);
    expect(body['components']['securitySchemes']['bearer']).toEqual({ type: 'http', scheme: 'bearer' });
  });

  it('answers an unknown route with a 404 in JSON', async () => {
    expect(await get('/api/nothing-here')).toMatchObject({ status: 404, type: expect.stringMatching(/^application\/json/), body: { error: 'not-found' } });
  });
});
