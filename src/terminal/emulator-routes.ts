/**
 * Routes that exist only with emulated readers: list the wallet's virtual cards and "hold a
 * card to the reader", so anyone can try the terminal from its page with no hardware.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { readCard, type CardContext } from '../free-area/index.js';
import { createEmulatedCard, createEmulatorChannel, type EmulatorBackend, type Wallet } from '../reader/emulator/index.js';
import { validationHook } from './http/validation.js';
import type { ReaderLoop } from './reader-loop.js';

export interface EmulatorRoutesOptions {
  readonly wallet: Wallet;
  readonly backend: EmulatorBackend;
  readonly loop: ReaderLoop<unknown>;
  readonly card: CardContext;
  readonly defaultReader: string;
}

const tapBody = z.object({ card: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/), reader: z.string().optional() });

export function createEmulatorRoutes(options: EmulatorRoutesOptions): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(
    createRoute({ method: 'get', path: '/cards', summary: 'Virtual cards in the wallet', responses: { 200: { description: 'Cards', content: { 'application/json': { schema: z.object({ cards: z.array(z.any()) }) } } } } }),
    async (c) => c.json({ cards: await listCards(options) }, 200) as never,
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/tap',
      summary: 'Hold a virtual card to a reader until its tap is decided, then take it away',
      security: [{ bearer: [] }],
      request: { body: { content: { 'application/json': { schema: tapBody } }, required: true } },
      responses: { 200: { description: 'The tap outcome', content: { 'application/json': { schema: z.any() } } }, 404: { description: 'No such card or reader', content: { 'application/json': { schema: z.any() } } } },
    }),
    async (c) => {
      const { card: name, reader = options.defaultReader } = c.req.valid('json');
      if (!options.wallet.list().includes(name)) return c.json({ error: 'no-such-card', message: `the wallet has no card "${name}"` }, 404) as never;
      if (!options.backend.readers().includes(reader)) return c.json({ error: 'no-such-reader', message: `no reader "${reader}"` }, 404) as never;
      options.backend.insert(reader, options.wallet.loadCard(name));
      try {
        return c.json(await options.loop.lastTap(reader), 200) as never;
      } finally {
        options.backend.remove(reader);
      }
    },
  );
  return app;
}

async function listCards(options: EmulatorRoutesOptions) {
  const cards = [];
  for (const name of options.wallet.list()) {
    const image = options.wallet.load(name);
    try {
      const read = await readCard(createEmulatorChannel(createEmulatedCard(image), `emulator:${name}`), options.card);
      cards.push({
        name,
        label: image.label ?? name,
        cardId: read.header.cardId,
        programmes: read.programmes.map((p) => ({
          programmeId: p.grant ? `${String(p.grant.programme.municipality).padStart(6, '0')}-${p.grant.programme.number}` : null,
          unit: p.grant?.unit ?? null,
          amount: p.grant?.amount ?? null,
          used: p.status.kind === 'ok' ? p.status.current.state.used : null,
          validUntil: p.grant?.validUntil ?? null,
          status: p.status.kind,
        })),
      });
    } catch (error) {
      cards.push({ name, label: image.label ?? name, cardId: null, programmes: [], problem: (error as Error).message });
    }
  }
  return cards;
}
