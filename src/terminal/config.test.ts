import { describe, expect, it } from 'vitest';
import { ConfigError, parseTerminalConfig } from './config.js';

describe('the terminal configuration', () => {
  it('runs a taxi terminal on emulated cards under ./data when nothing is configured', () => {
    const config = parseTerminalConfig({});
    expect(config.reader).toMatchObject({ kind: 'emulator', demoCards: true });
    expect(config.app.kind).toBe('taxi');
    expect(config.app.programmes.honours).toContain('102016-1');
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.dataDir).toBe('./data');
    expect(config.sync).toBeUndefined();
    expect(config.journal.synchronous).toBe('FULL');
  });

  it('lists every bad field at once', () => {
    let error: unknown;
    try {
      parseTerminalConfig({ http: { port: 'x' }, terminal: { id: 'a/b' }, bogus: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join('\n');
    expect(issues).toMatch(/http\.port/);
    expect(issues).toMatch(/terminal\.id/);
    expect(issues).toMatch(/bogus/);
  });

  it('refuses a broker URL with a path and a sync batch of zero', () => {
    expect(() => parseTerminalConfig({ sync: { url: 'mqtt://x/y', batchSize: 0 } })).toThrow(/sync\.url[\s\S]*sync\.batchSize/);
  });
});
