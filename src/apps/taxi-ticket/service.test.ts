import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { issuedTestCard, signedTestGrants, TEST_CARD_ID, type TestCard } from '../../../test/vectors/fixture.js';
import { readCard } from '../../free-area/operations.js';
import { openJournal } from '../../journal/index.js';
import { EXAMPLE_TERMINAL_PROGRAMMES } from './examples.js';
import { terminalProgrammesSchema } from './programmes.js';
import { createTaxiService } from './service.js';
import type { TaxiEvent } from './service-types.js';

const AT = Date.parse('2025-05-10T09:00:00+09:00');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dirs: string[] = [];

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setUp(card?: TestCard) {
  const dir = mkdtempSync(join(tmpdir(), 'fa-taxi-'));
  dirs.push(dir);
  const journal = openJournal({ path: join(dir, 'journal.db'), terminalId: 'taxi-1', now: () => AT, logger: quiet });
  const t = card ?? (await issuedTestCard());
  const events: TaxiEvent[] = [];
  let rides = 0;
  const make = () =>
    createTaxiService({
      journal,
      card: { layout: t.layout, keys: t.keys },
      programmes: terminalProgrammesSchema.parse(EXAMPLE_TERMINAL_PROGRAMMES),
      terminalNumber: 7,
      now: () => AT,
      newRideId: () => `ride-${++rides}`,
      logger: quiet,
      onEvent: (e) => events.push(e),
    });
  return { journal, t, events, service: make(), restart: make };
}

async function used(t: TestCard): Promise<number> {
  const read = await readCard(t.tap(), t);
  const p = read.programmes[0];
  return p?.status.kind === 'ok' ? p.status.current.state.used : -1;
}

describe('the taxi service', () => {
  it('takes one coupon from a Maebashi card and settles half the fare up to ¥1,000', async () => {
    const { service, t, journal, events } = await setUp();
    await service.openRide({ fareYen: 3000 });
    const outcome = await service.handleCard(t.tap());
    expect(outcome).toMatchObject({ kind: 'accepted', cardId: TEST_CARD_ID, programmeId: '102016-1', units: 1, subsidyYen: 1000 });
    expect(outcome.apdus).toBe(5);
    expect(await used(t)).toBe(1);
    const closed = await service.closeRide();
    expect(closed.kind === 'ok' && closed.event.payload).toMatchObject({ totalSubsidyYen: 1000, cashToCollectYen: 2000 });
    const types = journal.events({ limit: 20 }).map((e) => e.type);
    expect(types).toEqual(['ride-opened', 'intent', 'commit', 'tap-accepted', 'ride-closed']);
    expect(events.some((e) => e.type === 'tap' && e.data.kind === 'accepted')).toBe(true);
  });

  it('refuses a tap with no ride open and leaves the card untouched', async () => {
    const { service, t } = await setUp();
    const outcome = await service.handleCard(t.tap());
    expect(outcome).toMatchObject({ kind: 'rejected', reason: 'no-ride' });
    expect(await used(t)).toBe(0);
  });

  it('refuses the same card twice in one ride without taking a second coupon', async () => {
    const { service, t } = await setUp();
    await service.openRide({ fareYen: 2000 });
    await service.handleCard(t.tap());
    const second = await service.handleCard(t.tap());
    expect(second).toMatchObject({ kind: 'rejected', reason: 'already-in-ride' });
    expect(await used(t)).toBe(1);
  });

  it('refuses a revoked card from the local deny-list', async () => {
    const { service, t, journal } = await setUp();
    journal.replaceDenyList(3, [{ cardId: TEST_CARD_ID, reason: 'lost' }]);
    await service.openRide({ fareYen: 2000 });
    expect(await service.handleCard(t.tap())).toMatchObject({ kind: 'rejected', reason: 'revoked' });
    expect(await used(t)).toBe(0);
  });

  it('refuses a card whose only programme this terminal does not honour', async () => {
    const t = await issuedTestCard([signedTestGrants().entry]);
    const { service } = await setUp(t);
    await service.openRide({ fareYen: 2000 });
    expect(await service.handleCard(t.tap())).toMatchObject({ kind: 'rejected', reason: 'unknown-programme' });
  });

  it('confirms a write that landed before the card left, on the re-tap, without charging twice', async () => {
    const { service, t, journal } = await setUp();
    await service.openRide({ fareYen: 3000 });
    // The UPDATE lands every byte, then the card leaves before answering.
    t.card.setFaults({ tearAfterBytes: 1024 });
    const first = await service.handleCard(t.tap());
    expect(first.kind).toBe('in-doubt');
    expect(journal.openIntents(TEST_CARD_ID)).toHaveLength(1);
    const again = await service.handleCard(t.tap());
    expect(again).toMatchObject({ kind: 'accepted', confirmedEarlierWrite: true, units: 1 });
    expect(journal.openIntents()).toHaveLength(0);
    expect(await used(t)).toBe(1);
    expect(service.ride()?.summary.riders).toHaveLength(1);
  });

  it('aborts a write that never reached the card and takes the coupon once on the re-tap', async () => {
    const { service, t, journal } = await setUp();
    await service.openRide({ fareYen: 3000 });
    t.card.setFaults({ tearAfterApdus: 4 });
    const first = await service.handleCard(t.tap());
    expect(first.kind).toBe('in-doubt');
    const again = await service.handleCard(t.tap());
    expect(again).toMatchObject({ kind: 'accepted', confirmedEarlierWrite: false });
    expect(again.resolved.map((r) => r.resolution)).toEqual(['aborted']);
    expect(await used(t)).toBe(1);
    expect(journal.events({ limit: 50, type: 'abort' })).toHaveLength(1);
  });

  it('restores the open ride after a restart', async () => {
    const { service, t, restart } = await setUp();
    await service.openRide({ fareYen: 2500 });
    await service.handleCard(t.tap());
    const again = restart();
    expect(again.ride()?.ride.fareYen).toBe(2500);
    expect(again.ride()?.summary.riders.map((r) => r.cardId)).toEqual([TEST_CARD_ID]);
  });
});
