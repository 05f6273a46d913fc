/**
 * `fa demo` in headless Chromium: the whole city started in-process on free ports in a fresh
 * data directory. A supervisor signs in with the printed demo login; a taxi driver of the
 * second company opens a ride and a resident's card pays it; the ride reaches the office
 * through the embedded broker and shows on the overview and under its company; a security
 * guard's pass opens the gate's In reader; the counter station writes the card left waiting
 * for it. A second start on the same directory keeps the wallet and the login.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../src/demo/index.js';
import { TEST_SCRYPT } from '../../src/office/web/test-web.js';
import { collectPageErrors, launchChromium } from './helpers/browser.js';

const SHOTS = '.tmp';

let launched: Promise<Browser> | undefined;
const browser = () => (launched ??= launchChromium());

const urlOf = (demo: RunningDemo, id: string) => (demo.parts.find((p) => p.id === id) ?? expect.unreachable(`the demo has ${id}`)).url;

async function typeFare(page: Page, fare: string): Promise<void> {
  for (const digit of fare) await page.click(`.keypad button[data-key="${digit}"]`);
}

describe('the demo city', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fa-demo-e2e-'));
  const options = { dataDir: dir, portBase: 0, scrypt: TEST_SCRYPT, logger: pino({ level: 'silent' }) };
  let demo: RunningDemo;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    demo = await startDemo(options);
    // A figure to read, not a bound to assert: speed targets belong to the benchmark.
    process.stdout.write(`demo ready in ${Math.round(demo.startupMs)} ms (first start, ${demo.seeded.length} cards issued)\n`);
    const context = await (await browser()).newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
    page = await context.newPage();
    errors = collectPageErrors(page);
  });

  afterAll(async () => {
    await page?.context().close();
    await (await launched?.catch(() => undefined))?.close();
    await demo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints every part with its URL and a supervisor login, and fills the shared wallet on first start', () => {
    expect(demo.parts.map((p) => p.kind)).toEqual(['office', 'taxi', 'taxi', 'gate', 'counter']);
    for (const p of demo.parts) expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new Set(demo.parts.map((p) => p.url)).size).toBe(demo.parts.length);
    expect(demo.login).toMatchObject({ username: 'demo', role: 'supervisor' });
    expect(demo.seeded).toEqual(expect.arrayContaining(['maebashi-taro', 'ome-ichiro', 'new-card', 'staff-1', 'staff-2', 'visitor']));
  });

  it('signs the supervisor in to the office dashboard with the demo login', async () => {
    await page.goto(`${demo.office.url}/`);
    expect(page.url()).toContain('/login');
    await page.fill('input[name="username"]', demo.login.username);
    await page.fill('input[name="password"]', demo.login.password);
    await page.click('form[action="/login"] button[type="submit"]');
    await page.waitForURL(`${demo.office.url}/`);
    expect(await page.textContent('main')).toMatch(/本日の乗車\s*Rides today\s*0 回/);
  });

  it("pays a ride at the second company's taxi with a resident's card, which reaches the overview", async () => {
    const taxi = await page.context().newPage();
    const taxiErrors = collectPageErrors(taxi);
    await taxi.goto(`${urlOf(demo, 'taxi-demo-2')}/`);
    await expect.poll(() => taxi.locator('.card[data-card="maebashi-taro"]').count()).toBe(1);
    await typeFare(taxi, '2400');
    await taxi.click('#btn-open');
    await expect.poll(() => taxi.locator('#result').innerText()).toContain('カードをかざしてください');
    await taxi.click('.card[data-card="maebashi-taro"]');
    await expect.poll(() => taxi.locator('#result').getAttribute('class')).toContain(' ok');
    expect(await taxi.locator('#result').innerText()).toMatch(/OK[\s\S]*助成 ¥1,000/);
    await taxi.screenshot({ path: `${SHOTS}/demo-taxi.png` });
    await taxi.click('#btn-close');
    await expect.poll(() => taxi.locator('#result').innerText()).toContain('現金 ¥1,400 を受け取ってください');
    expect(taxiErrors).toEqual([]);
    await taxi.close();

    await expect.poll(async () => (await page.goto(`${demo.office.url}/`), await page.textContent('main')), { timeout: 20_000 }).toMatch(/本日の乗車\s*Rides today\s*1 回/);
    expect(await page.textContent('main')).toContain('¥1,000');
    await expect.poll(async () => (await page.reload(), await page.textContent('main')), { timeout: 10_000 }).toMatch(/Terminals online\s*4 \/ 4/);
    await page.screenshot({ path: `${SHOTS}/demo-dashboard.png`, fullPage: true });
    await page.click('nav >> text=事業者・精算');
    expect(await page.locator('tbody tr', { hasText: 'さくら交通' }).textContent()).toMatch(/さくら交通[\s\S]*1[\s\S]*¥1,000/);
  });

  it("opens the gate's In reader for a security guard's pass", async () => {
    const gate = await page.context().newPage();
    const gateErrors = collectPageErrors(gate);
    await gate.goto(`${urlOf(demo, 'gate-demo-1')}/`);
    const hold = gate.locator('button[data-card="staff-2"][data-reader="Gate In"]');
    await expect.poll(() => hold.count()).toBe(1);
    await hold.click();
    await expect.poll(() => gate.locator('#taps li.tap').first().getAttribute('data-result')).toBe('ok');
    expect(await gate.locator('#taps li.tap').first().innerText()).toContain('Gate In');
    await gate.screenshot({ path: `${SHOTS}/demo-gate.png`, fullPage: true });
    expect(gateErrors).toEqual([]);
    await gate.close();
  });

  it('writes the card waiting at the counter station when it is held there, and then it pays a ride', async () => {
    const counter = await page.context().newPage();
    const counterErrors = collectPageErrors(counter);
    await counter.goto(`${urlOf(demo, 'counter-1')}/`);
    await expect.poll(() => counter.locator('#orders li').innerText()).toContain('102016-1');
    await counter.click('li[data-card="new-card"] button');
    await expect.poll(() => counter.locator('#result').getAttribute('class')).toBe('ok');
    expect(await counter.locator('#result').innerText()).toContain('書き込み完了');
    await expect.poll(() => counter.locator('li[data-card="new-card"]').innerText()).toContain('102016-1');
    await counter.screenshot({ path: `${SHOTS}/demo-counter.png`, fullPage: true });
    expect(counterErrors).toEqual([]);
    await counter.close();

    const taxi = urlOf(demo, 'taxi-demo-1');
    const token = (demo.terminals[0] ?? expect.unreachable('a taxi')).token;
    const post = (path: string, body: unknown) => fetch(`${taxi}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/api/taxi/ride', { fareYen: 1800 })).status).toBeLessThan(300);
    expect(await (await post('/api/emulator/tap', { card: 'new-card' })).json()).toMatchObject({ kind: 'accepted', subsidyYen: 900 });
    expect(errors).toEqual([]);
  });

  it('keeps the wallet and the login on a second start in the same directory', async () => {
    const { login } = demo;
    await demo.close();
    demo = await startDemo(options);
    process.stdout.write(`demo ready in ${Math.round(demo.startupMs)} ms (second start)\n`);
    expect(demo.seeded).toEqual([]);
    expect(demo.login.password).toBe(login.password);
    expect(await demo.office.staff.accounts.authenticate('demo', login.password)).toMatchObject({ role: 'supervisor' });
  });
});
