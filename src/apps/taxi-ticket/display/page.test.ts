import { describe, expect, it } from 'vitest';
import { DISPLAY_CLIENT_SCRIPT } from './client.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { renderDriverDisplay } from './page.js';

const HOSTILE = `T-1</script><script>alert("x")</script>&'`;

function configOf(html: string): Record<string, unknown> {
  const match = /<script type="application\/json" id="display-config">(.*?)<\/script>/s.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match?.[1] ?? 'null') as Record<string, unknown>;
}

describe('renderDriverDisplay', () => {
  it('escapes the terminal ID wherever it appears and keeps the config parseable', () => {
    const html = renderDriverDisplay({ terminalId: HOSTILE, token: 'a"b</script>', emulator: false });
    expect(html).not.toContain('<script>alert');
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    const config = configOf(html);
    expect(config['terminalId']).toBe(HOSTILE);
    expect(config['token']).toBe('a"b</script>');
  });

  it('hands the token, or null so that the page asks for it, to the script', () => {
    expect(configOf(renderDriverDisplay({ terminalId: 'T', token: null, emulator: false }))['token']).toBeNull();
    expect(configOf(renderDriverDisplay({ terminalId: 'T', token: 's3cret', emulator: false }))['token']).toBe('s3cret');
  });

  it('puts Japanese first by default and English first when asked, each marked with its lang', () => {
    const ja = renderDriverDisplay({ terminalId: 'T', token: null, emulator: false });
    expect(ja).toContain('<html lang="ja">');
    expect(ja).toContain('<span class="pri" lang="ja">乗車開始</span><span class="sec" lang="en">Start ride</span>');
    const en = renderDriverDisplay({ terminalId: 'T', token: null, emulator: false, lang: 'en' });
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('<span class="pri" lang="en">Start ride</span><span class="sec" lang="ja">乗車開始</span>');
    expect(configOf(en)['lang']).toBe('en');
  });

  it('announces the result area assertively and uses buttons for every control', () => {
    const html = renderDriverDisplay({ terminalId: 'T', token: null, emulator: true });
    expect(html).toMatch(/id="result"[^>]*role="status"[^>]*aria-live="assertive"/);
    for (const id of ['btn-open', 'btn-close', 'btn-cancel', 'btn-fare']) expect(html).toMatch(new RegExp(`<button type="button" id="${id}"`));
    expect(html.match(/<button type="button" class="key"/g)).toHaveLength(12);
  });

  it('shows the virtual-card panel only with the emulator', () => {
    expect(renderDriverDisplay({ terminalId: 'T', token: null, emulator: true })).toContain('id="emulator-cards"');
    expect(renderDriverDisplay({ terminalId: 'T', token: null, emulator: false })).not.toContain('id="emulator-cards"');
  });

  it('loads nothing from outside: no external scripts, styles or fonts', () => {
    const html = renderDriverDisplay({ terminalId: 'T', token: null, emulator: true });
    expect(html).not.toMatch(/\bsrc=|@import|url\(|https?:\/\//);
    expect([...html.matchAll(/<link\b[^>]*>/g)].map((m) => m[0])).toEqual(['<link rel="icon" href="data:,">']);
  });

  it('ships a client script that parses as JavaScript', () => {
    expect(() => new Function(DISPLAY_CLIENT_SCRIPT)).not.toThrow();
    expect(DISPLAY_CLIENT_SCRIPT).not.toContain('</script');
    expect(DISPLAY_CLIENT_SCRIPT).not.toContain('innerHTML');
  });
});

describe('jsonForScript', () => {
  it('leaves no character that could end the script element or break its line', () => {
    const out = jsonForScript({ s: '</script><!-- & \u2028\u2029' });
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(out)).toEqual({ s: '</script><!-- & \u2028\u2029' });
  });
});
