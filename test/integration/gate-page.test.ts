import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTerminalConfig } from '../../src/terminal/config.js';
import { startTerminal, type RunningTerminal } from '../../src/terminal/start.js';
import { collectPageErrors, launchChromium } from '../e2e/helpers/browser.js';

/**
 * The gate's status page in headless Chromium in front of a gate terminal on emulated readers:
 * virtual cards held to the In and Out readers from the page, OK and NG with the reason shown
 * on the page that tapped and, live over SSE, on a second one; a manual release and a
 * simulated door opening. The terminal's clock is a Tuesday at noon, Japan time.
 */
const TOKEN = 'gate-page-test-token-0123456789abcdef';
const TUESDAY_NOON = Date.parse('2026-12-01T12:00:00+09:00');
let nowMs = TUESDAY_NOON;

let browser: Browser;
let dir: string;
let terminal: RunningTerminal;
let server: ServerType;
let url: string;

beforeAll(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'fa-gate-page-'));
  const config = parseTerminalConfig({ dataDir: dir, http: { port: 0, token: TOKEN }, app: { kind: 'gate' }, log: { level: 'silent' } });
  terminal = await startTerminal(config, { listen: false, now: () => nowMs });
  server = await new Promise((resolve) => {
    const s = serve({ fetch: (request) => terminal.http.fetch(request), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => {
    if (!server) return resolve();
    if ('closeAllConnections' in server) server.closeAllConnections();
    server.close(() => resolve());
  });
  await terminal?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const hold = (page: Page, card: string, reader: 'Gate In' | 'Gate Out') => page.locator(`button[data-card="${card}"][data-reader="${reader}"]`).click();
const lastTap = (page: Page) => page.locator('#taps li').first();

describe('The gate status page', () => {
  it('holds virtual cards to the In and Out readers and shows OK or NG with the reason, live on a second screen too', async () => {
    const gate = await browser.newPage();
    const watcher = await browser.newPage();
    const errors = [...collectPageErrors(gate), ...collectPageErrors(watcher)];
    await Promise.all([gate.goto(url), watcher.goto(url)]);
    await expect.poll(() => gate.locator('#doors').innerText()).toContain('施錠 Locked');
    await expect.poll(() => gate.locator('#readers li').count()).toBe(2);
    await expect.poll(() => gate.locator('#cards .card').count()).toBe(5);
    await expect.poll(() => watcher.locator('#st-link').isHidden()).toBe(true);

    await hold(gate, 'staff-1', 'Gate In');
    await expect.poll(() => lastTap(gate).getAttribute('data-result')).toBe('ok');
    expect(await lastTap(gate).innerText()).toMatch(/OK[\s\S]*どうぞお入りください。[\s\S]*Please go in\.[\s\S]*Gate In · 入 In · 職員 Staff/);
    await expect.poll(() => lastTap(watcher).innerText()).toContain('どうぞお入りください。');
    await expect.poll(() => watcher.locator('#doors').innerText()).toContain('解錠中 Unlocked');

    await hold(gate, 'visitor', 'Gate In');
    await expect.poll(() => lastTap(gate).innerText()).toContain('残り 2 回 / 2 entries left');
    await hold(gate, 'staff-expired', 'Gate In');
    await expect.poll(() => lastTap(gate).getAttribute('data-result')).toBe('ng');
    expect(await lastTap(gate).innerText()).toMatch(/NG[\s\S]*入館証の有効期限が切れています。[\s\S]*The pass has expired\.[\s\S]*expired/);
    await expect.poll(() => lastTap(watcher).innerText()).toContain('The pass has expired.');
    await hold(gate, 'staff-1', 'Gate Out');
    await expect.poll(() => lastTap(gate).innerText()).toContain('お疲れさまでした。');
    await expect.poll(() => gate.locator('#taps li').count()).toBe(4);
    await expect.poll(() => watcher.locator('#taps li').count()).toBe(4);
    await expect.poll(() => gate.locator('#cards .card', { hasText: '来訪者証' }).innerText()).toContain('(1/3)');
    expect(errors).toEqual([]);
  });

  it('releases the door by hand and shows a simulated forced opening as an alarm', async () => {
    nowMs += 10 * 60_000;
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(url);
    await expect.poll(() => page.locator('#doors').innerText()).toContain('施錠 Locked');
    expect(await page.locator('#doors').innerText()).toContain('閉 Closed');
    await page.getByRole('button', { name: '扉を開ける Open (模擬 simulated)' }).click();
    await expect.poll(() => page.locator('#doors .badge.alarm').innerText()).toContain('こじ開け Door forced');
    await page.getByRole('button', { name: '扉を閉める Close (模擬 simulated)' }).click();
    await expect.poll(() => page.locator('#doors .badge.alarm').count()).toBe(0);
    await page.getByRole('button', { name: '手動解錠 Release' }).click();
    await expect.poll(() => page.locator('#doors').innerText()).toContain('解錠中 Unlocked');
    expect(terminal.journal.events({ type: 'door-released', limit: 5 })).toHaveLength(1);
    expect(terminal.journal.events({ type: 'door-forced', limit: 5 })).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
