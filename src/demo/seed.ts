/**
 * The demo's first start: an empty wallet is filled the way a city fills it. The office
 * registers the demo residents and orders a taxi-subsidy card for each at the counter; the
 * counter station writes every card but one (left blank with its order waiting, to try the
 * counter). The gate's staff passes and visitor pass are signed with the office's issuer key,
 * as a building's issuing office would.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { DEFAULT_GATE_PROGRAMME } from '../apps/gate/index.js';
import { blankCardForLayout, createFileIssuerSigner, newCardId, type CardContext } from '../free-area/index.js';
import type { RunningOffice } from '../office/start.js';
import type { Wallet } from '../reader/emulator/index.js';
import { fillGateDemoWallet } from '../terminal/demo-wallet-gate.js';
import { DEMO_COUNTER, DEMO_RESIDENTS, type DemoResident } from './city.js';
import type { CounterStation } from './counter-station.js';

export interface SeedContext {
  readonly office: RunningOffice;
  readonly station: CounterStation;
  readonly wallet: Wallet;
  readonly card: CardContext;
  readonly now: number;
  readonly logger: Logger;
}

async function residentId(office: RunningOffice, demo: DemoResident): Promise<number> {
  const made = await office.domain.residents.create(demo.resident);
  if (made.kind === 'ok') return made.resident.id;
  const found = await office.domain.residents.byNumber(demo.resident.residentNo);
  if (!found) throw new Error(`resident ${demo.resident.residentNo} could not be registered (${made.kind})`);
  return found.id;
}

/** A blank card in the wallet and an order for it at the counter station. */
async function orderCard(ctx: SeedContext, demo: DemoResident): Promise<void> {
  const cardId = newCardId((n) => new Uint8Array(randomBytes(n)));
  ctx.wallet.save(demo.card, blankCardForLayout(ctx.card.layout, ctx.card.keys, cardId, { label: demo.label }));
  const id = await residentId(ctx.office, demo);
  await ctx.office.domain.issuance.createOrder({ station: DEMO_COUNTER.id, residentId: id, kind: 'new', programmeId: demo.programmeId, by: 'demo' });
}

/** Fills an empty wallet; returns the names of the cards made. */
export async function seedDemoCity(ctx: SeedContext): Promise<string[]> {
  for (const demo of DEMO_RESIDENTS) await orderCard(ctx, demo);
  for (const demo of DEMO_RESIDENTS.filter((d) => d.waiting !== true)) {
    const outcome = await ctx.station.present(demo.card);
    if (outcome.kind !== 'written') ctx.logger.warn({ card: demo.card, outcome }, 'the counter station did not write a demo card');
  }
  await fillGateDemoWallet(ctx.wallet, {
    layout: ctx.card.layout,
    keys: ctx.card.keys,
    signer: createFileIssuerSigner(ctx.office.keysDir),
    now: ctx.now,
    programme: DEFAULT_GATE_PROGRAMME,
  });
  return ctx.wallet.list();
}
