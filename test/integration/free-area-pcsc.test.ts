import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatedCard, createEmulatorChannel, type EmulatedCard } from '../../src/reader/emulator/index.js';
import { CardRemovedError, createPcscBackend, type CardChannel, type ReaderBackend } from '../../src/reader/index.js';
import { blankCardForLayout, buildNextSlot, defaultLayout, issueCard, readCard, writeNextState, type SlotState } from '../../src/free-area/index.js';
import { TEST_CARD_ID, signedTestGrants, testKeyStore } from '../vectors/fixture.js';
import { nextEvent } from './helpers/pcscd-events.js';
import { startPcscd, stopPcscd, VPCD_READER, withVpcdCard } from './helpers/pcscd.js';

/**
 * The free-area application through the whole PC/SC stack: pcsclite → pcscd → vpcd → the vpcd
 * bridge on a worker thread → the emulated card. Same operations, same APDU counts as in process.
 */
const layout = defaultLayout();
const keys = testKeyStore();
const ctx = { layout, keys };
const AT = Date.parse('2025-05-10T09:00:00+09:00');

function newCard(): EmulatedCard {
  return createEmulatedCard(blankCardForLayout(layout, keys, TEST_CARD_ID));
}

async function currentState(channel: CardChannel): Promise<SlotState> {
  const p = (await readCard(channel, ctx)).programmes[0];
  if (p?.status.kind !== 'ok') throw new Error(`programme is ${p?.status.kind}`);
  return p.status.current.state;
}

describe('free-area card operations through pcscd and vpcd', () => {
  let backend: ReaderBackend | undefined;
  beforeAll(async () => {
    await startPcscd();
    backend = createPcscBackend({ readerFilter: (name) => name === VPCD_READER });
    await backend.start();
  });
  const present = () => {
    if (!backend) throw new Error('the PC/SC backend did not start');
    return nextEvent(backend, 'card-present', { where: (e) => e.reader === VPCD_READER });
  };
  afterAll(async () => {
    await backend?.stop();
    await stopPcscd();
  });

  it('issues a grant, reads in 2 APDUs and decrements in 5', async () => {
    await withVpcdCard(newCard().image(), async () => {
      const { channel } = await present();
      await issueCard(channel, ctx, [signedTestGrants().coupon]);
      const read = await readCard(channel, ctx);
      expect(read.apdus).toBe(2);
      const p = read.programmes[0];
      if (p?.status.kind !== 'ok') throw new Error('the issued grant must verify');
      const next = buildNextSlot(p.status.current.state, { units: 1, atMs: AT, terminal: 3, macKeyVersion: 1 });
      const written = await writeNextState(channel, ctx, read, 0, next);
      expect(read.apdus + written.apdus).toBe(5);
      expect(await currentState(channel)).toEqual(next);
    });
  });

  it('reports a write torn in the field as CardRemovedError and leaves the old state', async () => {
    const card = newCard();
    await issueCard(createEmulatorChannel(card, 'emulator:setup'), ctx, [signedTestGrants().coupon]);
    const old = await currentState(createEmulatorChannel(card, 'emulator:setup'));
    const after = await withVpcdCard(card.image(), async ({ bridge }) => {
      const { channel } = await present();
      const read = await readCard(channel, ctx);
      const next = buildNextSlot(old, { units: 1, atMs: AT, terminal: 3, macKeyVersion: 1 });
      await bridge.card.setFaults({ tearAfterBytes: 17 });
      await expect(writeNextState(channel, ctx, read, 0, next)).rejects.toBeInstanceOf(CardRemovedError);
    });
    expect(await currentState(createEmulatorChannel(createEmulatedCard(after.image), 'emulator:after'))).toEqual(old);
  });
});
