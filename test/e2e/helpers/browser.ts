import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

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
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** Elements matching `selector` whose box is smaller than `min` px in either direction, described. */
export async function smallTargets(page: Page, selector: string, min = 48): Promise<string[]> {
  return page.$$eval(
    selector,
    (elements, least) =>
      elements
        .filter((el) => (el as HTMLElement).offsetParent !== null)
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
  return page.$$eval(selector, (containers) => {
    const slack = 2;
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    const name = (el: Element) => el.id || (typeof el.className === 'string' && el.className) || el.tagName.toLowerCase();
    const outside = (inner: DOMRect, outer: { left: number; top: number; right: number; bottom: number }) =>
      inner.left < outer.left - slack || inner.top < outer.top - slack || inner.right > outer.right + slack || inner.bottom > outer.bottom + slack;
    const scrolls = (el: Element) => /(auto|scroll)/.test(getComputedStyle(el).overflowX + getComputedStyle(el).overflowY);
    const found: string[] = [];
    for (const container of containers) {
      const box = container.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (outside(box, { left: 0, top: 0, right: vw, bottom: vh })) found.push(`${name(container)} leaves the screen`);
      for (const inner of container.querySelectorAll('*')) {
        const rect = inner.getBoundingClientRect();
        if (rect.width === 0 || rect.height === 0) continue;
        let parent = inner.parentElement;
        let scrolled = false;
        while (parent && parent !== container) {
          if (scrolls(parent)) scrolled = true;
          parent = parent.parentElement;
        }
        if (!scrolled && outside(rect, box)) found.push(`${name(inner)} sticks out of ${name(container)}`);
      }
    }
    return found;
  });
}
