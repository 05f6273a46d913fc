/**
 * Issuance end to end: the office (domain on PostgreSQL, counter API on a real HTTP port, its
 * own signing key) and a terminal in issuer mode with an emulated counter reader and only the
 * public and card keys. A clerk's order waits for a card; the card put on the reader gets its
 * grant signed by the office and written by the station; a reissue revokes the lost card and
 * carries what it had left to the new one.
 */
import { copyFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blankCardForLayout, createFileKeyStore, defaultLayout, generateDevKeys, KEY_FILES, readCard } from '../../src/free-area/index.js';
import type { KeyStore } from '../../src/free-area/index.js';
import { createCounterApi, createFileIssuerKeyRing, createOfficeDomain } from '../../src/office/domain/index.js';
import type { OfficeDomain } from '../../src/office/domain/index.js';
import { cardWrite, TEST_PROGRAMMES, wireJournal } from '../../src/office/domain/test-support.js';
import { openTestPostgresStore } from '../../src/office/store/pg-test-support.js';
import type { OfficeStore } from '../../src/office/store/index.js';
import { createEmulatedCard, createEmulatorChannel } from '../../src/reader/emulator/index.js';
import type { EmulatedCard, EmulatorBackend } from '../../src/reader/emulator/index.js';
import { parseTerminalConfig } from '../../src/terminal/config.js';
import { startTerminal, type RunningTerminal } from '../../src/terminal/start.js';

const TOKEN = 'counter-station-token-0123456789';
const READER = 'Counter Reader';
const NOW = Date.parse('2025-06-20T10:00:00+09:00');

let dir: string;
let store: OfficeStore;
let domain: OfficeDomain;
let server: ServerType;
let counter: RunningTerminal;
let residentId: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fa-office-counter-'));
  const officeKeys = join(dir, 'office-keys');
  const stationKeys = join(dir, 'station-keys');
  generateDevKeys(officeKeys);
  mkdirSync(stationKeys, { mode: 0o700 });
  for (const file of [KEY_FILES.issuerPublic, KEY_FILES.mac, KEY_FILES.auth]) {
    copyFileSync(join(officeKeys, file), join(stationKeys, file));
    chmodSync(join(stationKeys, file), 0o600);
  }
  store = await openTestPostgresStore();
  domain = createOfficeDomain({ store, org: 'maebashi', programmes: TEST_PROGRAMMES, keys: createFileIssuerKeyRing(officeKeys), clock: () => NOW });
  const office = new Hono();
  office.route('/api/counter', createCounterApi({ issuance: domain.issuance, stations: { 'COUNTER-1': TOKEN } }));
  server = await new Promise<ServerType>((ready) => {
    const s = serve({ fetch: office.fetch, hostname: '127.0.0.1', port: 0 }, () => ready(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/counter`;
  const config = parseTerminalConfig({
    terminal: { id: 'COUNTER-1', org: 'maebashi' },
    dataDir: join(dir, 'station'),
    reader: { kind: 'emulator', readers: [READER], demoCards: false },
    card: { keys: stationKeys },
    app: { kind: 'issuer', office: { url, token: TOKEN } },
    log: { level: 'silent' },
  });
  counter = await startTerminal(config, { listen: false, logger: pino({ level: 'silent' }), now: () => NOW });
  const created = await domain.residents.create({ residentNo: 'R-0100', name: '前橋 太郎', address: '前橋市大手町2-12-1', eligibility: 'licence-returned' });
  if (created.kind !== 'ok') throw new Error('resident not created');
  residentId = created.resident.id;
});

afterAll(async () => {
  await counter?.close();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The station's own key files: what the office installed on it. */
let stationKeyStore: KeyStore | null = null;
function stationKeys(): KeyStore {
  stationKeyStore ??= createFileKeyStore(join(dir, 'station-keys'));
  return stationKeyStore;
}

/** An installed card with no grant yet: its ID and write key, as J-LIS loading leaves it. */
function blankCard(cardId: string): EmulatedCard {
  return createEmulatedCard(blankCardForLayout(defaultLayout(), stationKeys(), cardId));
}

/** Puts the card on the counter reader and waits for the station's outcome. */
async function present(card: EmulatedCard): Promise<Record<string, unknown>> {
  const backend = counter.backend as EmulatorBackend;
  const answered = new Promise<Record<string, unknown>>((resolve) => {
    const off = counter.hub.subscribe((event) => {
      if (event.type !== 'issuer') return;
      off();
      resolve(event.data as Record<string, unknown>);
    });
  });
  backend.insert(READER, card);
  const outcome = await answered;
  await counter.app.idle();
  backend.remove(READER);
  return outcome;
}

async function grantOn(card: EmulatedCard) {
  const read = await readCard(createEmulatorChannel(card, 'check'), { layout: defaultLayout(), keys: stationKeys() });
  return read.programmes.map((p) => ({ serial: p.grant?.serial, amount: p.grant?.amount, status: p.status.kind, used: p.status.kind === 'ok' ? p.status.current.state.used : null }));
}

describe('issuance at an emulated counter reader', () => {
  const FIRST = '1A2B3C4D5E6F7081';
  const SECOND = '2A2B3C4D5E6F7082';
  let firstCard: EmulatedCard;

  it('says there is no order when a card is put on the reader before the clerk made one', async () => {
    firstCard = blankCard(FIRST);
    expect(await present(firstCard)).toMatchObject({ kind: 'no-order', cardId: FIRST });
    expect(await grantOn(firstCard)).toEqual([]);
  });

  it('writes the grant the office signed for the order, and the office records it as written', async () => {
    const order = await domain.issuance.createOrder({ station: 'COUNTER-1', residentId, kind: 'new', programmeId: '102016-1', by: 'clerk-1' });
    expect(await present(firstCard)).toMatchObject({ kind: 'issued', cardId: FIRST, orderId: order.id, programmes: [{ serial: 1, action: 'added' }] });
    expect(await grantOn(firstCard)).toEqual([{ serial: 1, amount: 120, status: 'ok', used: 0 }]);
    expect((await domain.issuance.orders({ station: 'COUNTER-1' }))[0]).toMatchObject({ id: order.id, status: 'written', cardId: FIRST });
    expect(await domain.residents.card(FIRST)).toMatchObject({ residentId, status: 'active' });
    expect(await counter.journal.events({ type: 'card-issued', limit: 10 })).toMatchObject([{ payload: { cardId: FIRST, orderId: order.id } }]);
  });

  it('refuses another resident\'s card and leaves the order waiting for the right one', async () => {
    const other = await domain.residents.create({ residentNo: 'R-0101', name: '高崎 次郎', address: '前橋市', eligibility: 'age-75-plus' });
    if (other.kind !== 'ok') throw new Error('resident not created');
    const order = await domain.issuance.createOrder({ station: 'COUNTER-1', residentId: other.resident.id, kind: 'top-up', programmeId: '102016-1', topUp: 5, by: 'clerk-1' });
    expect(await present(firstCard)).toMatchObject({ kind: 'refused', reason: 'card-of-another-resident', message: { ja: '別の住民のカードです' } });
    expect(await domain.issuance.cancelOrder(order.id, 'clerk-1')).toMatchObject({ status: 'cancelled' });
  });

  it('reissues: the lost card is revoked and the new card gets what the terminals report it had left', async () => {
    const taxi = wireJournal('TAXI-1');
    for (let i = 0; i < 4; i += 1) cardWrite(taxi, { cardId: FIRST, fromSeq: i, usedAfter: i + 1, at: NOW - (10 - i) * 3_600_000, rideId: `R${i}` });
    await store.ingestBatch(taxi.batch(), NOW);
    await domain.issuance.createOrder({ station: 'COUNTER-1', residentId, kind: 'reissue', oldCardId: FIRST, reason: 'lost', by: 'clerk-2' });
    const secondCard = blankCard(SECOND);
    expect(await present(secondCard)).toMatchObject({ kind: 'issued', cardId: SECOND, programmes: [{ action: 'added' }] });
    expect(await grantOn(secondCard)).toEqual([{ serial: 2, amount: 116, status: 'ok', used: 0 }]);
    expect(await domain.residents.card(FIRST)).toMatchObject({ status: 'revoked', revokeReason: 'lost', replacedBy: SECOND });
    expect((await domain.revocation.denyList()).entries.map((e) => e.cardId)).toEqual([FIRST]);
  });

  it('answers an unknown station token with 401 and a station speaking for another with 403', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/counter/cards`;
    const body = JSON.stringify({ station: 'COUNTER-2', cardId: FIRST, programmes: [] });
    expect((await fetch(url, { method: 'POST', headers: { authorization: 'Bearer not-a-station-token-000', 'content-type': 'application/json' }, body })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body })).status).toBe(403);
    const bad = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{"station":"COUNTER-1","cardId":"xyz"}' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid-request', issues: [expect.stringContaining('cardId')] });
  });
});
