/** The taxi app as a terminal runs it: the service, its routes, metrics and live events. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import { renderDriverDisplay } from '../apps/taxi-ticket/display/index.js';
import { createTaxiRoutes } from '../apps/taxi-ticket/routes.js';
import { createTaxiService, type TaxiService } from '../apps/taxi-ticket/service.js';
import type { CardContext } from '../free-area/index.js';
import type { Journal } from '../journal/index.js';
import type { CardChannel } from '../reader/channel.js';
import type { TerminalConfig } from './config.js';
import type { EventHub } from './http/event-hub.js';
import { validationHook } from './http/validation.js';
import type { TerminalMetrics } from './metrics.js';

export interface TerminalApp {
  readonly kind: string;
  /** A card arrived on `reader`; taps on different readers may run at the same time. */
  handleCard(channel: CardChannel, reader: string): Promise<unknown>;
  idle(): Promise<void>;
  /** Stops the app's timers and saves what it keeps in memory; after the last tap. */
  close?(): Promise<void>;
  readonly mounts: ReadonlyArray<{ prefix: string; app: OpenAPIHono }>;
  status(): Record<string, unknown>;
  /** The app's page at `/` (the driver display, the gate status page). */
  page?(options: { token: string | null; emulator: boolean }): string;
  /** A new app configuration from the office, already validated; apps that cannot apply it live ignore it. */
  reconfigure?(app: TerminalConfig['app']): void;
  readonly taxi?: TaxiService;
}

export interface AppWiring {
  readonly config: TerminalConfig;
  readonly journal: Journal;
  readonly card: CardContext;
  readonly now: () => number;
  readonly logger: Logger;
  readonly hub: EventHub;
  readonly metrics: TerminalMetrics;
  readonly newRideId: () => string;
}

export function createTaxiTerminalApp(w: AppWiring): TerminalApp {
  if (w.config.app.kind !== 'taxi') throw new TypeError('not a taxi configuration');
  const programmes = w.config.app.programmes;
  const service = createTaxiService({
    journal: w.journal,
    card: w.card,
    programmes,
    terminalNumber: w.config.terminal.number,
    now: w.now,
    newRideId: w.newRideId,
    logger: w.logger,
    onEvent: (event) => w.hub.publish(event),
  });
  return {
    kind: 'taxi',
    taxi: service,
    async handleCard(channel) {
      const outcome = await service.handleCard(channel);
      w.metrics.taps.inc({ outcome: outcome.kind, reason: outcome.kind === 'rejected' ? outcome.reason : '' });
      w.metrics.apdus.inc(outcome.apdus);
      for (const phase of ['read', 'decide', 'intent', 'write', 'commit'] as const) w.metrics.tapSeconds.observe({ phase }, outcome.timings[phase] / 1000);
      const log = outcome.kind === 'accepted' ? w.logger.info.bind(w.logger) : w.logger.warn.bind(w.logger);
      log({ cardId: outcome.cardId, outcome: outcome.kind, reason: outcome.kind === 'rejected' ? outcome.reason : undefined, ms: Number(outcome.timings.total.toFixed(2)), apdus: outcome.apdus }, 'tap');
      return outcome;
    },
    idle: () => service.idle(),
    mounts: [{ prefix: '/api/taxi', app: createTaxiRoutes(service, programmes, validationHook) }],
    status: () => ({ kind: 'taxi', ride: service.ride()?.ride.status ?? null, honours: programmes.honours }),
    reconfigure: (app) => {
      if (app.kind === 'taxi') void service.reconfigure(app.programmes);
    },
    page: ({ token, emulator }) => renderDriverDisplay({ terminalId: w.config.terminal.id, token, emulator }),
  };
}
