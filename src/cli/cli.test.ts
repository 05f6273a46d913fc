import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commands } from './commands/index.js';
import { main } from './run.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: {} }, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'fa-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the fa command', () => {
  it('lists every command in its overview', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    for (const cmd of commands) expect(c.out.join('\n')).toContain(`fa ${cmd.path.join(' ')}`);
  });

  it.each(commands.map((c) => [c.path.join(' '), c] as const))('gives help for %s', async (_name, cmd) => {
    const c = capture();
    expect(await main([...cmd.path, '--help'], c.io)).toBe(0);
    expect(c.out.join('\n')).toContain(cmd.summary);
  });

  it('answers an unknown option with exit code 2 and the command help', async () => {
    const c = capture();
    expect(await main(['card', 'inspect', '--bogus'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/bogus[\s\S]*Options:/);
  });

  it('issues a grant on a new emulated card and inspects it, with keys readable only by the owner', async () => {
    const card = `emulator:${join(dir, 'w', 'alice.card.json')}`;
    const keys = join(dir, 'keys');
    const issue = capture();
    expect(await main(['card', 'issue', '--reader', card, '--new-card', '--amount', '70', '--daily', '2', '--from', '2026-04-01', '--until', '2027-03-31', '--keys', keys], issue.io)).toBe(0);
    expect(issue.out.join('')).toMatch(/programme 0 added/);
    expect(statSync(join(keys, 'mac-master.json')).mode & 0o077).toBe(0);
    const inspect = capture();
    expect(await main(['card', 'inspect', '--reader', card, '--keys', keys, '--json'], inspect.io)).toBe(0);
    const json = JSON.parse(inspect.out.join('')) as { programmes: Array<{ grant: { amount: number; dailyUses: number } }>; apdus: number };
    expect(json.programmes[0]?.grant).toMatchObject({ amount: 70, dailyUses: 2 });
    expect(json.apdus).toBe(2);
  });

  it('refuses a bad unit before creating anything', async () => {
    const c = capture();
    const card = `emulator:${join(dir, 'w', 'bob.card.json')}`;
    expect(await main(['card', 'issue', '--reader', card, '--new-card', '--unit', 'bogus', '--keys', join(dir, 'keys')], c.io)).toBe(2);
    expect(c.err.join('')).toContain('--unit is coupon, yen or entry');
  });
});
