import { describe, expect, it } from 'vitest';
import type { CardChannel } from '../reader/channel.js';
import { CardRemovedError } from '../reader/errors.js';
import type { FaultPlan } from '../reader/emulator/index.js';
import { issuedTestCard, signedTestGrants, type TestCard } from '../../test/vectors/fixture.js';
import { SLOT, buildNextSlot, readCard, writeNextState, type SlotState } from './index.js';

const START = Date.parse('2025-05-10T07:00:00+09:00');
/** SELECT, READ BINARY, GET CHALLENGE, EXTERNAL AUTHENTICATE, UPDATE BINARY. */
const DECREMENT_APDUS = 5;

async function currentState(t: TestCard): Promise<SlotState> {
  const read = await readCard(t.tap(), t);
  const p = read.programmes[0];
  if (p?.status.kind !== 'ok') throw new Error(`programme is ${p?.status.kind}: ${p?.status.error.message}`);
  expect(p.grantBytes.subarray(0, signedTestGrants().coupon.bytes.length)).toEqual(signedTestGrants().coupon.bytes);
  return p.status.current.state;
}

/** One decrement on a fresh tap; `channel` lets a test put a fault at a chosen APDU. */
async function decrement(t: TestCard, step: number, channel: CardChannel = t.tap()): Promise<SlotState> {
  const read = await readCard(channel, t);
  const p = read.programmes[0];
  if (p?.status.kind !== 'ok') throw new Error('programme must verify before a decrement');
  const next = buildNextSlot(p.status.current.state, { units: 1, atMs: START + step * 60_000, terminal: 9, macKeyVersion: 1 });
  await writeNextState(channel, t, read, 0, next);
  return next;
}

/** The state a decrement would write, computed without the card. */
function expectedNext(old: SlotState, step: number): SlotState {
  return buildNextSlot(old, { units: 1, atMs: START + step * 60_000, terminal: 9, macKeyVersion: 1 });
}

/** A channel that arms `plan` on the card just before APDU `at` of this tap. */
function faultAt(t: TestCard, at: number, plan: FaultPlan): CardChannel {
  const inner = t.tap();
  let sent = 0;
  return {
    ...inner,
    transmit: (cmd) => {
      if (sent++ === at) t.card.setFaults(plan);
      return inner.transmit(cmd);
    },
  };
}

async function cardAfterWrites(prior: number): Promise<{ t: TestCard; old: SlotState }> {
  const t = await issuedTestCard();
  for (let i = 0; i < prior; i++) await decrement(t, i);
  return { t, old: await currentState(t) };
}

/** Runs a torn decrement and checks the card reads as exactly the old or the new state, then takes the next write. */
async function tearAndCheck(prior: number, tear: (t: TestCard) => { channel?: CardChannel }): Promise<'old' | 'new'> {
  const { t, old } = await cardAfterWrites(prior);
  const { channel } = tear(t);
  const error = await decrement(t, prior, channel).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CardRemovedError);
  t.card.setFaults(null);
  const after = await currentState(t);
  const next = expectedNext(old, prior);
  const outcome = JSON.stringify(after) === JSON.stringify(old) ? 'old' : 'new';
  expect(after).toEqual(outcome === 'old' ? old : next);
  const resumed = await decrement(t, prior + 1);
  expect(resumed.seq).toBe(after.seq + 1);
  expect(await currentState(t)).toEqual(resumed);
  return outcome;
}

describe.each([0, 1, 2])('a write torn on a card with %i earlier writes', (prior) => {
  it('reads as the old state or the new one for a tear after every byte of the slot', async () => {
    const outcomes: string[] = [];
    for (let bytes = 0; bytes <= SLOT.size; bytes++) {
      outcomes.push(await tearAndCheck(prior, (t) => (t.card.setFaults({ tearAfterBytes: bytes }), {})));
    }
    // Only the complete slot is the new state: every partial write fails its MAC.
    expect(outcomes.lastIndexOf('old')).toBe(SLOT.size - 1);
    expect(outcomes[SLOT.size]).toBe('new');
  }, 120_000);

  it('reads as the old state or the new one when the card leaves before any APDU of the decrement', async () => {
    const outcomes: string[] = [];
    for (let apdus = 0; apdus < DECREMENT_APDUS; apdus++) {
      outcomes.push(await tearAndCheck(prior, (t) => (t.card.setFaults({ tearAfterApdus: apdus }), {})));
    }
    expect(outcomes).toEqual(['old', 'old', 'old', 'old', 'old']);
  });

  it('reads as the old state or the new one when the answer to any APDU of the decrement is lost', async () => {
    const outcomes: string[] = [];
    for (let at = 0; at < DECREMENT_APDUS; at++) {
      outcomes.push(await tearAndCheck(prior, (t) => ({ channel: faultAt(t, at, { tearBeforeResponse: true }) })));
    }
    // The UPDATE executed before its answer was lost: the write landed, unconfirmed.
    expect(outcomes).toEqual(['old', 'old', 'old', 'old', 'new']);
  });
});

describe('repeated tears', () => {
  it('survives one tear after another on the same slot and then takes the next write', async () => {
    const { t, old } = await cardAfterWrites(2);
    for (const bytes of [30, 5, 17]) {
      t.card.setFaults({ tearAfterBytes: bytes });
      await expect(decrement(t, 2)).rejects.toBeInstanceOf(CardRemovedError);
      t.card.setFaults(null);
      expect(await currentState(t)).toEqual(old);
    }
    expect(await decrement(t, 3)).toMatchObject({ seq: old.seq + 1, used: old.used + 1 });
  });
});
