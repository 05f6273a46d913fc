/**
 * The counter station's HTTP service: its page and the small API the page calls. POSTs need
 * the station's bearer token, which the page carries only when the service listens on loopback.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { z } from 'zod';
import { readCard, type CardContext } from '../free-area/index.js';
import { createEmulatedCard, createEmulatorChannel, type Wallet } from '../reader/emulator/index.js';
import { renderCounterPage } from './counter-page.js';
import type { CounterStation } from './counter-station.js';

export interface CounterServiceOptions {
  readonly station: CounterStation;
  readonly label: string;
  readonly wallet: Wallet;
  readonly card: CardContext;
  readonly officeUrl: string;
  readonly host: string;
  readonly port: number;
}

export interface RunningCounterService {
  readonly url: string;
  readonly app: Hono;
  close(): Promise<void>;
}

const presentBody = z.object({ card: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/) });

async function listCards(wallet: Wallet, card: CardContext) {
  const out = [];
  for (const name of wallet.list()) {
    const image = wallet.load(name);
    try {
      const read = await readCard(createEmulatorChannel(createEmulatedCard(image), `counter:${name}`), card);
      const programmes = read.programmes.flatMap((p) => (p.grant ? [`${String(p.grant.programme.municipality).padStart(6, '0')}-${p.grant.programme.number}`] : []));
      out.push({ name, label: image.label ?? name, cardId: read.header.cardId, programmes });
    } catch (error) {
      out.push({ name, label: image.label ?? name, cardId: null, programmes: [], problem: (error as Error).message });
    }
  }
  return out;
}

const isLoopback = (host: string) => host === '127.0.0.1' || host === '::1' || host === 'localhost';

export function createCounterApp(options: CounterServiceOptions, token: string): Hono {
  const app = new Hono();
  const pageToken = isLoopback(options.host) ? token : null;
  app.get('/', (c) => c.html(renderCounterPage({ station: options.station.station, label: options.label, token: pageToken, officeUrl: options.officeUrl })));
  app.get('/api/cards', async (c) => c.json({ cards: await listCards(options.wallet, options.card) }));
  app.get('/api/orders', async (c) => {
    try {
      return c.json({ orders: await options.station.orders() });
    } catch (error) {
      return c.json({ error: 'office-unreachable', message: (error as Error).message }, 502);
    }
  });
  app.use('/api/present', bearerAuth({ token }));
  app.use('/api/blank', bearerAuth({ token }));
  app.post('/api/present', async (c) => {
    const parsed = presentBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: 'invalid-request', issues: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) }, 400);
    if (!options.wallet.list().includes(parsed.data.card)) return c.json({ error: 'no-such-card', message: `the wallet has no card "${parsed.data.card}"` }, 404);
    return c.json(await options.station.present(parsed.data.card));
  });
  app.post('/api/blank', (c) => c.json({ card: options.station.newBlankCard() }, 201));
  return app;
}

export async function startCounterService(options: CounterServiceOptions): Promise<RunningCounterService> {
  const token = randomBytes(24).toString('base64url');
  const app = createCounterApp(options, token);
  const server: ServerType = await new Promise((done, fail) => {
    const s = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => done(s));
    s.once('error', fail);
  });
  const url = `http://${options.host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    app,
    close: () =>
      new Promise<void>((done) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
