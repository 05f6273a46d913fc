/**
 * The driver display in headless Chromium. First the page alone, served by a small Hono app
 * that answers the display's API the way the terminal documents it; then the page served by
 * a real terminal with emulated readers and the demo wallet.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDriverDisplay } from '../../src/apps/taxi-ticket/display/index.js';
import { parseTerminalConfig } from '../../src/terminal/config.js';
import { DEMO_CARDS } from '../../src/terminal/demo-wallet.js';
import { startTerminal, type RunningTerminal } from '../../src/terminal/start.js';
import { collectPageErrors, launchChromium, localStorageItem, overflowing, presetLocalStorage, smallTargets } from './helpers/browser.js';

const SCREENS = [
  { width: 800, height: 480 },
  { width: 1024, height: 600 },
] as const;
/** Boxes that must fit their content and the screen; the card row and rider list scroll on purpose. */
const LAYOUT = '.status-line, main, .left, .controls, #result, #ride, .sums, .keypad, .actions, .readout, #emulator';

/** Screenshots for people to look at; .tmp/ is not in git. */
const SHOTS = '.tmp';

// Launched by the first test that needs it, so a missing Chromium fails every test with
// its message instead of failing a hook and reporting the tests as skipped.
let launched: Promise<Browser> | undefined;
const browser = () => (launched ??= launchChromium());
beforeAll(() => {
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await (await launched?.catch(() => undefined))?.close();
});

async function newContext(viewport: { width: number; height: number }): Promise<BrowserContext> {
  return (await browser()).newContext({ viewport });
}

async function listen(app: Hono): Promise<{ url: string; close(): Promise<void> }> {
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const result = (page: Page) => page.locator('#result');

async function typeFare(page: Page, fare: string): Promise<void> {
  for (const digit of fare) await page.click(`.keypad button[data-key="${digit}"]`);
}

async function checkLayout(page: Page): Promise<void> {
  expect(await overflowing(page, LAYOUT)).toEqual([]);
  expect(await smallTargets(page, 'button')).toEqual([]);
}

describe('the driver display page on its own', () => {
  const TOKEN = 'page-token';
  const MESSAGE = { ja: 'このカードはこの乗車で利用済みです', en: 'This card has already been used for this ride' };
  const common = { cardId: '0123456789ABCDEF', atMs: 0, timings: {}, apdus: 4, resolved: [] };
  const outcomes = [
    {
      ...common, kind: 'accepted', atMs: 1, programmeId: '102016-1', programmeName: { ja: '前橋市 マイタク', en: 'Maebashi MyTaku' },
      unit: 'coupon', units: 1, subsidyYen: 1000, remaining: { units: 69, todayUses: 1, monthUnits: null },
      ride: { riders: [], totalSubsidyYen: 1000, cashToCollectYen: 1340 }, confirmedEarlierWrite: false,
    },
    { ...common, kind: 'rejected', atMs: 2, reason: 'already-in-ride', message: MESSAGE },
    { ...common, kind: 'in-doubt', atMs: 3, message: { ja: 'もう一度カードをかざしてください', en: 'Hold the card again' }, detail: 'card left' },
  ];
  let served: { url: string; close(): Promise<void> };
  let view: unknown = null;
  const pending = [...outcomes];

  beforeAll(async () => {
    const app = new Hono();
    app.get('/', (c) => c.html(renderDriverDisplay({ terminalId: 'T-PAGE-01', token: null, emulator: true })));
    app.get('/status', (c) => c.json({ readers: [{ name: 'emulator', present: true }], journal: { backlog: 3 }, sync: { online: false } }));
    app.get('/api/taxi/ride', (c) => c.json({ ride: view }));
    app.post('/api/taxi/ride', async (c) => {
      if (c.req.header('Authorization') !== `Bearer ${TOKEN}`) return c.json({ error: 'unauthorized' }, 401);
      const { fareYen } = await c.req.json<{ fareYen: number }>();
      const ride = { rideId: 'r1', status: 'open', fareYen, riders: [], openedAtMs: 0, closedAtMs: null, events: [] };
      view = { ride, summary: { riders: [], totalSubsidyYen: 0, cashToCollectYen: fareYen } };
      return c.json({ ride: view }, 201);
    });
    app.get('/api/emulator/cards', (c) =>
      c.json({ cards: [{ name: 'maebashi-1', label: '前橋市 マイタク (120回)', cardId: common.cardId, programmes: [{ programmeId: '102016-1', unit: 'coupon', remaining: 70 }] }] }),
    );
    app.post('/api/emulator/tap', (c) => c.json(pending.shift() ?? outcomes[1]));
    served = await listen(app);
  });
  afterAll(async () => {
    await served?.close();
  });

  it('fits 800×480 and 1024×600 with every touch target at least 48 px and no script error', async () => {
    for (const viewport of SCREENS) {
      const context = await newContext(viewport);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await page.goto(served.url);
      await page.locator('#token-input').fill(TOKEN);
      await page.locator('#token-form button').click();
      await expect.poll(() => page.locator('#st-reader').textContent()).toContain('リーダー接続');
      await checkLayout(page);
      expect(await page.getAttribute('html', 'lang')).toBe('ja');
      expect(await result(page).getAttribute('role')).toBe('status');
      expect(await result(page).getAttribute('aria-live')).toBe('assertive');
      expect(errors.filter((e) => !e.includes('/api/events') && !e.includes('404'))).toEqual([]);
      await context.close();
    }
  });

  it('asks for the token once, keeps it in localStorage and sends it with the ride it opens', async () => {
    const context = await newContext(SCREENS[0]);
    const page = await context.newPage();
    await page.goto(served.url);
    await expect.poll(() => page.locator('#token-dialog').isVisible()).toBe(true);
    await page.locator('#token-input').fill('wrong');
    await page.locator('#token-form button').click();
    await typeFare(page, '2340');
    expect(await page.locator('#fare-readout').textContent()).toBe('¥2,340');
    await page.click('#btn-open');
    await expect.poll(() => page.locator('#token-error').isVisible()).toBe(true);
    await page.locator('#token-input').fill(TOKEN);
    await page.locator('#token-form button').click();
    await page.click('#btn-open');
    await expect.poll(() => result(page).textContent()).toContain('カードをかざしてください');
    // The answer to the tap shows at once; the ride's buttons follow with the page's next state.
    await expect.poll(() => page.locator('#ride-fare').textContent()).toBe('¥2,340');
    await expect.poll(() => page.locator('#btn-open').isDisabled()).toBe(true);
    await expect.poll(() => page.locator('#btn-cancel').isEnabled()).toBe(true);
    await page.reload();
    await expect.poll(() => page.locator('#ride-fare').textContent()).toBe('¥2,340');
    expect(await page.locator('#token-dialog').isVisible()).toBe(false);
    expect(await localStorageItem(page, 'fa.taxi.token.T-PAGE-01')).toBe(TOKEN);
    await context.close();
  });

  it('shows an accepted tap in green, a refused one in red with its reason, and asks again when in doubt', async () => {
    const context = await newContext(SCREENS[0]);
    await presetLocalStorage(context, 'fa.taxi.token.T-PAGE-01', TOKEN);
    const page = await context.newPage();
    await page.goto(served.url);
    const card = page.getByRole('button', { name: /前橋市 マイタク/ });
    await card.click();
    await expect.poll(() => result(page).getAttribute('class')).toContain('ok');
    const accepted = await result(page).innerText();
    for (const text of ['承認', 'OK', '助成 ¥1,000', '残り 69回', '本日あと 1回']) expect(accepted).toContain(text);
    await page.screenshot({ path: `${SHOTS}/driver-display-page-ok.png` });
    await checkLayout(page);
    await card.click();
    await expect.poll(() => result(page).getAttribute('class')).toContain('ng');
    expect(await result(page).innerText()).toContain(MESSAGE.ja);
    expect(await result(page).locator('[lang="en"]').allInnerTexts()).toContain(MESSAGE.en);
    await page.screenshot({ path: `${SHOTS}/driver-display-page-ng.png` });
    await card.click();
    await expect.poll(() => result(page).getAttribute('class')).toContain('again');
    expect(await result(page).innerText()).toContain('Hold the card again');
    await context.close();
  });
});

describe('the driver display in front of a running terminal', () => {
  const TOKEN = 'display-test-token-0123456789';
  let dir: string;
  let terminal: RunningTerminal;
  let served: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fa-display-'));
    const config = parseTerminalConfig({ dataDir: dir, http: { port: 0, token: TOKEN }, log: { level: 'silent' } });
    terminal = await startTerminal(config, { listen: false });
    // The page at /, everything else answered by the terminal itself (API, SSE, emulator).
    const app = new Hono();
    app.get('/', (c) => c.html(renderDriverDisplay({ terminalId: config.terminal.id, token: null, emulator: true })));
    app.all('*', (c) => terminal.http.fetch(c.req.raw));
    served = await listen(app);
  });
  afterAll(async () => {
    await served?.close();
    await terminal?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const card = (page: Page, name: string) => page.locator(`.card[data-card="${name}"]`);

  it('opens a ride from the keypad, accepts a virtual card with its subsidy and allowance, refuses the same card and an expired one, corrects the fare and settles', async () => {
    const driver = await (await newContext(SCREENS[0])).newPage();
    const watcher = await (await newContext(SCREENS[1])).newPage();
    const driverErrors = collectPageErrors(driver);
    await Promise.all([driver.goto(served.url), watcher.goto(served.url)]);
    await driver.locator('#token-input').fill(TOKEN);
    await driver.locator('#token-form button').click();
    await expect.poll(() => driver.locator('#st-reader').innerText()).toContain('リーダー接続');
    await expect.poll(() => driver.locator('.card').count()).toBe(DEMO_CARDS.length);

    await typeFare(driver, '2340');
    await driver.click('#btn-open');
    await expect.poll(() => driver.locator('#result').innerText()).toContain('カードをかざしてください');
    await expect.poll(() => watcher.locator('#ride-fare').textContent()).toBe('¥2,340');

    await card(driver, 'maebashi-1').click();
    await expect.poll(() => result(driver).getAttribute('class')).toContain(' ok');
    const accepted = await result(driver).innerText();
    for (const text of ['承認', 'OK', '前橋市 マイタク', '助成 ¥1,000', '残り 119回', '本日あと 1回']) expect(accepted).toContain(text);
    await expect.poll(() => driver.locator('#ride-cash').textContent()).toBe('¥1,340');
    expect(await driver.locator('#ride-subsidy').textContent()).toBe('¥1,000');
    await expect.poll(() => card(driver, 'maebashi-1').innerText()).toContain('残り 119回');
    await expect.poll(() => result(watcher).getAttribute('class')).toContain(' ok');
    await expect.poll(() => driver.locator('#btn-cancel').isDisabled()).toBe(true);
    await driver.screenshot({ path: `${SHOTS}/driver-display.png` });
    await checkLayout(driver);
    await checkLayout(watcher);

    await card(driver, 'maebashi-1').click();
    await expect.poll(() => result(driver).getAttribute('class')).toContain(' ng');
    expect(await result(driver).innerText()).toContain('このカードはこの乗車で利用済みです');
    await driver.screenshot({ path: `${SHOTS}/driver-display-ng.png` });
    await card(driver, 'expired').click();
    await expect.poll(() => result(driver).innerText()).toContain('利用期間が終了しています');
    expect(await result(driver).getAttribute('class')).toContain(' ng');
    await expect.poll(() => result(watcher).innerText()).toContain('The grant has expired');

    await typeFare(driver, '3000');
    await driver.click('#btn-fare');
    await expect.poll(() => result(driver).innerText()).toContain('運賃を ¥3,000 に訂正しました');
    await expect.poll(() => watcher.locator('#ride-cash').textContent()).toBe('¥2,000');
    await expect.poll(() => driver.locator('#ride-fare').textContent()).toBe('¥3,000');

    await driver.click('#btn-close');
    await expect.poll(() => result(driver).innerText()).toContain('現金 ¥2,000 を受け取ってください');
    await expect.poll(() => watcher.locator('#ride-state').innerText()).toContain('精算済み');
    await expect.poll(() => driver.locator('#btn-open').isEnabled()).toBe(true);
    expect(driverErrors).toEqual([]);
    await Promise.all([driver.context().close(), watcher.context().close()]);
  });
});
