/**
 * The counter station as a terminal app: each card put on the reader goes through the
 * station's steps (src/terminal/issuer.ts), one at a time; the outcome is journaled (card ID,
 * order and serials, never resident data), published live and kept for `GET /api/issuer/last`.
 */
import { randomBytes } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { blankCardForLayout, newCardId } from '../free-area/index.js';
import type { KeyStore, Layout } from '../free-area/index.js';
import { createEmulatedCard, type Wallet } from '../reader/emulator/index.js';
import { createCounterOfficeClient, createCounterStation } from './issuer.js';
import type { CounterOffice, CounterOutcome } from './issuer.js';
import type { AppWiring, TerminalApp } from './taxi.js';

export function createIssuerTerminalApp(w: AppWiring, office?: CounterOffice): TerminalApp {
  if (w.config.app.kind !== 'issuer') throw new TypeError('not an issuer configuration');
  const app = w.config.app;
  const station = app.station ?? w.config.terminal.id;
  const counter = createCounterStation({
    card: w.card,
    station,
    office: office ?? createCounterOfficeClient({ url: app.office.url, token: app.office.token, timeoutMs: app.timeoutMs }),
  });
  let last: (CounterOutcome & { at: number }) | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const routes = new OpenAPIHono();
  routes.get('/last', (c) => c.json({ last }));
  return {
    kind: 'issuer',
    handleCard(channel) {
      const run = queue.then(async () => {
        const outcome = await counter.handleCard(channel);
        last = { ...outcome, at: w.now() };
        journalOutcome(w, outcome);
        w.hub.publish({ type: 'issuer', data: last });
        const log = outcome.kind === 'issued' ? w.logger.info.bind(w.logger) : w.logger.warn.bind(w.logger);
        log({ cardId: outcome.cardId, outcome: outcome.kind, ...('error' in outcome ? { error: outcome.error } : {}) }, 'card at the counter');
        return outcome;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    idle: () => queue.then(() => undefined),
    mounts: [{ prefix: '/api/issuer', app: routes }],
    status: () => ({ kind: 'issuer', station, office: app.office.url, last: last?.kind ?? null }),
  };
}

function journalOutcome(w: AppWiring, outcome: CounterOutcome): void {
  try {
    if (outcome.kind === 'issued') {
      w.journal.append('card-issued', { cardId: outcome.cardId, orderId: outcome.orderId, programmes: outcome.programmes.map((p) => ({ index: p.index, serial: p.serial, action: p.action })) });
    } else if (outcome.kind !== 'no-order') {
      w.journal.append('card-issue-failed', { cardId: outcome.cardId, outcome: outcome.kind, detail: outcome.kind === 'refused' ? outcome.reason : outcome.error.slice(0, 300) });
    }
  } catch (error) {
    w.logger.warn({ err: error }, 'could not journal a counter outcome');
  }
}

/** Blank installed cards (a card ID and write key, no grant yet) to issue onto at an emulated counter. */
export async function fillIssuerWallet(wallet: Wallet, ctx: { layout: Layout; keys: KeyStore }, count = 3): Promise<string[]> {
  const have = new Set(wallet.list());
  const created: string[] = [];
  for (let i = 1; i <= count; i += 1) {
    const name = `blank-${i}`;
    if (have.has(name)) continue;
    const cardId = newCardId((n) => new Uint8Array(randomBytes(n)));
    wallet.save(name, createEmulatedCard(blankCardForLayout(ctx.layout, ctx.keys, cardId, { label: `未交付カード ${i} (blank)` })).image());
    created.push(name);
  }
  return created;
}
