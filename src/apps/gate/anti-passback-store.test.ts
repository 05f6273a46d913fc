import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal, type Journal } from '../../journal/index.js';
import { ANTI_PASSBACK_META_KEY, createAntiPassbackStore } from './anti-passback-store.js';
import type { AntiPassbackState } from './anti-passback.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-12-01T09:00:00+09:00');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dirs: string[] = [];
const journals: Journal[] = [];

afterEach(() => {
  for (const journal of journals.splice(0)) journal.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function journal(): Journal {
  const dir = mkdtempSync(join(tmpdir(), 'fa-apb-'));
  dirs.push(dir);
  const opened = openJournal({ path: join(dir, 'journal.db'), terminalId: 'gate-1', now: () => T0, logger: quiet });
  journals.push(opened);
  return opened;
}

const passage = (j: Journal, type: 'gate-entry' | 'gate-exit', holder: string, at: number) =>
  j.append(type, { door: 'main', reader: type === 'gate-entry' ? 'in' : 'out', direction: type === 'gate-entry' ? 'in' : 'out', holder, cardId: '1111111111111111', at });

function store(j: Journal, current: () => AntiPassbackState = () => new Map()) {
  return createAntiPassbackStore({ journal: j, current, forgetAfterMs: DAY, logger: quiet, saveEveryMs: 10 });
}

describe('The anti-passback store', () => {
  it('starts empty on a new journal', () => {
    expect(store(journal()).restore(T0)).toEqual(new Map());
  });

  it('rebuilds the state from the passage events when no snapshot was saved, newest passage per holder', () => {
    const j = journal();
    passage(j, 'gate-entry', 'AAAAAAAAAAAAAAAA', T0);
    passage(j, 'gate-entry', 'BBBBBBBBBBBBBBBB', T0 + 1000);
    passage(j, 'gate-exit', 'AAAAAAAAAAAAAAAA', T0 + 2000);
    expect(store(j).restore(T0 + 3000)).toEqual(
      new Map([
        ['AAAAAAAAAAAAAAAA', { direction: 'out', atMs: T0 + 2000, door: 'main' }],
        ['BBBBBBBBBBBBBBBB', { direction: 'in', atMs: T0 + 1000, door: 'main' }],
      ]),
    );
  });

  it('adds the passages journaled after the snapshot to it, and keeps no passage older than the forget time', () => {
    const j = journal();
    const state = new Map([['CCCCCCCCCCCCCCCC', { direction: 'in' as const, atMs: T0 - 2 * DAY, door: 'main' }], ['DDDDDDDDDDDDDDDD', { direction: 'in' as const, atMs: T0, door: 'main' }]]);
    const first = store(j, () => state);
    first.changed();
    first.flush();
    expect(j.getMeta(ANTI_PASSBACK_META_KEY)).toMatchObject({ seq: 0, state: { version: 1 } });
    passage(j, 'gate-exit', 'DDDDDDDDDDDDDDDD', T0 + HOUR);
    expect(store(j).restore(T0 + 2 * HOUR)).toEqual(new Map([['DDDDDDDDDDDDDDDD', { direction: 'out', atMs: T0 + HOUR, door: 'main' }]]));
  });

  it('rebuilds from the journal when the snapshot cannot be read', () => {
    const j = journal();
    j.setMeta(ANTI_PASSBACK_META_KEY, { seq: 1, state: { version: 9 } });
    passage(j, 'gate-entry', 'EEEEEEEEEEEEEEEE', T0);
    expect([...store(j).restore(T0 + 1000).keys()]).toEqual(['EEEEEEEEEEEEEEEE']);
  });

  it('saves a snapshot shortly after a change, off the tap path', async () => {
    const j = journal();
    const s = store(j, () => new Map([['FFFFFFFFFFFFFFFF', { direction: 'in', atMs: T0, door: 'main' }]]));
    s.changed();
    expect(j.getMeta(ANTI_PASSBACK_META_KEY)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(j.getMeta(ANTI_PASSBACK_META_KEY)).toMatchObject({ state: { passages: [{ holder: 'FFFFFFFFFFFFFFFF', direction: 'in' }] } });
  });
});
