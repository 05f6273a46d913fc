/**
 * The counter stations' HTTP API, mounted by the office's composition root (at /api/counter).
 * Each station has its own bearer token; a request acts for the station its token names.
 *
 *   POST /cards               { station, cardId, programmes: [{ programmeId, serial, used }] }
 *                             → { kind: 'grants', orderId, cardId, grants: [...] } | { kind: 'no-order' } | { kind: 'refused', reason, message }
 *   POST /orders/{id}/written { station, cardId, ok, detail } → { order }
 *   GET  /orders              → the station's open orders (no resident data: the clerk's screen has it)
 *
 * The wire shapes are in docs/office.md; the station (src/terminal/issuer.ts) declares its own schemas.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import { topicIdSchema } from '../../sync/index.js';
import type { IssuanceService } from './issuance.js';
import type { IssuanceOrder } from './counter-orders.js';
import { cardIdSchema } from './residents.js';

export const counterCardRequestSchema = z.object({
  station: topicIdSchema,
  cardId: cardIdSchema,
  programmes: z.array(z.object({ programmeId: z.string().max(16), serial: z.int().min(0), used: z.int().min(0) })).max(32).default([]),
});

export const counterWrittenSchema = z.object({
  station: topicIdSchema,
  cardId: cardIdSchema,
  ok: z.boolean(),
  detail: z.string().max(500).default(''),
});

export interface CounterApiOptions {
  readonly issuance: IssuanceService;
  /** Station ID → its bearer token (at least 16 characters). */
  readonly stations: Readonly<Record<string, string>>;
}

const MAX_BODY_BYTES = 16 * 1024;

type Env = { Variables: { station: string } };

export function createCounterApi(options: CounterApiOptions): Hono<Env> {
  const tokens = Object.entries(options.stations).map(([station, token]) => {
    if (token.length < 16) throw new RangeError(`the counter token of ${station} is shorter than 16 characters`);
    return { station, digest: sha256(token) };
  });
  const stationOf = (c: Context): string | null => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (!match) return null;
    const digest = sha256(match[1] ?? '');
    return tokens.find((t) => timingSafeEqual(t.digest, digest))?.station ?? null;
  };
  const body = async <T extends z.ZodType>(c: Context, schema: T): Promise<{ ok: true; value: z.output<T> } | { ok: false; response: Response }> => {
    const text = await c.req.text();
    if (Buffer.byteLength(text) > MAX_BODY_BYTES) return { ok: false, response: c.json({ error: 'too-large' }, 413) };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, response: c.json({ error: 'invalid-request', issues: ['body: not JSON'] }, 400) };
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) return { ok: false, response: c.json({ error: 'invalid-request', issues: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) }, 400) };
    return { ok: true, value: parsed.data };
  };

  const app = new Hono<Env>();
  app.use('*', async (c, next) => {
    const station = stationOf(c);
    if (station === null) return c.json({ error: 'unauthorized' }, 401);
    c.set('station', station);
    return next();
  });
  const stationIn = (c: Context<Env>): string => c.get('station');

  app.post('/cards', async (c) => {
    const input = await body(c, counterCardRequestSchema);
    if (!input.ok) return input.response;
    if (input.value.station !== stationIn(c)) return c.json({ error: 'forbidden', issues: ['station: not the station of this token'] }, 403);
    const answer = await options.issuance.atCounter(input.value.station, input.value.cardId, input.value.programmes);
    if (answer.kind !== 'grants') return c.json(answer);
    return c.json({
      kind: 'grants',
      orderId: answer.orderId,
      cardId: answer.cardId,
      grants: answer.grants.map((g) => ({ programmeId: g.programmeId, serial: g.serial, keyVersion: g.keyVersion, amount: g.amount, validFrom: g.validFrom, validUntil: g.validUntil, grantHex: g.grantHex })),
    });
  });

  app.post('/orders/:id/written', async (c) => {
    const id = Number(c.req.param('id'));
    if (!Number.isSafeInteger(id) || id < 1) return c.json({ error: 'invalid-request', issues: ['id: not an order'] }, 400);
    const input = await body(c, counterWrittenSchema);
    if (!input.ok) return input.response;
    if (input.value.station !== stationIn(c)) return c.json({ error: 'forbidden', issues: ['station: not the station of this token'] }, 403);
    const order = await options.issuance.confirmWritten(input.value.station, id, input.value.cardId, input.value.ok, input.value.detail);
    if (order === null) return c.json({ error: 'not-found' }, 404);
    return c.json({ order: publicOrder(order) });
  });

  app.get('/orders', async (c) => {
    const station = stationIn(c);
    const open = (await options.issuance.orders({ station })).filter((o) => o.status === 'waiting' || o.status === 'signed');
    return c.json({ orders: open.map(publicOrder) });
  });
  return app;
}

/** An order as a station may see it: what to do, never who for. */
function publicOrder(o: IssuanceOrder) {
  return { id: o.id, kind: o.kind, programmeId: o.programmeId, status: o.status, cardId: o.cardId, detail: o.detail };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
