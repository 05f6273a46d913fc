import { describe, expect, it } from 'vitest';
import { ConfigError, parseTerminalConfig } from './config.js';

describe('the terminal configuration', () => {
  it('runs a taxi terminal on emulated cards under ./data when nothing is configured', () => {
    const config = parseTerminalConfig({});
    expect(config.reader).toMatchObject({ kind: 'emulator', demoCards: true });
    if (config.app.kind !== 'taxi') throw new Error('expected a taxi terminal');
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

describe('a gate terminal configuration', () => {
  it('runs the default gate on emulated readers named after its doors from { app: { kind: "gate" } }', () => {
    const config = parseTerminalConfig({ app: { kind: 'gate' } });
    if (config.app.kind !== 'gate') throw new Error('expected a gate terminal');
    expect(config.terminal.id).toBe('gate-demo-1');
    expect(config.reader).toMatchObject({ kind: 'emulator', readers: ['Gate In', 'Gate Out'] });
    expect(config.app.actuator).toEqual({ kind: 'simulated' });
    expect(config.app.gate.doors.map((d) => d.id)).toEqual(['main']);
    expect(config.app.gate.holidays.length).toBeGreaterThan(30);
  });

  it('keeps reader names and a terminal ID that were given, and reads its own configuration back the same', () => {
    const config = parseTerminalConfig({ terminal: { id: 'gate-east-2' }, reader: { kind: 'emulator', readers: ['East In'] }, app: { kind: 'gate', actuator: { kind: 'relay', command: '/usr/local/bin/relay', args: ['--door', '{door}', '--ms', '{ms}'] } } });
    expect(config.terminal.id).toBe('gate-east-2');
    expect(config.reader).toMatchObject({ readers: ['East In'] });
    expect(parseTerminalConfig(config)).toEqual(config);
  });

  it('lists every bad field of the gate and of its actuator', () => {
    let error: unknown;
    try {
      parseTerminalConfig({ app: { kind: 'gate', gate: { programmes: [], doors: [{ id: 'a/b', readers: { in: 'x' }, zones: [64] }] }, actuator: { kind: 'relay', args: [] } } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join('\n');
    expect(issues).toMatch(/app\.gate\.programmes/);
    expect(issues).toMatch(/app\.gate\.doors\.0\.id/);
    expect(issues).toMatch(/app\.gate\.doors\.0\.zones\.0/);
    expect(issues).toMatch(/app\.actuator\.command/);
  });
});
