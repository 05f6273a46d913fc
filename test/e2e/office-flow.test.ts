/**
 * The office in headless Chromium, on SQLite and on PostgreSQL, with Mosquitto between it
 * and a taxi terminal: a clerk signs in, registers a resident and orders a card at a counter
 * station; the station (emulated here: it reads the card, asks the office's counter API for
 * the signed grants and writes them with the free area's issueCard, as a counter station
 * does) writes the card; the card pays a ride at an emulated taxi terminal; the ride reaches
 * the office and shows on the dashboard, and the payment and detail CSVs hold it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blankCardForLayout, createFileKeyStore, decodeGrant, defaultLayout, issueCard, newCardId } from '../../src/free-area/index.js';
import { parseOfficeConfig } from '../../src/office/config.js';
import { startOffice } from '../../src/office/start.js';
import type { RunningOffice } from '../../src/office/start.js';
import { dropSchema, TEST_POSTGRES_URL } from '../../src/office/store/pg-test-support.js';
import { TEST_SCRYPT } from '../../src/office/web/test-web.js';
import { createEmulatorChannel } from '../../src/reader/emulator/index.js';
import { parseTerminalConfig } from '../../src/terminal/config.js';
import { startTerminal } from '../../src/terminal/start.js';
import type { RunningTerminal } from '../../src/terminal/start.js';
import { clearRetained, LOCAL_BROKER, requireLocalBroker } from '../integration/helpers/mosquitto.js';
import { collectPageErrors, launchChromium } from './helpers/browser.js';

const ORG = 'e2e-city';
const TAXI = 'taxi-e2e-1';
const STATION = 'counter-1';
const COUNTER_TOKEN = 'counter-e2e-token-0123456789';
const TERMINAL_TOKEN = 'terminal-e2e-token-0123456789';
const PASSWORD = 'office e2e password';
const SHOTS = '.tmp';

let launched: Promise<Browser> | undefined;
const browser = () => (launched ??= launchChromium());
afterAll(async () => {
  await (await launched?.catch(() => undefined))?.close();
});

/** What a counter station does with a card held to its reader, given the office's answer. */
async function counterStation(office: RunningOffice, terminal: RunningTerminal, cardName: string, cardId: string): Promise<void> {
  const call = async (path: string, body: unknown) => {
    const res = await fetch(`${office.url}/api/counter${path}`, { method: 'POST', headers: { Authorization: `Bearer ${COUNTER_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, path).toBe(200);
    return res.json() as Promise<{ kind: string; orderId: number; grants: { grantHex: string }[] }>;
  };
  const answer = await call('/cards', { station: STATION, cardId, programmes: [] });
  expect(answer.kind).toBe('grants');
  const grants = answer.grants.map((g) => {
    const bytes = new Uint8Array(Buffer.from(g.grantHex, 'hex'));
    return { grant: decodeGrant(bytes).grant, bytes };
  });
  const card = (terminal.wallet ?? expect.unreachable('an emulated terminal has a wallet')).loadCard(cardName);
  const ctx = { layout: defaultLayout(), keys: createFileKeyStore(office.keysDir) };
  const written = await issueCard(createEmulatorChannel(card, `counter:${cardName}`), ctx, grants, { cardId });
  expect(written.programmes.map((p) => p.action)).toEqual(['added']);
  await call(`/orders/${answer.orderId}/written`, { station: STATION, cardId, ok: true });
}

async function terminalApi(terminal: RunningTerminal, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${terminal.url}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${TERMINAL_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, path).toBeLessThan(300);
  return res.json() as Promise<Record<string, unknown>>;
}

async function signIn(page: Page, url: string, username: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', PASSWORD);
  await page.click('form[action="/login"] button[type="submit"]');
  await page.waitForURL(`${url}/`);
}

async function download(page: Page, link: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(link)]);
  return readFileSync((await file.path()) ?? expect.unreachable('the download was saved'));
}

describe.each(['sqlite', 'postgres'] as const)('the office in the browser on %s', (kind) => {
  const prefix = `fa-e2e-${randomBytes(4).toString('hex')}`;
  const schema = `fa_e2e_${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), `fa-office-e2e-${kind}-`));
  let office: RunningOffice;
  let terminal: RunningTerminal;
  let page: Page;
  let errors: string[];
  const cardId = newCardId((n) => randomBytes(n));
  let rideId = '';

  beforeAll(async () => {
    await requireLocalBroker();
    const config = parseOfficeConfig({
      org: ORG,
      orgName: 'テスト市',
      dataDir: join(dir, 'office'),
      http: { port: 0 },
      store: kind === 'sqlite' ? { kind: 'sqlite' } : { kind: 'postgres', url: TEST_POSTGRES_URL, schema },
      broker: { url: LOCAL_BROKER.url, prefix },
      registry: {
        companies: [{ company: 'test-taxi', name: 'テスト交通' }],
        terminals: [
          { terminal: TAXI, kind: 'taxi', company: 'test-taxi', label: 'テスト車両 1' },
          { terminal: STATION, kind: 'counter', label: '本庁舎 窓口1' },
        ],
      },
      counter: { stations: { [STATION]: COUNTER_TOKEN } },
    });
    office = await startOffice(config, { logger: pino({ level: 'silent' }), scrypt: TEST_SCRYPT });
    for (const [username, role] of [['tanaka', 'clerk'], ['suzuki', 'supervisor']] as const) {
      await office.staff.accounts.create({ username, displayName: username === 'tanaka' ? '田中 窓口' : '鈴木 係長', role, password: PASSWORD }, Date.now());
    }
    terminal = await startTerminal(
      parseTerminalConfig({
        terminal: { id: TAXI, org: ORG, company: 'test-taxi' },
        dataDir: join(dir, 'taxi'),
        http: { port: 0, token: TERMINAL_TOKEN },
        reader: { kind: 'emulator', demoCards: false },
        card: { keys: office.keysDir },
        sync: { url: LOCAL_BROKER.url, prefix },
        log: { level: 'silent' },
      }),
      { logger: pino({ level: 'silent' }) },
    );
    const keys = createFileKeyStore(office.keysDir);
    terminal.wallet?.save('resident-card', blankCardForLayout(defaultLayout(), keys, cardId, { label: '前橋 太郎のカード' }));
    const context = await (await browser()).newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP', acceptDownloads: true });
    page = await context.newPage();
    errors = collectPageErrors(page);
  });

  afterAll(async () => {
    await page?.context().close();
    await terminal?.close();
    await office?.close();
    await clearRetained(LOCAL_BROKER.url, await retainedUnder(prefix));
    if (kind === 'postgres') await dropSchema(TEST_POSTGRES_URL, schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets a clerk sign in, register a resident and order a card at the counter, which the station writes', async () => {
    await page.goto(`${office.url}/`);
    expect(page.url()).toContain('/login?next=%2F');
    await signIn(page, office.url, 'tanaka');
    await page.goto(`${office.url}/residents/new`);
    await page.fill('input[name="residentNo"]', 'R-1001');
    await page.fill('input[name="name"]', '前橋 太郎');
    await page.fill('input[name="nameKana"]', 'まえばし たろう');
    await page.fill('input[name="address"]', '前橋市大手町二丁目12-1');
    await page.selectOption('select[name="eligibility"]', 'age-75-plus');
    await page.click('form[action="/residents"] button[type="submit"]');
    await page.waitForURL(/\/residents\/\d+$/);
    await page.click('text=カードへの交付');
    await page.selectOption('select[name="kind"]', 'new');
    await page.selectOption('select[name="programmeId"]', '102016-1');
    await page.selectOption('select[name="station"]', STATION);
    await page.click('form[action="/issue"] button[type="submit"]');
    await page.waitForURL(/\/issue\/orders\/\d+$/);
    expect(await page.textContent('main')).toContain('カード待ち');

    await counterStation(office, terminal, 'resident-card', cardId);
    await expect.poll(async () => (await page.reload(), await page.textContent('main')), { timeout: 10_000 }).toContain('書き込み完了');
    expect(await page.textContent('main')).toContain(cardId);
  });

  it('takes a ride paid with the card at the taxi terminal to the dashboard', async () => {
    await terminalApi(terminal, '/api/taxi/ride', { fareYen: 2400 });
    const tap = await terminalApi(terminal, '/api/emulator/tap', { card: 'resident-card' });
    expect(tap).toMatchObject({ kind: 'accepted', subsidyYen: 1000 });
    const closed = (await terminalApi(terminal, '/api/taxi/ride/close', {})) as { ride?: { ride?: { rideId?: string } } };
    rideId = closed.ride?.ride?.rideId ?? '';
    expect(rideId).not.toBe('');
    await expect.poll(async () => office.store.eventCount(TAXI), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await page.goto(`${office.url}/`), await page.textContent('main')), { timeout: 20_000 }).toMatch(/本日の乗車\s*Rides today\s*1 回/);
    expect(await page.textContent('main')).toContain('¥1,000');
    await page.screenshot({ path: `${SHOTS}/office-overview-${kind}.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('lets a supervisor find the ride in the payment CSV and the detail CSV', async () => {
    await page.click('form[action="/logout"] button');
    await page.waitForURL(`${office.url}/login`);
    await signIn(page, office.url, 'suzuki');
    await page.click('nav >> text=事業者・精算');
    const row = page.locator('tbody tr', { hasText: 'テスト交通' });
    expect(await row.textContent()).toMatch(/テスト交通[\s\S]*1[\s\S]*¥1,000/);
    await page.screenshot({ path: `${SHOTS}/office-companies-${kind}.png`, fullPage: true });
    const payment = await download(page, 'text=支払CSVをダウンロード');
    expect([...payment.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const month = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 7);
    expect(payment.toString('utf8')).toContain(`${month},test-taxi,テスト交通,1,1,1000,1,0,2400`);
    await row.locator('text=明細書').click();
    expect(await page.textContent('main')).toContain('精算明細書');
    const detail = await download(page, 'text=明細CSV');
    expect(detail.toString('utf8')).toContain(rideId);
    expect(errors).toEqual([]);
  });
});

/** Topics under `prefix` that hold a retained message. */
async function retainedUnder(prefix: string): Promise<string[]> {
  const client = await connectAsync(LOCAL_BROKER.url, { protocolVersion: 5 });
  const topics = new Set<string>();
  client.on('message', (topic, payload, packet) => {
    if (packet.retain && payload.length > 0) topics.add(topic);
  });
  await client.subscribeAsync(`${prefix}/#`, { qos: 1 });
  await new Promise((r) => setTimeout(r, 500));
  await client.endAsync();
  return [...topics];
}
