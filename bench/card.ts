/**
 * Issue 2's figures: APDUs per read and per decrement, and the CPU a read and a decrement
 * cost on the in-process emulator and in software alone. The pcscd + vpcd figures are in
 * `card-vpcd.ts`.
 */
import { authCryptogram, CHALLENGE_LENGTH } from '../src/reader/auth-cryptogram.js';
import type { CardChannel } from '../src/reader/channel.js';
import { createEmulatorChannel, type EmulatedCard } from '../src/reader/emulator/index.js';
import {
  buildNextSlot,
  decodeHeader,
  encodeHeader,
  encodeSlotWrite,
  readCard,
  verifyProgramme,
  type CardContext,
  type CardRead,
} from '../src/free-area/index.js';
import { BENCH_NOW, benchGrant, createBenchIssuer, decrement } from './cards.js';
import { vpcdRows } from './card-vpcd.js';
import { ms, row, sample, summarize, type BenchModule, type BenchRow, type Samples } from './harness.js';

const GROUP = 'card';
const READS = 3000;
const DECREMENTS = 2000;
const SOFTWARE_RUNS = 5000;

export const cardBench: BenchModule = {
  name: 'card',
  async run() {
    const issuer = createBenchIssuer();
    const card = await issuer.issue([benchGrant('2025-04-01', '2026-03-31')]);
    return [...(await apduRows(card, issuer.card)), ...(await cpuRows(card, issuer.card)), ...(await vpcdRows())];
  },
};

async function apduRows(card: EmulatedCard, ctx: CardContext): Promise<BenchRow[]> {
  const onlyRead = recording(createEmulatorChannel(card, 'emulator:bench'));
  const before = card.stats.apdus;
  const read = await readCard(onlyRead.channel, ctx);
  const readOnCard = card.stats.apdus - before;
  const full = recording(createEmulatorChannel(card, 'emulator:bench'));
  const { apdus } = await decrement(full.channel, ctx);
  const decrementOnCard = card.stats.apdus - before - readOnCard;
  return [
    row(GROUP, 'APDUs per read-only check', readOnCard, 'APDUs', { text: '≤ 3', ok: (v) => v <= 3 }, `${onlyRead.sent.join(', ')} (readCard counted ${read.apdus})`),
    row(GROUP, 'APDUs per decrement', decrementOnCard, 'APDUs', { text: '≤ 5', ok: (v) => v <= 5 }, `${full.sent.join(', ')} (operations counted ${apdus})`),
  ];
}

async function cpuRows(card: EmulatedCard, ctx: CardContext): Promise<BenchRow[]> {
  const tap = () => createEmulatorChannel(card, 'emulator:bench');
  const reads = await sample(READS, () => readCard(tap(), ctx));
  const decrements = await sample(DECREMENTS, () => decrement(tap(), ctx));
  const software = await sample(SOFTWARE_RUNS, softwareDecrement(await readCard(tap(), ctx), ctx));
  return [
    ...cpuPair('read+verify on emulator', reads, 'power-on, SELECT, READ BINARY and verification, the emulator\'s own processing included'),
    ...cpuPair('decrement on emulator', decrements, 'read+verify, build, MAC, encode, GET CHALLENGE, EXTERNAL AUTHENTICATE, UPDATE BINARY, the emulator included'),
    ...cpuPair(
      'decrement, software only',
      software,
      'decode header, verify grant signature and both slot MACs, decide nothing, build next slot, MAC, encode APDUs, auth cryptogram; no card',
      { text: '≤ 1 ms p99', ok: (v) => v <= 1 },
    ),
  ];
}

/**
 * The software part of a decrement, from the bytes a read returned: what the target
 * "verify, decide nothing, build, MAC, encode" means, plus the write-authentication cryptogram.
 */
function softwareDecrement(read: CardRead, ctx: CardContext): () => void {
  const programme = read.programmes[0];
  if (!programme) throw new Error('bench card has no programme');
  const headerBytes = encodeHeader(read.header);
  const challenge = new Uint8Array(CHALLENGE_LENGTH).fill(0x5a);
  return () => {
    const header = decodeHeader(headerBytes);
    const verified = verifyProgramme(header, 0, programme.grantBytes, programme.slotBytes, ctx.keys);
    if (verified.status.kind !== 'ok') throw new Error('bench card does not verify');
    const next = buildNextSlot(verified.status.current.state, { units: 1, atMs: BENCH_NOW, terminal: 1, macKeyVersion: ctx.keys.currentMacKeyVersion });
    encodeSlotWrite(ctx.layout, ctx.keys, { readerName: 'bench', header, programmes: [verified], apdus: 0 }, 0, next);
    authCryptogram(ctx.keys.authKeyFor(header.cardId, header.authKeyVersion), challenge);
  };
}

function cpuPair(what: string, s: Samples, note: string, p99Target?: { text: string; ok: (v: number) => boolean }): BenchRow[] {
  const cpu = summarize(s.cpu);
  const wall = summarize(s.wall);
  return [
    row(GROUP, `${what}: CPU p50`, cpu.p50, 'ms', undefined, `${note}; n=${cpu.n}`),
    row(GROUP, `${what}: CPU p99`, cpu.p99, 'ms', p99Target, `wall p50 ${ms(wall.p50)} ms, p99 ${ms(wall.p99)} ms`),
  ];
}

const INS_NAMES: Readonly<Record<number, string>> = {
  0xa4: 'SELECT',
  0xb0: 'READ BINARY',
  0x84: 'GET CHALLENGE',
  0x82: 'EXTERNAL AUTHENTICATE',
  0xd6: 'UPDATE BINARY',
  0xc0: 'GET RESPONSE',
};

/** A channel that notes the command of every APDU sent through it. */
function recording(inner: CardChannel): { channel: CardChannel; sent: string[] } {
  const sent: string[] = [];
  const channel: CardChannel = {
    readerName: inner.readerName,
    atr: inner.atr,
    transmit(command) {
      const ins = command[1] ?? -1;
      sent.push(INS_NAMES[ins] ?? `INS ${ins.toString(16)}`);
      return inner.transmit(command);
    },
  };
  return { channel, sent };
}
