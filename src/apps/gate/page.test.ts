import { describe, expect, it } from 'vitest';
import { renderGatePage } from './page.js';

const READERS = [
  { reader: 'Gate In', door: 'main', direction: 'in' as const },
  { reader: 'Gate Out', door: 'main', direction: 'out' as const },
];

function configIn(html: string): Record<string, unknown> {
  const match = /<script type="application\/json" id="gate-config">([\s\S]*?)<\/script>/.exec(html);
  if (match?.[1] === undefined) throw new Error('no gate-config in the page');
  return JSON.parse(match[1]) as Record<string, unknown>;
}

describe('The gate status page', () => {
  it('names the terminal, with doors, last taps and readers, Japanese first and English beneath', () => {
    const html = renderGatePage({ terminalId: 'gate-1', token: null, emulator: false, readers: READERS });
    expect(html).toMatch(/<html lang="ja">/);
    expect(html).toMatch(/<title>ゲート Gate gate-1<\/title>/);
    expect(html).toMatch(/扉<span class="sec">Doors<\/span>/);
    expect(html).toMatch(/最近のタッチ<span class="sec">Last taps<\/span>/);
    expect(html).not.toMatch(/id="cards"/);
    expect(configIn(html)).toEqual({ terminalId: 'gate-1', token: null, emulator: false, readers: READERS });
  });

  it('offers the virtual cards only with emulated readers', () => {
    expect(renderGatePage({ terminalId: 'gate-1', token: null, emulator: true, readers: READERS })).toMatch(/id="cards"/);
  });

  it('escapes what it interpolates, so a terminal name cannot end the script or add markup', () => {
    const html = renderGatePage({ terminalId: '</script><img src=x onerror=alert(1)>', token: 'a"b', emulator: false, readers: [{ reader: '</script>', door: 'main', direction: 'in' }] });
    expect(html).not.toMatch(/<img/);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(configIn(html)).toMatchObject({ terminalId: '</script><img src=x onerror=alert(1)>', token: 'a"b' });
  });
});
