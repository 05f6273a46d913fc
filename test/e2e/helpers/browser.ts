import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a closed network: without the background-networking ones Chromium keeps trying
 * to reach Google's services and floods the network the tests run in.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts headless Chromium through playwright-core. Each launch gets a fresh temporary profile
 * (Playwright creates the user data dir and removes it on close). Fails, never skips, when
 * Chromium is missing: the browser tests are part of CI.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  try {
    return await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
  } catch (error) {
    throw new Error(`Chromium at ${CHROMIUM_PATH} did not start (apt-get install chromium): ${(error as Error).message}`, { cause: error });
  }
}

/** Everything a page reported as wrong: uncaught exceptions and console errors. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  return errors;
}

/*
 * The project type-checks without the DOM library (nothing of ours runs in a browser but the
 * display's script, which is a string), so the in-page functions below name the little of the
 * DOM they use.
 */
interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly width: number;
  readonly height: number;
}
interface DomElement {
  readonly id: string;
  readonly className: unknown;
  readonly tagName: string;
  readonly textContent: string | null;
  readonly parentElement: DomElement | null;
  readonly offsetParent?: unknown;
  getBoundingClientRect(): Box;
  querySelectorAll(selector: string): Iterable<DomElement>;
}
interface DomWindow {
  readonly document: { readonly documentElement: { readonly clientWidth: number; readonly clientHeight: number } };
  readonly localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  getComputedStyle(el: DomElement): { readonly overflowX: string; readonly overflowY: string };
}

/** The value `key` has in the page's localStorage. */
export async function localStorageItem(page: Page, key: string): Promise<string | null> {
  return page.evaluate((k) => (globalThis as unknown as DomWindow).localStorage.getItem(k), key);
}

/** Puts `value` under `key` in localStorage before any page of the context runs its script. */
export async function presetLocalStorage(context: BrowserContext, key: string, value: string): Promise<void> {
  await context.addInitScript(([k, v]) => (globalThis as unknown as DomWindow).localStorage.setItem(k, v), [key, value] as const);
}

/** Visible elements matching `selector` smaller than `min` px in either direction, described. */
export async function smallTargets(page: Page, selector: string, min = 48): Promise<string[]> {
  return page.$$eval(
    selector,
    (elements, least) =>
      (elements as unknown as DomElement[])
        .filter((el) => el.offsetParent !== null)
        .map((el) => ({ el, box: el.getBoundingClientRect() }))
        .filter(({ box }) => box.width < least || box.height < least)
        .map(({ el, box }) => `${el.id || el.textContent?.trim().slice(0, 20)}: ${Math.round(box.width)}×${Math.round(box.height)}`),
    min,
  );
}

/**
 * Overflows, described: a `selector` element that leaves the viewport, or a visible element
 * inside one that sticks out of it by more than 2 px (text clipped or pushed off its panel).
 * What sits inside a scrolling box (overflow auto or scroll) is that box's business.
 */
export async function overflowing(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (elements) => {
    const win = globalThis as unknown as DomWindow;
    const slack = 2;
    const screen = { left: 0, top: 0, right: win.document.documentElement.clientWidth, bottom: win.document.documentElement.clientHeight };
    const name = (el: DomElement) => el.id || (typeof el.className === 'string' && el.className) || el.tagName.toLowerCase();
    const outside = (inner: Box, outer: Omit<Box, 'width' | 'height'>) =>
      inner.left < outer.left - slack || inner.top < outer.top - slack || inner.right > outer.right + slack || inner.bottom > outer.bottom + slack;
    const scrolls = (el: DomElement) => {
      const style = win.getComputedStyle(el);
      return /(auto|scroll)/.test(style.overflowX + style.overflowY);
    };
    const found: string[] = [];
    for (const container of elements as unknown as DomElement[]) {
      const box = container.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (outside(box, screen)) found.push(`${name(container)} leaves the screen`);
      for (const inner of container.querySelectorAll('*')) {
        const rect = inner.getBoundingClientRect();
        if (rect.width === 0 || rect.height === 0) continue;
        let parent = inner.parentElement;
        let scrolled = false;
        for (; parent && parent !== container; parent = parent.parentElement) if (scrolls(parent)) scrolled = true;
        if (!scrolled && outside(rect, box)) found.push(`${name(inner)} sticks out of ${name(container)}`);
      }
    }
    return found;
  });
}
