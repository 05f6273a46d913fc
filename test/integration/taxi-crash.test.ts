import { mkdtempSync, readdirSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, prepareCrashRig, readJournal, seededRandom, unitsUsedOnCard, type Api, type CrashRig } from './helpers/taxi-crash-rig.js';
import { ensureBuilt, spawnTerminal, type LogLine, type TerminalProcess } from './helpers/terminal-process.js';

/**
 * `kill -9` of a real terminal process at random moments while a driver rides and taps over
 * HTTP, then restarts on the same data directory and re-taps. The cards (wallet images on
 * disk, saved on every write) and the journal must agree at the end. At least 200 taps and
 * 30 kills; the kill schedule comes from a seeded generator (FA_CRASH_SEED to replay one),
 * though where each kill lands still depends on the machine's timing.
 *
 * The child runs the compiled `dist/`, rebuilt before the test (see `ensureBuilt`) so that a
 * stale `dist/` never stands in for the code under test.
 */
const TAPS = 200;
const MIN_KILLS = 30;
const SEED = Number(process.env['FA_CRASH_SEED'] ?? 20_240_611);
const CARDS = ['card-a', 'card-b', 'card-c', 'card-d', 'card-e', 'card-f'];

interface Driver {
  rideId: string | null;
  plan: string[];
  done: Set<string>;
  /** The card whose tap request was cut by a kill: re-tapped first after the restart. */
  inFlight: string | null;
}

interface Accepted {
  readonly rideId: string;
  readonly cardId: string;
  readonly units: number;
}

const random = seededRandom(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const stats = {
  tapsSent: 0,
  kills: { timer: 0, afterTapSent: 0, whileCardSaving: 0, whenCardSaved: 0 },
  landed: new Map<string, number>(),
  outcomes: new Map<string, number>(),
  retaps: new Map<string, number>(),
  ridesClosed: 0,
  restartMs: [] as number[],
};
const count = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);
const inDoubtAtStart = new Map<number, { cardId: string; units: number }>();
const accepted: Accepted[] = [];
const tapMs: number[] = [];

let dir: string;
let rig: CrashRig;
let nameOf: Map<string, string>;

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'fa-taxi-crash-'));
  rig = await prepareCrashRig(dir, CARDS, Date.now());
  nameOf = new Map([...rig.cards].map(([name, id]) => [id, name]));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<{ terminal: TerminalProcess; url: string }> {
  const began = performance.now();
  const terminal = spawnTerminal({ config: rig.configFile, dataDir: rig.dataDir });
  const url = await terminal.ready;
  stats.restartMs.push(performance.now() - began);
  noteInDoubt(terminal.lines);
  return { terminal, url };
}

/** Start-up lists the intents in doubt; the test keeps them to see how each was settled. */
function noteInDoubt(lines: readonly LogLine[]): void {
  for (const line of lines) {
    const intents = line['intents'];
    if (!Array.isArray(intents)) continue;
    for (const i of intents as Array<{ intentId: number; cardId: string; units: number }>) inDoubtAtStart.set(i.intentId, { cardId: i.cardId, units: i.units });
  }
}

/** After a restart: the ride the terminal restored decides what the driver does next. */
async function resync(api: Api, driver: Driver): Promise<boolean> {
  const res = await api.get('/api/taxi/ride');
  if (!res) return false;
  const ride = (res.body['ride'] as { ride: { rideId: string; status: string; riders: { cardId: string }[] } } | null)?.ride;
  if (ride?.status !== 'open') Object.assign(driver, { rideId: null, inFlight: null });
  else if (ride.rideId !== driver.rideId) {
    const done = new Set(ride.riders.map((r) => nameOf.get(r.cardId) ?? r.cardId));
    Object.assign(driver, { rideId: ride.rideId, plan: planRiders(), done, inFlight: null });
  }
  return true;
}

function planRiders(): string[] {
  const riders = new Set<string>();
  const wanted = 1 + Math.floor(random() * 3);
  while (riders.size < wanted) riders.add(pick(CARDS));
  return [...riders];
}

/** One request of the ride cycle: open, tap each planned rider, close. False when the terminal died. */
async function step(api: Api, driver: Driver, onTapSent: () => void): Promise<boolean> {
  if (driver.rideId === null) {
    const res = await api.post('/api/taxi/ride', { fareYen: 2500 + 100 * Math.floor(random() * 36) });
    if (!res) return landed('open');
    expect(res.status).toBe(201);
    const rideId = (res.body['ride'] as { ride: { rideId: string } }).ride.rideId;
    Object.assign(driver, { rideId, plan: planRiders(), done: new Set(), inFlight: null });
    return true;
  }
  const retap = driver.inFlight !== null;
  const card = driver.inFlight ?? driver.plan.find((c) => !driver.done.has(c));
  if (card === undefined) {
    const res = await api.post('/api/taxi/ride/close', {});
    if (!res) return landed('close');
    expect(res.status).toBe(200);
    stats.ridesClosed += 1;
    driver.rideId = null;
    return true;
  }
  driver.inFlight = card;
  stats.tapsSent += 1;
  const sent = performance.now();
  const pending = api.post('/api/emulator/tap', { card });
  onTapSent();
  const res = await pending;
  if (!res) return landed('tap');
  tapMs.push(performance.now() - sent);
  expect(res.status).toBe(200);
  recordTap(driver, res.body, retap);
  driver.done.add(card);
  driver.inFlight = null;
  return true;
}

function landed(where: string): false {
  count(stats.landed, where);
  return false;
}

function recordTap(driver: Driver, outcome: Record<string, unknown>, retap: boolean): void {
  const resolved = (outcome['resolved'] ?? []) as Array<{ resolution: string }>;
  const key = outcome['kind'] === 'accepted' ? (outcome['confirmedEarlierWrite'] ? 'accepted (confirmed an earlier write)' : 'accepted') : `${String(outcome['kind'])} ${String(outcome['reason'])}`;
  count(stats.outcomes, key);
  if (retap) count(stats.retaps, `${key}${resolved.length > 0 ? ` after settling ${resolved.map((r) => r.resolution).join(', ')}` : ''}`);
  if (outcome['kind'] === 'accepted') accepted.push({ rideId: driver.rideId as string, cardId: String(outcome['cardId']), units: Number(outcome['units']) });
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 20;

/**
 * One life of the terminal: started, driven, killed at a random moment. Kills come from a
 * timer (anywhere: mid-request, between requests), shortly after a tap request is sent
 * (spread over a tap's observed duration), or when the wallet shows a card write under way:
 * as its new image starts being saved (before the write lands) or the instant it is renamed
 * into place (after it landed, before the journal's commit).
 */
async function life(driver: Driver): Promise<void> {
  const { terminal, url } = await start();
  const api = createApi(url, rig.token, () => terminal.killing);
  const kill = () => terminal.kill('SIGKILL');
  let onTapSent = (): void => undefined;
  let watcher: ReturnType<typeof watch> | undefined;
  const mode = random();
  let nth = 1 + Math.floor(random() * 8);
  if (mode < 0.3) {
    const delay = random() * 1.2 * median(tapMs.slice(-20));
    stats.kills.afterTapSent += 1;
    onTapSent = () => void (--nth === 0 && setTimeout(kill, delay));
  } else if (mode < 0.65) {
    const saving = mode < 0.45;
    stats.kills[saving ? 'whileCardSaving' : 'whenCardSaved'] += 1;
    const matches = (file: string) => (saving ? file.startsWith('.') && file.endsWith('.tmp') : file.endsWith('.card.json') && !file.startsWith('.'));
    onTapSent = () => {
      if (--nth === 0) watcher = watch(join(rig.dataDir, 'wallet'), (_event, file) => void (file && matches(file) && kill()));
    };
  } else {
    stats.kills.timer += 1;
    setTimeout(kill, 20 + random() * 1400);
  }
  let alive = await resync(api, driver);
  while (alive) alive = await step(api, driver, onTapSent);
  watcher?.close();
  expect((await terminal.exited).signal).toBe('SIGKILL');
}

/** The last start: re-tap what was cut, close the ride, and tap every card once so all doubt is settled. */
async function settle(driver: Driver): Promise<void> {
  const { terminal, url } = await start();
  const api = createApi(url, rig.token, () => false);
  await resync(api, driver);
  if (driver.inFlight !== null) await step(api, driver, () => undefined);
  if (driver.rideId !== null) {
    const ride = (await api.get('/api/taxi/ride'))?.body['ride'] as { ride: { riders: unknown[] } };
    const res = await api.post(ride.ride.riders.length > 0 ? '/api/taxi/ride/close' : '/api/taxi/ride/cancel', {});
    expect(res?.status).toBe(200);
  }
  for (const card of CARDS) {
    const res = await api.post('/api/emulator/tap', { card });
    expect(res?.body).toMatchObject({ kind: 'rejected', reason: 'no-ride' });
    stats.tapsSent += 1;
  }
  terminal.kill('SIGTERM');
  expect(await terminal.exited).toEqual({ code: 0, signal: null });
}

describe('Crash safety', () => {
  it('after kill -9 at random moments during 200+ taps, restarts and re-taps, every card has used exactly the units of its committed intents', async () => {
    const began = performance.now();
    const driver: Driver = { rideId: null, plan: [], done: new Set(), inFlight: null };
    let lives = 0;
    while (stats.tapsSent < TAPS || lives < MIN_KILLS) {
      await life(driver);
      lives += 1;
    }
    await settle(driver);
    const account = readJournal(rig);
    const settled = [...inDoubtAtStart.keys()].map((id) => (account.committed.some((c) => c.intentId === id) ? 'committed (write had landed)' : 'aborted (write had not landed)'));
    report(lives, account, settled, performance.now() - began);

    // Nothing lost, nothing taken twice: each card's used units are exactly its committed intents' units.
    for (const [name, cardId] of rig.cards) {
      const journalUnits = account.committed.filter((c) => c.cardId === cardId).reduce((sum, c) => sum + c.units, 0);
      expect({ card: name, used: await unitsUsedOnCard(rig, name) }).toEqual({ card: name, used: journalUnits });
    }
    expect(account.openIntents).toBe(0);
    expect(account.aborted.filter((a) => a.reason !== 'write-not-landed')).toEqual([]);
    // One rider is taken at most once per ride, and every "accepted" the driver saw is committed.
    const perRide = new Map<string, number[]>();
    for (const c of account.committed) perRide.set(`${String(c.rideId)} ${c.cardId}`, [...(perRide.get(`${String(c.rideId)} ${c.cardId}`) ?? []), c.units]);
    expect([...perRide].filter(([, units]) => units.length > 1)).toEqual([]);
    for (const a of accepted) expect(perRide.get(`${a.rideId} ${a.cardId}`), `${a.cardId} in ${a.rideId}`).toEqual([a.units]);
    // The journal survived every kill whole: its hash chain verifies and its sequence has no gap.
    expect(account.chain).toEqual({ ok: true, checked: account.events.length });
    expect(account.events.map((e) => e.seq)).toEqual(Array.from({ length: account.lastSeq }, (_, i) => i + 1));

    // A tap answers accepted, or already-in-ride only when it repeats one whose answer the kill cut off.
    const answers = [...stats.outcomes.keys()].filter((k) => !k.startsWith('accepted') && k !== 'rejected fare-too-low');
    expect(answers.filter((k) => k !== 'rejected already-in-ride')).toEqual([]);
    expect(stats.outcomes.get('rejected already-in-ride') ?? 0).toBe(stats.retaps.get('rejected already-in-ride') ?? 0);
    // The kills reached the window between intent and commit on both sides of the card write.
    expect(new Set(settled)).toEqual(new Set(['committed (write had landed)', 'aborted (write had not landed)']));
  });
});

function report(lives: number, account: ReturnType<typeof readJournal>, settled: string[], ms: number): void {
  const tally = (xs: string[]) => Object.fromEntries([...xs.reduce((m, x) => (count(m, x), m), new Map<string, number>())]);
  const leftTemp = readdirSync(join(rig.dataDir, 'wallet')).filter((f) => f.endsWith('.tmp')).length;
  console.info(
    JSON.stringify(
      {
        seed: SEED, seconds: Math.round(ms / 1000), tapsSent: stats.tapsSent, kills: lives, killModes: stats.kills, killsLandedMidRequest: Object.fromEntries(stats.landed),
        walletSavesCutByKill: leftTemp, ridesClosed: stats.ridesClosed, outcomes: Object.fromEntries(stats.outcomes), retaps: Object.fromEntries(stats.retaps),
        inDoubtAtStart: inDoubtAtStart.size, inDoubtSettled: tally(settled), commits: account.committed.length, aborts: account.aborted.length, events: account.events.length,
        unitsTaken: account.committed.reduce((s, c) => s + c.units, 0), restartMsMedian: Math.round(median(stats.restartMs)),
      },
      null,
      1,
    ),
  );
}
