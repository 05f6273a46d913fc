import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractCardImage, CONTRACT_AID, OPEN_EF } from '../../src/reader/contract.js';
import { createEmulatedCard, createEmulatorChannel } from '../../src/reader/emulator/index.js';
import {
  createPcscBackend,
  SW_OK,
  transceive,
  type CardChannel,
  type Command,
  type ReaderBackend,
} from '../../src/reader/index.js';
import { nextEvent } from './helpers/pcscd-events.js';
import { startPcscd, stopPcscd, VPCD_READER, VPCD_READERS } from './helpers/pcscd.js';
import type { VpcdCardThread } from '../../src/reader/vpcd-card-thread.js';
import { createWorkerVpcdBridge } from './helpers/vpcd-card.js';

/**
 * What one APDU costs through the whole PC/SC stack (pcsclite → pcscd → vpcd driver → TCP →
 * bridge on a worker thread → emulator) against the emulator called in-process. The figures are printed; the
 * assertions only check that every command succeeded and that the two paths differ as expected.
 */
const ROUNDS = 60;
const SELECT: Command = { ins: 0xa4, p1: 0x04, p2: 0x0c, data: CONTRACT_AID };
const READ: Command = { ins: 0xb0, p1: 0x80 | OPEN_EF.sfi, p2: 0, le: 64 };

interface Figures {
  p50: number;
  p99: number;
  mean: number;
}

function figures(samples: number[]): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), mean: samples.reduce((s, x) => s + x, 0) / samples.length };
}

async function timeApdus(channel: CardChannel, rounds: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    const res = await transceive(channel, READ);
    samples.push(performance.now() - started);
    expect(res.sw).toBe(SW_OK);
  }
  return samples;
}

const fmt = (f: Figures) => `p50 ${f.p50.toFixed(3)} ms, p99 ${f.p99.toFixed(3)} ms, mean ${f.mean.toFixed(3)} ms`;

describe('per-APDU time through pcscd + vpcd', () => {
  let backend: ReaderBackend;
  let bridge: VpcdCardThread | undefined;
  beforeAll(async () => {
    await startPcscd();
    backend = createPcscBackend({ readerFilter: (name) => name === VPCD_READER });
    await backend.start();
  });
  afterAll(async () => {
    await bridge?.stop();
    await backend.stop();
    await stopPcscd();
  });

  it('costs a fixed socket delay per APDU on top of what the emulator itself takes', async () => {
    const inProcessCard = createEmulatedCard(contractCardImage());
    const local = createEmulatorChannel(inProcessCard, 'emulator:latency');
    expect((await transceive(local, SELECT)).sw).toBe(SW_OK);
    await timeApdus(local, ROUNDS);
    const inProcess = figures(await timeApdus(local, ROUNDS * 10));

    bridge = createWorkerVpcdBridge(contractCardImage(), { port: VPCD_READERS[0].port });
    const present = nextEvent(backend, 'card-present', { where: (e) => e.reader === VPCD_READER });
    await bridge.start();
    const { channel } = await present;
    expect((await transceive(channel, SELECT)).sw).toBe(SW_OK);
    await timeApdus(channel, 5);
    const before = await bridge.stats();
    const samples = await timeApdus(channel, ROUNDS);
    const after = await bridge.stats();
    const viaPcscd = figures(samples);
    const cardMsPerApdu = (after.cardMs - before.cardMs) / (after.apdus - before.apdus);

    process.stdout.write(
      [
        '',
        `READ BINARY (64 bytes), ${ROUNDS} rounds through pcscd + vpcd, ${ROUNDS * 10} in-process:`,
        `  in-process emulator      ${fmt(inProcess)}`,
        `  pcscd + vpcd round trip  ${fmt(viaPcscd)}`,
        `  of which the emulated card ${cardMsPerApdu.toFixed(3)} ms; PC/SC + vpcd socket ${(viaPcscd.mean - cardMsPerApdu).toFixed(3)} ms`,
        '',
      ].join('\n'),
    );

    expect(after.apdus - before.apdus).toBe(ROUNDS);
    expect(viaPcscd.p50).toBeGreaterThan(inProcess.p50);
    expect(cardMsPerApdu).toBeLessThan(viaPcscd.p50);
  });
});
