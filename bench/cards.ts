/**
 * Keys and issued cards for the benchmarks: fresh random keys held in memory and emulated
 * cards issued with them, as the office would issue them. Nothing here is written to disk.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { CardChannel } from '../src/reader/channel.js';
import { cpuMs, threadCpuMs } from './harness.js';
import {
  blankCardForLayout,
  buildNextSlot,
  readCard,
  writeNextState,
  type CardRead,
  createIssuerSigner,
  createMemoryKeyStore,
  defaultLayout,
  issueCard,
  newCardId,
  type CardContext,
  type GrantRequest,
  type IssuerSigner,
  type Layout,
} from '../src/free-area/index.js';
import { createEmulatedCard, createEmulatorChannel, type EmulatedCard } from '../src/reader/emulator/index.js';

export interface BenchIssuer {
  readonly layout: Layout;
  readonly card: CardContext;
  readonly signer: IssuerSigner;
  /** A new emulated card (random card ID) with `grants` issued on it. */
  issue(grants: readonly GrantRequest[]): Promise<EmulatedCard>;
}

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

export function createBenchIssuer(layout: Layout = defaultLayout()): BenchIssuer {
  const signer = createIssuerSigner(generateKeyPairSync('ed25519').privateKey, 1);
  const keys = createMemoryKeyStore({
    issuerPublicKeys: new Map([[1, signer.publicKey]]),
    macMasterKeys: new Map([[1, random(32)]]),
    authMasterKeys: new Map([[1, random(32)]]),
  });
  const card: CardContext = { layout, keys };
  return {
    layout,
    card,
    signer,
    issue: (grants) => issueWith(card, signer, grants),
  };
}

/** A new emulated card (random card ID) for `ctx`'s layout and keys, with `grants` issued by `signer`. */
export async function issueWith(ctx: CardContext, signer: IssuerSigner, grants: readonly GrantRequest[]): Promise<EmulatedCard> {
  const { layout, keys } = ctx;
  const emulated = createEmulatedCard(blankCardForLayout(layout, keys, newCardId(random)));
  await issueCard(createEmulatorChannel(emulated, 'emulator:issuer'), { layout, keys, signer }, grants);
  return emulated;
}

/**
 * A 大紀町-style coupon grant (programme 244716-1) with an allowance no benchmark uses up and
 * no daily or monthly limit, valid `from`..`until` (YYYY-MM-DD).
 */
export function benchGrant(from: string, until: string, serial = 1): GrantRequest {
  return {
    programme: { municipality: 244716, number: 1 },
    unit: 'coupon',
    amount: 1_000_000,
    validFrom: from,
    validUntil: until,
    dailyUses: 0,
    monthlyUnits: 0,
    serial,
    ext: new Uint8Array(0),
  };
}

/** Noon in Japan on a day inside the bench grant's validity. */
export const BENCH_NOW = Date.parse('2025-06-10T12:00:00+09:00');

/** One decrement of programme 0 on `channel`: read and verify, build the next slot, authenticate and write. */
export async function decrement(channel: CardChannel, ctx: CardContext, atMs = BENCH_NOW): Promise<{ read: CardRead; apdus: number }> {
  const read = await readCard(channel, ctx);
  const status = read.programmes[0]?.status;
  if (status?.kind !== 'ok') throw new Error(`bench card unreadable: ${status?.kind ?? 'no programme'}`);
  const next = buildNextSlot(status.current.state, { units: 1, atMs, terminal: 1, macKeyVersion: ctx.keys.currentMacKeyVersion });
  const written = await writeNextState(channel, ctx, read, 0, next);
  return { read, apdus: read.apdus + written.apdus };
}

/** A channel that sums the wall, process CPU and thread CPU time spent inside `transmit`: the card's I/O. */
export function timedChannel(inner: CardChannel): { channel: CardChannel; wall(): number; cpu(): number; thread(): number } {
  let wall = 0;
  let cpu = 0;
  let thread = 0;
  const channel: CardChannel = {
    readerName: inner.readerName,
    atr: inner.atr,
    async transmit(command) {
      const started = performance.now();
      const cpu0 = cpuMs();
      const thread0 = threadCpuMs();
      try {
        return await inner.transmit(command);
      } finally {
        thread += threadCpuMs() - thread0;
        cpu += cpuMs() - cpu0;
        wall += performance.now() - started;
      }
    },
  };
  return { channel, wall: () => wall, cpu: () => cpu, thread: () => thread };
}
