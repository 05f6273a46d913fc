/**
 * The taxi app's HTTP routes, with their OpenAPI description. Mounted by the terminal under
 * `/api/taxi`; authentication and the 400 hook are the terminal's.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Hook } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { RideOutcome } from './ride.js';
import type { TaxiService } from './service.js';

const place = z.object({ label: z.string().max(200).optional(), lat: z.number().min(-90).max(90).optional(), lon: z.number().min(-180).max(180).optional() }).openapi('Place');
const fare = z.number().int().min(1).max(10_000_000).openapi({ description: 'Meter fare in whole yen', example: 2400 });
const rideView = z.object({ ride: z.any().nullable() }).openapi('RideResponse');
const refusal = z.object({ error: z.string(), message: z.object({ ja: z.string(), en: z.string() }) }).openapi('RideRefusal');
const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const body = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });
const secured = [{ bearer: [] }];

const routes = {
  get: createRoute({ method: 'get', path: '/ride', summary: 'The open (or last) ride with its settlement', responses: { 200: json(rideView, 'The ride, or null') } }),
  open: createRoute({
    method: 'post', path: '/ride', summary: 'Open a ride at the meter fare', security: secured,
    request: body(z.object({ fareYen: fare, pickup: place.optional(), dropoff: place.optional() })),
    responses: { 201: json(rideView, 'Opened'), 409: json(refusal, 'Refused (a ride is open, bad fare)') },
  }),
  close: createRoute({
    method: 'post', path: '/ride/close', summary: 'Close the ride: each rider\'s subsidy, total, cash to collect', security: secured,
    request: { body: { content: { 'application/json': { schema: z.object({ dropoff: place.optional() }) } }, required: false } },
    responses: { 200: json(rideView, 'Closed'), 409: json(refusal, 'Refused') },
  }),
  cancel: createRoute({ method: 'post', path: '/ride/cancel', summary: 'Cancel a ride that has no taps', security: secured, responses: { 200: json(rideView, 'Cancelled'), 409: json(refusal, 'Refused') } }),
  fare: createRoute({
    method: 'post', path: '/ride/fare', summary: 'Correct the fare with a compensating event', security: secured,
    request: body(z.object({ fareYen: fare })), responses: { 200: json(rideView, 'Corrected'), 409: json(refusal, 'Refused') },
  }),
  void: createRoute({
    method: 'post', path: '/ride/void', summary: 'Void one rider\'s tap with a compensating event', security: secured,
    request: body(z.object({ cardId: z.string().regex(/^[0-9A-Fa-f]{8,32}$/) })), responses: { 200: json(rideView, 'Voided'), 409: json(refusal, 'Refused') },
  }),
  programmes: createRoute({ method: 'get', path: '/programmes', summary: 'Programmes this terminal honours', responses: { 200: json(z.object({ honours: z.array(z.string()), programmes: z.any() }), 'Programmes') } }),
};

export function createTaxiRoutes(service: TaxiService, programmes: unknown, hook: Hook<any, any, any, any>) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const app = new OpenAPIHono({ defaultHook: hook });
  /** The refusal of a ride operation is a 409 with its reason and message; success returns the ride. */
  const send = (c: Context, outcome: RideOutcome, okStatus: 200 | 201): never =>
    (outcome.kind === 'ok'
      ? c.json({ ride: service.ride() }, okStatus)
      : c.json({ error: outcome.reason, message: outcome.message }, 409)) as never;

  app.openapi(routes.get, (c) => c.json({ ride: service.ride() }, 200));
  app.openapi(routes.open, async (c) => send(c, await service.openRide(withoutUndefined(c.req.valid('json'))), 201));
  app.openapi(routes.close, async (c) => {
    const input = (await c.req.json().catch(() => ({}))) as { dropoff?: { label?: string } };
    return send(c, await service.closeRide(input.dropoff ? { dropoff: withoutUndefined(input.dropoff) } : {}), 200);
  });
  app.openapi(routes.cancel, async (c) => send(c, await service.cancelRide(), 200));
  app.openapi(routes.fare, async (c) => send(c, await service.correctFare(c.req.valid('json').fareYen), 200));
  app.openapi(routes.void, async (c) => send(c, await service.voidTap(c.req.valid('json').cardId.toUpperCase()), 200));
  app.openapi(routes.programmes, (c) => c.json(programmes as { honours: string[]; programmes: unknown }, 200));
  return app;
}

/** zod leaves absent optional keys as `undefined`; the ride model's types do not take them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function withoutUndefined<T extends object>(value: T): any {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
