import { describe, expect, it } from 'vitest';
import type { CardChannel } from '../reader/channel.js';
import { CardIoError, CardRemovedError, ReaderError } from '../reader/errors.js';
import type { FaultPlan } from '../reader/emulator/index.js';
import { issuedTestCard, seededRandom, signedTestGrants, type TestCard } from '../../test/vectors/fixture.js';
import { FreeAreaError, buildNextSlot, readCard, writeNextState } from './index.js';

const ITERATIONS = { random: 2500, mutated: 5000, faults: 2500 } as const;
const KNOWN = [FreeAreaError, CardIoError, CardRemovedError, ReaderError];
/** Status words a card might plausibly answer, to get random answers past the first check. */
const STATUS_WORDS = [0x9000, 0x9000, 0x9000, 0x6100, 0x6110, 0x6c00, 0x6c10, 0x6282, 0x6a82, 0x6982, 0x6983, 0x63c2, 0x6700, 0x6b00, 0x6581, 0x6f00];
const AT = Date.parse('2025-05-10T09:00:00+09:00');
/** Thousands of taps each: generous, since the shared CI cores may be busy. */
const TIMEOUT_MS = 180_000;

type Rng = ReturnType<typeof seededRandom>;
type Outcome = 'ok' | string;

/** A read, then a decrement of every programme that verified; returns what happened or throws an unknown error. */
async function readAndWrite(channel: CardChannel, t: Pick<TestCard, 'layout' | 'keys'>): Promise<Outcome> {
  try {
    const read = await readCard(channel, t);
    for (const p of read.programmes) {
      expect(['ok', 'bad-grant', 'bad-slots']).toContain(p.status.kind);
      if (p.status.kind !== 'ok') continue;
      const next = buildNextSlot(p.status.current.state, { units: 1, atMs: AT, terminal: 1, macKeyVersion: 1 });
      await writeNextState(channel, t, read, p.index, next);
    }
    return 'ok';
  } catch (error) {
    if (!KNOWN.some((k) => error instanceof k)) throw error;
    return (error as Error).name;
  }
}

function randomAnswer(rng: Rng): Uint8Array {
  const length = [0, 1, 2, rng.int(40), rng.int(300)][rng.int(5)] ?? 0;
  const out = rng.bytes(length);
  if (length >= 2 && rng.next() < 0.6) {
    const sw = STATUS_WORDS[rng.int(STATUS_WORDS.length)] ?? 0x9000;
    out[length - 2] = sw >> 8;
    out[length - 1] = sw & 0xff;
  }
  return out;
}

function randomChannel(rng: Rng): CardChannel {
  return { readerName: 'random', atr: new Uint8Array([0x3b, 0x00]), transmit: async () => randomAnswer(rng) };
}

/** Forwards to a real card and damages some answers: bit flips, cuts, junk appended, status words swapped, or noise. */
function mutatingChannel(inner: CardChannel, rng: Rng): CardChannel {
  const mutate = (res: Uint8Array): Uint8Array => {
    const out = res.slice();
    switch (rng.int(5)) {
      case 0:
        if (out.length > 0) out[rng.int(out.length)] = (out[rng.int(out.length)] ?? 0) ^ (1 << rng.int(8));
        return out;
      case 1:
        return out.subarray(0, rng.int(out.length + 1));
      case 2:
        return Uint8Array.from([...out, ...rng.bytes(1 + rng.int(8))]);
      case 3: {
        const sw = STATUS_WORDS[rng.int(STATUS_WORDS.length)] ?? 0;
        return Uint8Array.from([...out.subarray(0, Math.max(0, out.length - 2)), sw >> 8, sw & 0xff]);
      }
      default:
        return randomAnswer(rng);
    }
  };
  return { ...inner, transmit: async (cmd) => (rng.next() < 0.3 ? mutate(await inner.transmit(cmd)) : inner.transmit(cmd)) };
}

function randomFaults(rng: Rng): FaultPlan {
  const apdu = () => rng.int(6);
  switch (rng.int(6)) {
    case 0:
      return { garbleAt: apdu() };
    case 1:
      return { truncateAt: apdu(), truncateTo: rng.int(2) === 0 ? 0 : 1 };
    case 2:
      return { statusWordAt: { apdu: apdu(), sw: rng.next() < 0.5 ? (STATUS_WORDS[rng.int(STATUS_WORDS.length)] ?? 0) : rng.int(0x10000) } };
    case 3:
      return { tearAfterApdus: apdu() };
    case 4:
      return { tearAfterBytes: rng.int(37) };
    default:
      return { tearBeforeResponse: true, garbleAt: apdu() };
  }
}

function tally(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

describe('bad card answers', () => {
  it(`never crash a read or a write: ${ITERATIONS.random} answers of random bytes give typed errors`, async () => {
    const rng = seededRandom(20250510);
    const t = await issuedTestCard();
    const outcomes: Outcome[] = [];
    for (let i = 0; i < ITERATIONS.random; i++) outcomes.push(await readAndWrite(randomChannel(rng), t));
    expect(outcomes.filter((o) => o !== 'ok').length).toBeGreaterThan(ITERATIONS.random * 0.9);
    expect(Object.keys(tally(outcomes)).length).toBeGreaterThan(3);
  }, TIMEOUT_MS);

  it(`never crash a read or a write: ${ITERATIONS.mutated} taps with damaged answers from a real card give a result or a typed error`, async () => {
    const rng = seededRandom(7_001);
    const g = signedTestGrants();
    const t = await issuedTestCard([g.coupon, g.yen]);
    const outcomes: Outcome[] = [];
    for (let i = 0; i < ITERATIONS.mutated; i++) {
      t.card.setFaults(null);
      outcomes.push(await readAndWrite(mutatingChannel(t.tap(), rng), t));
    }
    const counts = tally(outcomes);
    expect(counts['ok']).toBeGreaterThan(0);
    expect(Object.keys(counts).length).toBeGreaterThan(3);
  }, TIMEOUT_MS);

  it(`never crash a read or a write: ${ITERATIONS.faults} taps under emulator faults give a result or a typed error, and the grant survives`, async () => {
    const rng = seededRandom(424242);
    const t = await issuedTestCard();
    const outcomes: Outcome[] = [];
    for (let i = 0; i < ITERATIONS.faults; i++) {
      t.card.setFaults(randomFaults(rng));
      outcomes.push(await readAndWrite(t.tap(), t));
    }
    t.card.setFaults(null);
    const after = await readCard(t.tap(), t);
    expect(after.programmes[0]?.status.kind).toBe('ok');
    expect(tally(outcomes)['ok']).toBeGreaterThan(0);
  }, TIMEOUT_MS);
});
