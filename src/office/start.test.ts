import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parseOfficeConfig } from './config.js';
import { startOffice } from './start.js';

const dir = mkdtempSync(join(tmpdir(), 'fa-office-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the office configuration', () => {
  it('runs with nothing configured: SQLite under ./data/office, an embedded broker, the dashboard on 127.0.0.1:8090', () => {
    const config = parseOfficeConfig({});
    expect(config).toMatchObject({ dataDir: './data/office', http: { host: '127.0.0.1', port: 8090, secureCookies: false }, store: { kind: 'sqlite' }, broker: { embedded: true } });
  });

  it('lists every bad field', () => {
    expect(() => parseOfficeConfig({ http: { port: -1 }, store: { kind: 'postgres', url: 'mysql://x' }, bogus: 1 })).toThrow(
      /http\.port[\s\S]*store\.url[\s\S]*bogus/,
    );
  });

  it('refuses several ingest workers without a shared-subscription group', () => {
    expect(() => parseOfficeConfig({ ingest: { workers: 2 } })).toThrow(/ingest\.workers/);
    expect(parseOfficeConfig({ ingest: { workers: 2 }, broker: { url: 'mqtt://127.0.0.1:1883', group: 'office' } }).ingest.workers).toBe(2);
  });
});

describe('startOffice', () => {
  it('starts with an embedded broker and SQLite, answers /healthz and /metrics, and stops', async () => {
    const config = parseOfficeConfig({ dataDir: join(dir, 'demo'), http: { port: 0 }, log: { level: 'silent' } });
    const office = await startOffice(config, { logger: pino({ level: 'silent' }) });
    try {
      expect(office.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(office.brokerUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
      await expect.poll(async () => (await fetch(`${office.url}/healthz`)).status).toBe(200);
      const health = (await (await fetch(`${office.url}/healthz`)).json()) as { ok: boolean; checks: Record<string, string> };
      expect(health).toMatchObject({ ok: true, checks: { store: 'ok', store_kind: 'sqlite', broker: 'connected' } });
      const metrics = await (await fetch(`${office.url}/metrics`)).text();
      expect(metrics).toContain('fa_office_ingest_batches');
      expect(metrics).toContain('fa_office_audit_rows');
      const login = await fetch(`${office.url}/login`);
      expect(login.status).toBe(200);
      expect(await login.text()).toContain('ログイン');
      await office.runJobs();
    } finally {
      await office.close();
    }
  });
});
