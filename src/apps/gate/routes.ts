/**
 * The gate's HTTP routes, with their OpenAPI description. Mounted by the terminal under
 * `/api/gate`; authentication (a bearer token for every POST) and the 400 hook are the terminal's.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Hook } from '@hono/zod-openapi';
import type { GateService } from './service.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const problem = z.object({ error: z.string(), message: z.string() }).openapi('GateProblem');
const doorId = z.object({ id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).openapi({ param: { name: 'id', in: 'path' }, example: 'main' }) });
const limit = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });
const secured = [{ bearer: [] }];

const releaseBody = z
  .object({
    ms: z.number().int().min(100).max(60_000).optional().openapi({ description: 'How long to unlock; the door\'s open time by default' }),
    reason: z.string().max(200).optional().openapi({ example: '宅配業者 delivery' }),
  })
  .openapi('DoorRelease');
const positionBody = z.object({ position: z.enum(['open', 'closed']) }).openapi('DoorPosition');

const routes = {
  doors: createRoute({
    method: 'get', path: '/doors', summary: 'Doors: locked or unlocked, position, last passages',
    responses: { 200: json(z.object({ doors: z.array(z.any()).readonly() }), 'Doors') },
  }),
  passages: createRoute({
    method: 'get', path: '/passages', summary: 'Journaled entries and exits, newest first',
    request: { query: limit }, responses: { 200: json(z.object({ passages: z.array(z.any()).readonly() }), 'Passages') },
  }),
  taps: createRoute({
    method: 'get', path: '/taps', summary: 'Taps since the terminal started, refused ones included, newest first',
    request: { query: limit }, responses: { 200: json(z.object({ taps: z.array(z.any()).readonly() }), 'Taps') },
  }),
  config: createRoute({
    method: 'get', path: '/config', summary: 'The gate configuration in force',
    responses: { 200: json(z.any(), 'Programmes, schedules, holidays and doors') },
  }),
  release: createRoute({
    method: 'post', path: '/doors/{id}/open', summary: 'Unlock a door by hand; journaled as a door-released event', security: secured,
    request: { params: doorId, body: { content: { 'application/json': { schema: releaseBody } }, required: false } },
    responses: { 200: json(z.object({ door: z.any(), openMs: z.number() }), 'Unlocked'), 404: json(problem, 'No such door'), 503: json(problem, 'The journal cannot record the release') },
  }),
  position: createRoute({
    method: 'post', path: '/doors/{id}/position', summary: 'Simulated door-position input: the door opened or closed now', security: secured,
    request: { params: doorId, body: { content: { 'application/json': { schema: positionBody } }, required: true } },
    responses: {
      200: json(z.object({ door: z.any(), alarms: z.array(z.any()).readonly() }), 'Applied; alarms raised by it'),
      404: json(problem, 'No such door'),
      409: json(problem, 'The door has no position input'),
    },
  }),
};

export function createGateRoutes(service: GateService, hook: Hook<any, any, any, any>): OpenAPIHono { // eslint-disable-line @typescript-eslint/no-explicit-any
  const app = new OpenAPIHono({ defaultHook: hook });
  const noDoor = (id: string) => ({ error: 'no-such-door', message: `the gate has no door "${id}"` });

  app.openapi(routes.doors, (c) => c.json({ doors: service.doors() }, 200) as never);
  app.openapi(routes.passages, (c) => c.json({ passages: service.passages(c.req.valid('query').limit) }, 200) as never);
  app.openapi(routes.taps, (c) => c.json({ taps: service.taps(c.req.valid('query').limit) }, 200) as never);
  app.openapi(routes.config, (c) => c.json(service.config, 200));
  app.openapi(routes.release, async (c) => {
    const { id } = c.req.valid('param');
    const body = releaseBody.safeParse(await c.req.json().catch(() => ({})));
    if (!body.success) return c.json({ error: 'invalid-request', message: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }, 400) as never;
    const { ms, reason } = body.data;
    let result;
    try {
      result = service.release(id, { ...(ms === undefined ? {} : { ms }), ...(reason === undefined ? {} : { reason }) });
    } catch (error) {
      return c.json({ error: 'not-recorded', message: `the release could not be journaled, so the door stays locked: ${(error as Error).message}` }, 503);
    }
    if (result.kind === 'no-such-door') return c.json(noDoor(id), 404);
    return c.json({ door: result.door, openMs: result.openMs }, 200);
  });
  app.openapi(routes.position, (c) => {
    const { id } = c.req.valid('param');
    const result = service.setPosition(id, c.req.valid('json').position);
    if (result.kind === 'no-such-door') return c.json(noDoor(id), 404);
    if (result.kind === 'no-position-input') return c.json({ error: 'no-position-input', message: `door "${id}" has no door-position input configured` }, 409);
    return c.json({ door: result.door, alarms: result.alarms }, 200);
  });
  return app;
}
