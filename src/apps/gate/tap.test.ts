import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom, testKeyStore, testSigner } from '../../../test/vectors/fixture.js';
import { blankCardForLayout, defaultLayout, issueCard, readCard, signGrant } from '../../free-area/index.js';
import { openJournal, type Journal } from '../../journal/index.js';
import { createEmulatedCard, createEmulatorChannel, type EmulatedCard } from '../../reader/emulator/index.js';
import { encodeAccessRights, type AccessRights } from './access-rights.js';
import { createSimulatedActuator } from './actuator.js';
import { recordPassage, emptyAntiPassback, type AntiPassbackState, type Passage } from './anti-passback.js';
import type { DoorUnlock } from './door-monitor.js';
import { REFUSAL_MESSAGES } from './reasons.js';
import { createGateTapHandler, type GateJournal, type GateTapOutcome } from './tap.js';
import { PROGRAMME, STAFF, VISITOR, gateConfig, jst } from './test-fixtures.js';

const LAYOUT = defaultLayout();
const KEYS = testKeyStore();
const AT = jst('2026-03-02T12:00');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const STAFF_CARD = '1111111111111111';
const VISITOR_CARD = '2222222222222222';

interface GateCard {
  readonly card: EmulatedCard;
  tap(reader: string): ReturnType<typeof createEmulatorChannel>;
}

async function gateCard(cardId: string, rights: AccessRights, amount: number): Promise<GateCard> {
  const card = createEmulatedCard(blankCardForLayout(LAYOUT, KEYS, cardId), { random: seededRandom(7).bytes });
  const grant = signGrant(
    { cardId, programme: PROGRAMME, unit: 'entry', amount, validFrom: '2026-03-01', validUntil: '2026-03-31', dailyUses: 0, monthlyUnits: 0, serial: 1, ext: encodeAccessRights(rights) },
    testSigner(1),
  );
  await issueCard(createEmulatorChannel(card, 'counter'), { layout: LAYOUT, keys: KEYS }, [grant]);
  return { card, tap: (reader) => createEmulatorChannel(card, reader) };
}

function setUp(options: { journal?: (j: Journal) => GateJournal; antiPassback?: 'none' | 'soft' | 'hard'; restored?: AntiPassbackState } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'fa-gate-'));
  dirs.push(dir);
  let now = AT;
  const journal = openJournal({ path: join(dir, 'journal.db'), terminalId: 'gate-1', now: () => now, logger: quiet });
  const config = gateConfig({
    doors: [
      { id: 'main', readers: { in: 'main-in', out: 'main-out' }, zones: [0], openMs: 4000, antiPassback: options.antiPassback ?? 'none' },
      { id: 'lab', readers: { in: 'lab-in' }, zones: [5], visitors: false },
    ],
  });
  const actuator = createSimulatedActuator(quiet);
  const unlocks: DoorUnlock[] = [];
  const remembered: Array<[string, Passage]> = [];
  const handler = createGateTapHandler({
    journal: options.journal?.(journal) ?? journal,
    card: { layout: LAYOUT, keys: KEYS },
    config,
    actuator,
    terminalNumber: 21,
    now: () => now,
    logger: quiet,
    onUnlock: (u) => unlocks.push(u),
    onPassage: (holder, passage) => remembered.push([holder, passage]),
    ...(options.restored === undefined ? {} : { antiPassback: options.restored }),
  });
  const types = () => journal.events({ limit: 100 }).map((e) => e.type);
  return { journal, handler, actuator, unlocks, remembered, types, advance: (ms: number) => (now += ms) };
}

async function usedOn(card: GateCard): Promise<number> {
  const read = await readCard(card.tap('check'), { layout: LAYOUT, keys: KEYS });
  const status = read.programmes[0]?.status;
  return status?.kind === 'ok' ? status.current.state.used : -1;
}

const summary = (o: GateTapOutcome): string => (o.kind === 'granted' ? 'granted' : o.kind === 'refused' ? o.decision.reason : o.kind);

describe('a staff tap', () => {
  it('opens the door from a read-only check of at most 3 APDUs and records the entry', async () => {
    const { handler, actuator, unlocks, types, journal } = setUp();
    const staff = await gateCard(STAFF_CARD, STAFF, 0);
    const before = staff.card.stats.bytesWritten;
    const outcome = await handler.handleCard(staff.tap('main-in'));
    expect(outcome).toMatchObject({ kind: 'granted', reader: 'main-in', confirmedEarlierWrite: false, decision: { door: 'main', direction: 'in', takeUnits: 0, holder: STAFF.holder } });
    expect(outcome.kind === 'granted' && outcome.apdus).toBeLessThanOrEqual(3);
    expect(staff.card.stats.bytesWritten).toBe(before);
    expect(actuator.actions()).toEqual([{ kind: 'open', door: 'main', ms: 4000, atMs: null }]);
    expect(unlocks).toEqual([{ door: 'main', atMs: AT, openMs: 4000, passage: { reader: 'main-in', direction: 'in', holder: STAFF.holder, cardId: STAFF_CARD } }]);
    expect(types()).toEqual(['gate-entry']);
    expect(journal.events({ limit: 1 })[0]?.payload).toMatchObject({ cardId: STAFF_CARD, holder: STAFF.holder, units: 0, intentId: null });
    expect(outcome.kind === 'granted' && outcome.timings.toDoorMs).toBeGreaterThanOrEqual(outcome.kind === 'granted' ? outcome.timings.readMs : 0);
  });

  it('records an exit through the out reader', async () => {
    const { handler, types } = setUp();
    const staff = await gateCard(STAFF_CARD, STAFF, 0);
    expect(await handler.handleCard(staff.tap('main-out'))).toMatchObject({ kind: 'granted', decision: { direction: 'out' } });
    expect(types()).toEqual(['gate-exit']);
  });

  it('refuses a revoked card from the local deny-list and keeps the door shut', async () => {
    const { handler, actuator, journal, types } = setUp();
    journal.replaceDenyList(1, [{ cardId: STAFF_CARD, reason: 'certificateHold' }]);
    const outcome = await handler.handleCard((await gateCard(STAFF_CARD, STAFF, 0)).tap('main-in'));
    expect(outcome).toMatchObject({ kind: 'refused', decision: { reason: 'revoked', message: REFUSAL_MESSAGES.revoked } });
    expect(actuator.actions()).toEqual([]);
    expect(types()).toEqual(['denylist-applied', 'gate-refused']);
  });

  it('refuses at once, touching no card, when the journal cannot record', async () => {
    const { handler, actuator } = setUp({ journal: (j) => Object.assign(Object.create(j) as Journal, { canAcceptTaps: () => false }) });
    const staff = await gateCard(STAFF_CARD, STAFF, 0);
    const apdusBefore = staff.card.stats.apdus;
    const outcome = await handler.handleCard(staff.tap('main-in'));
    expect(outcome).toMatchObject({ kind: 'refused', apdus: 0, decision: { reason: 'disk-full' } });
    expect(staff.card.stats.apdus).toBe(apdusBefore);
    expect(actuator.actions()).toEqual([]);
  });

  it('refuses a card that leaves before it is read', async () => {
    const { handler } = setUp();
    const staff = await gateCard(STAFF_CARD, STAFF, 0);
    staff.card.setFaults({ tearAfterApdus: 1 });
    expect(await handler.handleCard(staff.tap('main-in'))).toMatchObject({ kind: 'refused', decision: { reason: 'unreadable', cardId: null } });
  });

  it('ignores a reader that serves no door', async () => {
    const { handler, types } = setUp();
    expect(await handler.handleCard((await gateCard(STAFF_CARD, STAFF, 0)).tap('elsewhere'))).toEqual({ kind: 'ignored', reader: 'elsewhere', atMs: AT });
    expect(types()).toEqual([]);
  });

  it('keeps anti-passback across taps: a second entry without an exit is refused in hard mode', async () => {
    const { handler, advance } = setUp({ antiPassback: 'hard' });
    const staff = await gateCard(STAFF_CARD, STAFF, 0);
    const outcomes: string[] = [];
    for (const reader of ['main-in', 'main-in', 'main-out', 'main-in']) {
      outcomes.push(summary(await handler.handleCard(staff.tap(reader))));
      advance(60_000);
    }
    expect(outcomes).toEqual(['granted', 'anti-passback', 'granted', 'granted']);
    expect(handler.antiPassback().get(STAFF.holder)).toMatchObject({ direction: 'in', door: 'main' });
  });

  it('starts from the restored anti-passback state and reports each passage for persisting', async () => {
    let restored = recordPassage(emptyAntiPassback(), STAFF.holder, { direction: 'in', atMs: AT - 60_000, door: 'main' });
    restored = recordPassage(restored, 'AAAAAAAAAAAAAAAA', { direction: 'in', atMs: AT - 2 * 24 * 60 * 60 * 1000, door: 'main' });
    const { handler, remembered } = setUp({ antiPassback: 'hard', restored });
    const staff = await gateCard(STAFF_CARD, STAFF, 0);
    expect(summary(await handler.handleCard(staff.tap('main-in')))).toBe('anti-passback');
    expect(summary(await handler.handleCard(staff.tap('main-out')))).toBe('granted');
    expect(remembered).toEqual([[STAFF.holder, { direction: 'out', atMs: AT, door: 'main' }]]);
    expect([...handler.antiPassback().keys()]).toEqual([STAFF.holder]);
    expect(restored.size).toBe(2);
  });
});

describe('a visitor tap', () => {
  it('takes one entry per entry through intent, write and commit; three entries, then refused; exits free', async () => {
    const { handler, types, actuator } = setUp();
    const visitor = await gateCard(VISITOR_CARD, VISITOR, 3);
    const outcomes: string[] = [];
    for (const reader of ['main-in', 'main-out', 'main-in', 'main-in', 'main-in', 'main-out']) outcomes.push(summary(await handler.handleCard(visitor.tap(reader))));
    expect(outcomes).toEqual(['granted', 'granted', 'granted', 'granted', 'entries-used-up', 'granted']);
    expect(await usedOn(visitor)).toBe(3);
    expect(types()).toEqual(['intent', 'commit', 'gate-entry', 'gate-exit', 'intent', 'commit', 'gate-entry', 'intent', 'commit', 'gate-entry', 'gate-refused', 'gate-exit']);
    expect(actuator.actions()).toHaveLength(5);
  });

  it('adds the write authentication and one UPDATE BINARY to the read', async () => {
    const { handler } = setUp();
    const visitor = await gateCard(VISITOR_CARD, VISITOR, 3);
    const entry = await handler.handleCard(visitor.tap('main-in'));
    const exit = await handler.handleCard(visitor.tap('main-out'));
    expect(entry.kind === 'granted' && exit.kind === 'granted').toBe(true);
    if (entry.kind !== 'granted' || exit.kind !== 'granted') return;
    expect(entry.apdus).toBeGreaterThan(exit.apdus);
    expect(entry.apdus - exit.apdus).toBe(3);
    expect(entry.decision.remainingEntries).toBe(2);
  });

  it('refuses a visitor at a staff-only door without writing', async () => {
    const { handler, types } = setUp();
    const visitor = await gateCard(VISITOR_CARD, { ...VISITOR, zones: [0, 5] }, 3);
    expect(await handler.handleCard(visitor.tap('lab-in'))).toMatchObject({ kind: 'refused', decision: { reason: 'wrong-zone' } });
    expect(await usedOn(visitor)).toBe(0);
    expect(types()).toEqual(['gate-refused']);
  });

  it('confirms a write that landed before the card left, on the re-tap, without taking a second entry', async () => {
    const { handler, journal, actuator, types } = setUp();
    const visitor = await gateCard(VISITOR_CARD, VISITOR, 3);
    visitor.card.setFaults({ tearAfterBytes: 1024 });
    const first = await handler.handleCard(visitor.tap('main-in'));
    expect(first.kind).toBe('in-doubt');
    expect(actuator.actions()).toEqual([]);
    expect(journal.openIntents(VISITOR_CARD)).toHaveLength(1);
    const again = await handler.handleCard(visitor.tap('main-in'));
    expect(again).toMatchObject({ kind: 'granted', confirmedEarlierWrite: true, decision: { takeUnits: 0, remainingEntries: 2 } });
    expect(again.kind === 'granted' && again.resolved.map((r) => r.resolution)).toEqual(['committed']);
    expect(await usedOn(visitor)).toBe(1);
    expect(journal.openIntents()).toHaveLength(0);
    expect(types()).toEqual(['intent', 'commit', 'gate-entry']);
    expect(actuator.actions()).toHaveLength(1);
  });

  it('aborts a write that never reached the card and takes the entry once on the re-tap', async () => {
    const { handler, journal, types } = setUp();
    const visitor = await gateCard(VISITOR_CARD, VISITOR, 3);
    visitor.card.setFaults({ tearAfterApdus: 3 });
    expect((await handler.handleCard(visitor.tap('main-in'))).kind).toBe('in-doubt');
    const again = await handler.handleCard(visitor.tap('main-in'));
    expect(again).toMatchObject({ kind: 'granted', confirmedEarlierWrite: false, decision: { takeUnits: 1 } });
    expect(again.kind === 'granted' && again.resolved.map((r) => r.resolution)).toEqual(['aborted']);
    expect(await usedOn(visitor)).toBe(1);
    expect(journal.openIntents()).toHaveLength(0);
    expect(types()).toEqual(['intent', 'abort', 'intent', 'commit', 'gate-entry']);
  });
});

describe('two readers', () => {
  it('handles taps on both readers at the same time, each on its own', async () => {
    const { handler, actuator, types } = setUp();
    const staff = await gateCard(STAFF_CARD, STAFF, 0);
    const visitor = await gateCard(VISITOR_CARD, VISITOR, 3);
    staff.card.setFaults({ delayMs: 5 });
    visitor.card.setFaults({ delayMs: 5 });
    const [a, b] = await Promise.all([handler.handleCard(staff.tap('main-out')), handler.handleCard(visitor.tap('main-in'))]);
    expect([a, b].map(summary)).toEqual(['granted', 'granted']);
    expect(actuator.actions().map((x) => x.door)).toEqual(['main', 'main']);
    expect(types().sort()).toEqual(['commit', 'gate-entry', 'gate-exit', 'intent']);
    expect(await usedOn(visitor)).toBe(1);
  });
});
