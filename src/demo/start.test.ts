import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SCRYPT } from '../office/web/test-web.js';
import { OFFICE_PORT_OFFSET } from './city.js';
import { portIsFree } from './ports.js';
import { startDemo, type RunningDemo } from './start.js';

function occupyPort(): Promise<Server> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => done(server));
  });
}

describe('the demo city started in-process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fa-demo-'));
  let blocker: Server;
  let taken: number;
  let demo: RunningDemo;

  beforeAll(async () => {
    blocker = await occupyPort();
    taken = (blocker.address() as AddressInfo).port;
    demo = await startDemo({ dataDir: dir, portBase: taken - OFFICE_PORT_OFFSET, scrypt: TEST_SCRYPT, logger: pino({ level: 'silent' }) });
  });

  afterAll(async () => {
    await demo?.close();
    blocker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves a part whose port is taken to a free port and says so', async () => {
    const office = demo.parts.find((p) => p.kind === 'office');
    expect(office?.movedFrom).toBe(taken);
    expect(office?.url).not.toContain(`:${taken}`);
    expect(await portIsFree(taken, '127.0.0.1')).toBe(false);
  });

  it('takes a ride paid with a resident card at a taxi terminal to the office through the embedded broker', async () => {
    const taxi = demo.terminals.find((t) => t.config.terminal.id === 'taxi-demo-1') ?? expect.unreachable('taxi-demo-1 runs');
    const post = (path: string, body: unknown) =>
      taxi.http.request(path, { method: 'POST', headers: { Authorization: `Bearer ${taxi.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/api/taxi/ride', { fareYen: 3000 })).status).toBeLessThan(300);
    expect(await (await post('/api/emulator/tap', { card: 'ome-ichiro' })).json()).toMatchObject({ kind: 'accepted', subsidyYen: 1500 });
    await post('/api/taxi/ride/close', {});
    await expect.poll(() => demo.office.store.eventCount('taxi-demo-1'), { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it("lets the gate's In reader open for a security pass from the same wallet", async () => {
    const gate = demo.terminals.find((t) => t.config.terminal.id === 'gate-demo-1') ?? expect.unreachable('gate-demo-1 runs');
    const res = await gate.http.request('/api/emulator/tap', {
      method: 'POST',
      headers: { Authorization: `Bearer ${gate.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ card: 'staff-2', reader: 'Gate In' }),
    });
    expect(await res.json()).toMatchObject({ result: 'ok', reader: 'Gate In' });
  });
});
