import { describe, expect, it } from 'vitest';
import {
  checkDoorsAt,
  createDoorMonitorState,
  createSimulatedDoorPosition,
  doorPositionChanged,
  unlockDoor,
  watchDoors,
  type DoorAlarm,
  type DoorMonitorState,
  type PassageRef,
} from './door-monitor.js';
import { gateConfig } from './test-fixtures.js';

const CONFIG = gateConfig({
  doors: [
    { id: 'main', readers: { in: 'main-in', out: 'main-out' }, zones: [0], openMs: 5000, position: { heldOpenMs: 30_000 } },
    { id: 'lab', readers: { in: 'lab-in' }, zones: [5] },
  ],
});
const PASSAGE: PassageRef = { reader: 'main-in', direction: 'in', holder: '0123456789ABCDEF', cardId: '1111111111111111' };

type Step = ['grant' | 'exit-button', number] | ['open' | 'close' | 'tick', number];

/** Runs a script of steps on the door `main` and returns the alarms, as kind@time. */
function run(steps: readonly Step[], door = 'main'): string[] {
  let state: DoorMonitorState = createDoorMonitorState(CONFIG);
  const alarms: DoorAlarm[] = [];
  for (const [what, atMs] of steps) {
    if (what === 'grant' || what === 'exit-button') {
      state = unlockDoor(state, { door, atMs, openMs: 5000, passage: what === 'grant' ? PASSAGE : null });
      continue;
    }
    const step = what === 'tick' ? checkDoorsAt(state, atMs) : doorPositionChanged(state, { door, position: what === 'open' ? 'open' : 'closed', atMs });
    state = step.state;
    alarms.push(...step.alarms);
  }
  return alarms.map((a) => `${a.kind}@${a.atMs}`);
}

describe('the door monitor', () => {
  it.each<[string, Step[], string[]]>([
    ['a granted opening closed in time raises nothing', [['grant', 0], ['open', 2000], ['close', 8000], ['tick', 60_000]], []],
    ['an opening without a grant is forced', [['open', 1000]], ['door-forced@1000']],
    ['an opening after the unlock window has passed is forced', [['grant', 0], ['open', 5001]], ['door-forced@5001']],
    ['an opening at the last moment of the unlock window is granted', [['grant', 0], ['open', 5000], ['close', 6000]], []],
    ['a request-to-exit button unlocks like a grant', [['exit-button', 0], ['open', 1000], ['close', 3000]], []],
    ['one grant lets the door open once', [['grant', 0], ['open', 1000], ['close', 2000], ['open', 3000]], ['door-forced@3000']],
    ['a door left open past its threshold is reported once, at the moment it passed', [['grant', 0], ['open', 1000], ['tick', 31_000], ['tick', 31_001], ['tick', 90_000], ['close', 95_000]], ['door-held-open@31000']],
    ['a door open exactly as long as the threshold is not held open', [['grant', 0], ['open', 1000], ['tick', 31_000], ['close', 31_000]], []],
    ['a held-open door that closes before any check is still reported', [['grant', 0], ['open', 1000], ['close', 40_000]], ['door-held-open@31000']],
    ['a new grant while the door stands open restarts the count', [['grant', 0], ['open', 1000], ['grant', 20_000], ['tick', 45_000], ['tick', 50_001]], ['door-held-open@50000']],
    ['a forced door left open is also held open', [['open', 1000], ['tick', 40_000]], ['door-forced@1000', 'door-held-open@31000']],
    ['a repeated position reading changes nothing', [['grant', 0], ['open', 1000], ['open', 1500], ['close', 2000], ['close', 2500]], []],
  ])('%s', (_name, steps, expected) => {
    expect(run(steps)).toEqual(expected);
  });

  it('ignores doors that have no position input', () => {
    expect(run([['open', 1000], ['tick', 100_000]], 'lab')).toEqual([]);
    expect(createDoorMonitorState(CONFIG).has('lab')).toBe(false);
  });

  it('names the passage that opened a door held open, and none for a forced door', () => {
    let state = unlockDoor(createDoorMonitorState(CONFIG), { door: 'main', atMs: 0, openMs: 5000, passage: PASSAGE });
    state = doorPositionChanged(state, { door: 'main', position: 'open', atMs: 1000 }).state;
    expect(checkDoorsAt(state, 40_000).alarms).toEqual([{ kind: 'door-held-open', door: 'main', atMs: 31_000, openedAtMs: 1000, passage: PASSAGE }]);
    const forced = doorPositionChanged(createDoorMonitorState(CONFIG), { door: 'main', position: 'open', atMs: 7 });
    expect(forced.alarms).toEqual([{ kind: 'door-forced', door: 'main', atMs: 7, openedAtMs: 7, passage: null }]);
  });

  it('leaves the state it was given unchanged', () => {
    const before = createDoorMonitorState(CONFIG);
    const snapshot = structuredClone(before);
    doorPositionChanged(unlockDoor(before, { door: 'main', atMs: 0, openMs: 5000, passage: PASSAGE }), { door: 'main', position: 'open', atMs: 1 });
    expect(before).toEqual(snapshot);
  });

  it('reports alarms from a simulated position input until it is stopped', () => {
    const source = createSimulatedDoorPosition();
    const alarms: DoorAlarm[] = [];
    const watch = watchDoors({ config: CONFIG, source, onAlarm: (a) => alarms.push(a) });
    watch.unlock({ door: 'main', atMs: 0, openMs: 5000, passage: PASSAGE });
    source.open('main', 1000);
    source.close('main', 3000);
    source.open('main', 10_000);
    watch.check(50_000);
    expect(alarms.map((a) => `${a.kind}@${a.atMs}`)).toEqual(['door-forced@10000', 'door-held-open@40000']);
    expect(watch.state().get('main')?.position).toBe('open');
    watch.stop();
    source.close('main', 60_000);
    expect(watch.state().get('main')?.position).toBe('open');
  });
});
