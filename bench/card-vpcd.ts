/**
 * A tap through the whole PC/SC stack: pcsclite → pcscd → vpcd driver → TCP → vpcd bridge →
 * emulated card, the bridge and the card on a worker thread (see `vpcd-card-thread.ts`). vpcd adds a fixed round trip to every APDU, so it is measured on its own (a
 * SELECT of an AID the card lacks, answered 6A82 at once) and subtracted from the tap.
 *
 * On Debian's vpcd 3.3 that round trip is ~40 ms: vpcd sends each frame's 2-byte length and its
 * body in two send() calls on a socket without TCP_NODELAY, so Nagle holds the body until the
 * bridge's side ACKs the length, which Linux delays by its 40 ms minimum. A real reader has no
 * such socket; the figures that matter for it are the APDU count and the software time.
 */
import { createEmulatorChannel } from '../src/reader/emulator/index.js';
import type { CardContext } from '../src/free-area/index.js';
import { createPcscBackend, type CardChannel, type ReaderBackend } from '../src/reader/index.js';
import { startVpcdCardThread, type VpcdCardThread } from '../src/reader/vpcd-card-thread.js';
import { benchGrant, createBenchIssuer, decrement, timedChannel, type BenchIssuer } from './cards.js';
import { leasePcscd, VPCD } from './pcscd.js';
import { ms, row, sample, skippedRow, summarize, type BenchRow } from './harness.js';

const GROUP = 'card/vpcd';
/** Few, because every APDU through vpcd takes tens of ms (see the round-trip row). */
const TAPS = 80;
const ROUND_TRIPS = 150;
/** SELECT by DF name of an AID no card has: the card answers 6A82 without doing any work. */
const SELECT_MISSING = Uint8Array.from([0x00, 0xa4, 0x04, 0x0c, 0x07, 0xa0, 0x00, 0x00, 0x00, 0x00, 0xfa, 0xfa]);

export async function vpcdRows(): Promise<BenchRow[]> {
  const lease = await leasePcscd();
  if (!lease.ok) return [skippedRow(GROUP, 'tap through pcscd + vpcd', 'ms', lease.reason)];
  const issuer = createBenchIssuer();
  const card = await issuer.issue([benchGrant('2025-04-01', '2026-03-31')]);
  const backend = createPcscBackend({ backoff: { initialMs: 50, maxMs: 500 }, readerFilter: (name) => name === VPCD.reader });
  const bridge = startVpcdCardThread(card.image(), { port: VPCD.port });
  try {
    const channel = await cardOnVpcd(backend, bridge);
    return await measure(channel, bridge, issuer, lease.how);
  } catch (error) {
    return [skippedRow(GROUP, 'tap through pcscd + vpcd', 'ms', `the PC/SC stack failed: ${(error as Error).message}`)];
  } finally {
    await bridge.stop();
    await backend.stop();
    await lease.release();
  }
}

async function measure(channel: CardChannel, bridge: VpcdCardThread, issuer: BenchIssuer, how: string): Promise<BenchRow[]> {
  const ctx: CardContext = issuer.card;
  const inProcess = createEmulatorChannel(await issuer.issue([benchGrant('2025-04-01', '2026-03-31')]), 'emulator:bench');
  const local = summarize((await sample(ROUND_TRIPS * 5, () => inProcess.transmit(SELECT_MISSING))).wall);
  const before = await bridge.stats();
  const trips = summarize((await sample(ROUND_TRIPS, () => channel.transmit(SELECT_MISSING), { warmup: 20 })).wall);
  const between = await bridge.stats();
  let apdus = 0;
  const timed = timedChannel(channel);
  const inChannel: number[] = [];
  const tapWalls = (
    await sample(
      TAPS,
      async () => {
        const sent = timed.wall();
        apdus = (await decrement(timed.channel, ctx)).apdus;
        inChannel.push(timed.wall() - sent);
      },
      { warmup: 10 },
    )
  ).wall;
  const taps = summarize(tapWalls);
  // The last TAPS entries of inChannel belong to the measured taps (the first ones to the warm-up).
  const software = summarize(tapWalls.map((wall, i) => wall - (inChannel[inChannel.length - TAPS + i] ?? Number.NaN)));
  const after = await bridge.stats();
  const cardMsPerApdu = (between.cardMs - before.cardMs) / Math.max(1, between.apdus - before.apdus);
  const cardMsPerTap = (after.cardMs - between.cardMs) / Math.max(1, (after.apdus - between.apdus) / apdus);
  return [
    row(GROUP, 'tap (read + decrement) p50', taps.p50, 'ms', undefined, `n=${taps.n}, card kept in the field (pcscd's 400 ms presence poll not included); ${how}`),
    row(GROUP, 'tap (read + decrement) p99', taps.p99, 'ms'),
    row(GROUP, 'APDUs per tap', apdus, 'APDUs'),
    row(GROUP, 'APDU round trip p50', trips.p50, 'ms', undefined, `SELECT of a missing AID (6A82), n=${trips.n}; the same on the in-process emulator ${ms(local.p50)} ms; the card's own time behind vpcd ${ms(cardMsPerApdu)} ms`),
    row(GROUP, 'APDU round trip p99', trips.p99, 'ms'),
    row(GROUP, 'tap minus APDU round trips p50', taps.p50 - apdus * trips.p50, 'ms', undefined, `tap p50 − ${apdus} × round trip p50: our software, the card, and APDUs that waited behind pcscd's presence polls`),
    row(GROUP, 'tap, software outside the channel p50', software.p50, 'ms', undefined, `tap − time inside CardChannel.transmit: verify, build, MAC, encode; the emulated card took ${ms(cardMsPerTap)} ms a tap`),
  ];
}

/** Starts the backend and the bridge and resolves with the channel pcscd hands out for the card. */
async function cardOnVpcd(backend: ReaderBackend, bridge: VpcdCardThread, timeoutMs = 15_000): Promise<CardChannel> {
  let timer: NodeJS.Timeout | undefined;
  const present = new Promise<CardChannel>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no card on "${VPCD.reader}" within ${timeoutMs} ms`)), timeoutMs);
    backend.on('card-present', ({ reader, channel }) => {
      if (reader === VPCD.reader) resolve(channel);
    });
  });
  try {
    await backend.start();
    await bridge.start();
    return await present;
  } finally {
    // Also when a start failed: the timer must not reject a promise nobody awaits any more.
    clearTimeout(timer);
  }
}
