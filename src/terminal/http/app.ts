/**
 * The terminal's HTTP service: health, status, metrics, OpenAPI, the journal query, the live
 * SSE stream, the app's routes and pages. Mutating requests need the bearer token.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { EventQuery, Journal } from '../../journal/index.js';
import type { TerminalMetrics } from '../metrics.js';
import type { EventHub } from './event-hub.js';
import { sseHandler } from './sse.js';
import { validationHook } from './validation.js';

export interface TerminalHttpOptions {
  readonly token: string;
  readonly journal: Journal;
  readonly metrics: TerminalMetrics;
  readonly hub: EventHub;
  readonly status: () => Record<string, unknown>;
  readonly health: () => { ok: boolean; problems: string[] };
  /** Sub-apps mounted at their prefix, e.g. `/api/taxi`. */
  readonly mounts: ReadonlyArray<{ prefix: string; app: Hono | OpenAPIHono }>;
  /** Extra routes on the root app (pages, emulator). */
  readonly extend?: (app: OpenAPIHono) => void;
  readonly title: string;
}

const journalQuery = z.object({
  fromSeq: z.coerce.number().int().min(1).optional(),
  toSeq: z.coerce.number().int().min(1).optional(),
  type: z.string().max(64).optional(),
  cardId: z.string().regex(/^[0-9A-Fa-f]{8,32}$/).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  order: z.enum(['asc', 'desc']).default('desc'),
});

export function createTerminalHttp(options: TerminalHttpOptions): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.use('*', bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: 'payload-too-large', message: 'request bodies are limited to 64 KiB' }, 413) }));
  const auth = bearerAuth({ token: options.token, noAuthenticationHeader: { message: { error: 'unauthorized', message: 'send Authorization: Bearer <token>' } } as never, invalidToken: { message: { error: 'unauthorized', message: 'wrong token' } } as never });
  app.use('*', async (c, next) => (['POST', 'PUT', 'PATCH', 'DELETE'].includes(c.req.method) ? auth(c, next) : next()));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  app.get('/healthz', (c) => {
    const h = options.health();
    return c.json(h, h.ok ? 200 : 503);
  });
  app.get('/status', (c) => c.json(options.status()));
  app.get('/metrics', async (c) => {
    options.metrics.journalBacklog.set(options.journal.syncState().backlog);
    options.metrics.intentsInDoubt.set(options.journal.openIntents().length);
    return c.text(await options.metrics.registry.metrics(), 200, { 'Content-Type': options.metrics.registry.contentType });
  });
  app.get('/api/events', sseHandler(options.hub));
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/journal',
      summary: 'Journal events, newest first by default',
      request: { query: journalQuery },
      responses: { 200: { description: 'Events', content: { 'application/json': { schema: z.object({ events: z.array(z.any()) }) } } } },
    }),
    (c) => {
      const q = c.req.valid('query');
      const query = Object.fromEntries(Object.entries({ ...q, cardId: q.cardId?.toUpperCase() }).filter(([, v]) => v !== undefined));
      return c.json({ events: options.journal.events(query as unknown as EventQuery) }, 200) as never;
    },
  );
  for (const { prefix, app: sub } of options.mounts) app.route(prefix, sub as OpenAPIHono);
  options.extend?.(app);
  app.doc31('/openapi.json', { openapi: '3.1.0', info: { title: options.title, version: '1' } });
  app.notFound((c) => c.json({ error: 'not-found', message: `${c.req.method} ${c.req.path} does not exist; see /openapi.json` }, 404));
  app.onError((error, c) => {
    // Hono's validator throws a bare 400 for a body that is not JSON: answer it like every other bad input.
    if (error instanceof HTTPException && error.status === 400 && error.res === undefined) {
      return c.json({ error: 'invalid-request', message: error.message, issues: [{ path: '', code: 'malformed-body', message: error.message }] }, 400);
    }
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) return (error as unknown as { getResponse(): Response }).getResponse();
    return c.json({ error: 'internal', message: error.message }, 500);
  });
  return app;
}
