/**
 * Every page of the office dashboard in headless Chromium, on a desktop and a narrow
 * screen: no script error and no Content-Security-Policy violation (all assets are the
 * office's own), nothing wider than the screen, Japanese as the page language, and the
 * statement printable without the navigation. Screenshots go to .tmp/ for people to look at.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jst, wireJournal } from '../../src/office/domain/test-support.js';
import { openTestWeb } from '../../src/office/web/test-web.js';
import type { Signed, TestWeb } from '../../src/office/web/test-web.js';
import { collectPageErrors, launchChromium } from './helpers/browser.js';

const SHOTS = '.tmp';
const SCREENS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'narrow', width: 390, height: 844 },
] as const;

let launched: Promise<Browser> | undefined;
const browser = () => (launched ??= launchChromium());
let t: TestWeb;
let server: ServerType;
let url: string;
let supervisor: Signed;
let auditor: Signed;
let residentId = '';

interface DomWindow {
  readonly document: { readonly documentElement: { readonly scrollWidth: number; readonly clientWidth: number; readonly lang: string } };
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  t = await openTestWeb({ start: jst('2025-04-10 10:00') });
  await t.domain.registry.seed({
    companies: [{ company: 'akagi-kotsu', name: '赤城交通' }, { company: 'tone-taxi', name: '利根タクシー' }],
    terminals: [{ terminal: 'taxi-7', kind: 'taxi', company: 'akagi-kotsu', label: '7号車' }, { terminal: 'counter-1', kind: 'counter', label: '本庁舎 窓口1' }],
  });
  const j = wireJournal('taxi-7', 'test-city');
  for (let day = 1; day <= 10; day += 1) {
    for (let n = 0; n < (day % 4) + 1; n += 1) {
      const subsidyYen = 500 + ((day * 7 + n * 13) % 6) * 100;
      j.append('ride-closed', { rideId: `taxi-7-${day}-${n}`, riders: [{ cardId: `C0000000000000${String(day).padStart(2, '0')}`, programmeId: '102016-1', units: 1, subsidyYen }], totalSubsidyYen: subsidyYen, cashToCollectYen: 900 }, jst(`2025-04-${String(day).padStart(2, '0')} 0${n + 1}:15`));
    }
  }
  await t.store.ingestBatch(j.batch(), t.now());
  await t.store.recordAnomaly({ terminal: 'taxi-7', org: 'test-city', kind: 'card-rewound', seq: 12, fingerprint: 'x', detail: { cardId: 'C000000000000003', usedBefore: 5, usedAfter: 3 }, detectedAt: t.now() - 3_600_000 });
  const resident = await t.domain.residents.create({ residentNo: 'R-0001', name: '前橋 花子', nameKana: 'まえばし はなこ', address: '前橋市大手町1-1', eligibility: 'age-75-plus' });
  residentId = resident.kind === 'ok' ? String(resident.resident.id) : '';
  supervisor = await t.signIn('supervisor', 'suzuki');
  auditor = await t.signIn('auditor', 'kansa');
  server = await new Promise((resolve) => {
    const s = serve({ fetch: t.web.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await (await launched?.catch(() => undefined))?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await t?.close();
});

async function signedContext(who: Signed, screen: (typeof SCREENS)[number]): Promise<BrowserContext> {
  const context = await (await browser()).newContext({ viewport: { width: screen.width, height: screen.height }, locale: 'ja-JP' });
  const [name, value] = who.cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url, httpOnly: true, sameSite: 'Strict' }]);
  return context;
}

const PAGES = () => [
  ['overview', '/'],
  ['companies', '/companies?month=2025-04'],
  ['statement', '/companies/akagi-kotsu/statement?month=2025-04'],
  ['rides', '/companies/akagi-kotsu/rides?month=2025-04'],
  ['anomalies', '/anomalies'],
  ['anomaly', '/anomalies/1'],
  ['search', '/cards?q=%E8%8A%B1%E5%AD%90'],
  ['resident', `/residents/${residentId}`],
  ['issue', `/issue?resident=${residentId}`],
  ['revoke', '/revoke'],
  ['months', '/months'],
  ['attendance', '/attendance?from=2025-04-10'],
  ['terminals', '/terminals'],
  ['registry', '/registry'],
  ['resident-edit', `/residents/${residentId}/edit`],
  ['account', '/account'],
  ['not-found', '/no-such-page'],
] as const;

describe('every dashboard page', () => {
  for (const screen of SCREENS) {
    it(`renders without errors and fits a ${screen.name} screen (${screen.width} px)`, async () => {
      const context = await signedContext(supervisor, screen);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      for (const [name, path] of PAGES()) {
        const res = await page.goto(`${url}${path}`);
        expect(res?.status(), path).toBe(name === 'not-found' ? 404 : 200);
        const size = await page.evaluate(() => {
          const root = (globalThis as unknown as DomWindow).document.documentElement;
          return { scroll: root.scrollWidth, client: root.clientWidth, lang: root.lang };
        });
        expect(size.scroll, `${path} is wider than the screen`).toBeLessThanOrEqual(size.client + 1);
        expect(size.lang).toBe('ja');
        await page.screenshot({ path: `${SHOTS}/office-page-${name}-${screen.name}.png`, fullPage: true });
      }
      expect(errors.filter((e) => !e.includes('/no-such-page'))).toEqual([]);
      await context.close();
    });
  }

  it('shows the audit log to an auditor, and the login page to a visitor', async () => {
    const context = await signedContext(auditor, SCREENS[0]);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${url}/payments.csv?month=2025-04`).catch(() => undefined);
    await page.goto(`${url}/audit`);
    expect(await page.textContent('main')).toContain('支払CSV出力');
    await page.screenshot({ path: `${SHOTS}/office-page-audit-desktop.png`, fullPage: true });
    await context.clearCookies();
    await page.goto(`${url}/`);
    expect(page.url()).toContain('/login');
    await page.screenshot({ path: `${SHOTS}/office-page-login-desktop.png` });
    expect(errors.filter((e) => !e.includes('net::ERR_ABORTED'))).toEqual([]);
    await context.close();
  });

  it('prints the statement without the navigation', async () => {
    const context = await signedContext(supervisor, SCREENS[0]);
    const page = await context.newPage();
    await page.goto(`${url}/companies/akagi-kotsu/statement?month=2025-04`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav').isVisible()).toBe(false);
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(await page.locator('.statement').isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/office-page-statement-print.png`, fullPage: true });
    await context.close();
  });
});
