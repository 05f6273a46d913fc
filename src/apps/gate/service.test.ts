import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testKeyStore, testSigner } from '../../../test/vectors/fixture.js';
import { blankCardForLayout, defaultLayout, issueCard, signGrant } from '../../free-area/index.js';
import { openJournal, type Journal } from '../../journal/index.js';
import { createEmulatedCard, createEmulatorChannel, type EmulatedCard } from '../../reader/emulator/index.js';
import { encodeAccessRights, type AccessRights } from './access-rights.js';
import { createSimulatedActuator } from './actuator.js';
import { ANTI_PASSBACK_META_KEY } from './anti-passback-store.js';
import { createGateService, type DoorChange, type GateService } from './service.js';
import { PROGRAMME, STAFF, gateConfig, jst } from './test-fixtures.js';

const LAYOUT = defaultLayout();
const KEYS = testKeyStore();
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const cleanup: Array<() => void> = [];

afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

async function staffCard(rights: AccessRights = STAFF): Promise<EmulatedCard> {
  const card = createEmulatedCard(blankCardForLayout(LAYOUT, KEYS, '1111111111111111'));
  const grant = signGrant(
    { cardId: '1111111111111111', programme: PROGRAMME, unit: 'entry', amount: 0, validFrom: '2026-03-01', validUntil: '2026-03-31', dailyUses: 0, monthlyUnits: 0, serial: 1, ext: encodeAccessRights(rights) },
    testSigner(1),
  );
  await issueCard(createEmulatorChannel(card, 'counter'), { layout: LAYOUT, keys: KEYS }, [grant]);
  return card;
}

function setUp(): { service: GateService; journal: Journal; changes: DoorChange[]; actuator: ReturnType<typeof createSimulatedActuator>; advance: (ms: number) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'fa-gate-service-'));
  let now = jst('2026-03-02T12:00');
  const journal = openJournal({ path: join(dir, 'journal.db'), terminalId: 'gate-1', now: () => now, logger: quiet });
  const config = gateConfig({
    doors: [
      { id: 'main', readers: { in: 'main-in', out: 'main-out' }, zones: [0], openMs: 4000, antiPassback: 'soft', position: { heldOpenMs: 10_000 } },
      { id: 'lab', readers: { in: 'lab-in' }, zones: [5] },
    ],
  });
  const actuator = createSimulatedActuator(quiet);
  const changes: DoorChange[] = [];
  const service = createGateService({ journal, card: { layout: LAYOUT, keys: KEYS }, config, actuator, terminalNumber: 7, now: () => now, logger: quiet, onDoor: (c) => changes.push(c), checkEveryMs: 60_000 });
  cleanup.push(() => {
    void service.close();
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { service, journal, changes, actuator, advance: (ms) => (now += ms) };
}

describe('The gate service', () => {
  it('shows a granted tap, unlocks its door for the open time and lists the passage under the door', async () => {
    const { service, changes, advance } = setUp();
    const { view } = await service.handleCard(createEmulatorChannel(await staffCard(), 'main-in'));
    expect(view).toMatchObject({ id: 1, result: 'ok', door: 'main', direction: 'in', holder: STAFF.holder, apdus: 2 });
    expect(service.taps()).toEqual([view]);
    expect(changes.map((c) => [c.kind, c.door.id, c.door.lock, c.door.lastPassages.length])).toEqual([['unlocked', 'main', 'unlocked', 1]]);
    const [main, lab] = service.doors();
    expect(main).toMatchObject({ lock: 'unlocked', position: 'closed', lastPassages: [{ type: 'gate-entry', holder: STAFF.holder }] });
    expect(lab).toMatchObject({ lock: 'locked', position: 'unknown', lastPassages: [] });
    advance(4001);
    expect(service.doors()[0]?.lock).toBe('locked');
  });

  it('shows a refused tap as NG with its reason, newest first', async () => {
    const { service } = setUp();
    const card = await staffCard({ ...STAFF, zones: [5] });
    await service.handleCard(createEmulatorChannel(card, 'lab-in'));
    const { view } = await service.handleCard(createEmulatorChannel(card, 'main-in'));
    expect(view).toMatchObject({ result: 'ng', reason: 'wrong-zone', message: { en: 'The pass does not open this door.' } });
    expect(service.taps().map((t) => t.id)).toEqual([2, 1]);
  });

  it('journals a manual release before it drives the actuator, and refuses an unknown door', () => {
    const { service, journal, actuator } = setUp();
    expect(service.release('side')).toEqual({ kind: 'no-such-door' });
    const result = service.release('lab', { ms: 1500, reason: 'maintenance' });
    expect(result).toMatchObject({ kind: 'released', openMs: 1500, door: { id: 'lab', lock: 'unlocked' } });
    expect(journal.events({ type: 'door-released', limit: 5 }).map((e) => e.payload)).toEqual([{ door: 'lab', at: jst('2026-03-02T12:00'), openMs: 1500, reason: 'maintenance', by: 'api' }]);
    expect(actuator.actions()).toMatchObject([{ kind: 'open', door: 'lab', ms: 1500 }]);
  });

  it('leaves the door locked when the release cannot be journaled', () => {
    const { service, journal, actuator } = setUp();
    journal.close();
    expect(() => service.release('main')).toThrow();
    expect(actuator.actions()).toEqual([]);
  });

  it('takes simulated door positions only for doors with a position input, and reports a forced door', () => {
    const { service, journal, changes } = setUp();
    expect(service.setPosition('lab', 'open')).toEqual({ kind: 'no-position-input' });
    expect(service.setPosition('nowhere', 'open')).toEqual({ kind: 'no-such-door' });
    const forced = service.setPosition('main', 'open');
    expect(forced).toMatchObject({ kind: 'changed', door: { position: 'open' }, alarms: [{ kind: 'door-forced', door: 'main' }] });
    expect(journal.events({ type: 'door-forced', limit: 5 })).toHaveLength(1);
    expect(changes.map((c) => c.kind)).toEqual(['alarm', 'position']);
  });

  it('saves its anti-passback state when it closes', async () => {
    const { service, journal } = setUp();
    await service.handleCard(createEmulatorChannel(await staffCard(), 'main-in'));
    await service.close();
    expect(journal.getMeta(ANTI_PASSBACK_META_KEY)).toMatchObject({ state: { passages: [{ holder: STAFF.holder, direction: 'in', door: 'main' }] } });
  });
});
