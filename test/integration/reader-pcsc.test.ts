import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contractCardImage, CONTRACT_AID, describeCardChannelContract } from '../../src/reader/contract.js';
import {
  CardRemovedError,
  createPcscBackend,
  listPcscReaders,
  openPcscChannel,
  ReaderError,
  ReaderUnavailableError,
  SW_OK,
  toHex,
  transceive,
  type ReaderBackend,
} from '../../src/reader/index.js';
import { nextEvent, recordEvents } from './helpers/pcscd-events.js';
import { requireNoPcscd, restartPcscd, startPcscd, stopPcscd, VPCD_READER, VPCD_READERS } from './helpers/pcscd.js';
import type { VpcdCardThread } from '../../src/reader/vpcd-card-thread.js';
import { createWorkerVpcdBridge } from './helpers/vpcd-card.js';

const run = promisify(execFile);
const SELECT = { ins: 0xa4, p1: 0x04, p2: 0x0c, data: CONTRACT_AID } as const;
const FAST_BACKOFF = { initialMs: 50, maxMs: 500 };

async function waitFor(test: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const onlyFirstVpcd = (name: string) => name === VPCD_READER;
const newBridge = (image = contractCardImage()): VpcdCardThread => createWorkerVpcdBridge(image, { port: VPCD_READERS[0].port, backoff: FAST_BACKOFF });
const presentOnVpcd = (backend: ReaderBackend) => nextEvent(backend, 'card-present', { where: (e) => e.reader === VPCD_READER });
const removedFromVpcd = (backend: ReaderBackend) => nextEvent(backend, 'card-removed', { where: (e) => e.reader === VPCD_READER });

describe('PC/SC backend before pcscd runs', () => {
  beforeAll(requireNoPcscd);

  it('reports the service down with how to start it, then comes up when pcscd starts', async () => {
    const backend = createPcscBackend({ backoff: FAST_BACKOFF, readerFilter: onlyFirstVpcd });
    const down = nextEvent(backend, 'backend-down');
    await backend.start();
    try {
      const { error } = await down;
      expect(error).toBeInstanceOf(ReaderUnavailableError);
      expect(error.message).toContain('systemctl start pcscd');
      const up = nextEvent(backend, 'backend-up');
      const attached = nextEvent(backend, 'reader-attached');
      await startPcscd();
      await up;
      expect((await attached).reader).toBe(VPCD_READER);
      expect(backend.readers()).toEqual([VPCD_READER]);
    } finally {
      await backend.stop();
      await stopPcscd();
    }
  });

  it('refuses to list readers with an error that says to start pcscd', async () => {
    await expect(listPcscReaders()).rejects.toThrow(/pcscd/);
    await expect(listPcscReaders()).rejects.toBeInstanceOf(ReaderUnavailableError);
  });
});

describe('pcscd with the vpcd driver', () => {
  let backend: ReaderBackend;
  beforeAll(async () => {
    await startPcscd();
    backend = createPcscBackend({ backoff: FAST_BACKOFF, readerFilter: onlyFirstVpcd });
    const attached = nextEvent(backend, 'reader-attached');
    await backend.start();
    await attached;
  });
  afterAll(async () => {
    await backend.stop();
    await stopPcscd();
  });

  it('shows the virtual readers to opensc-tool and to listPcscReaders', async () => {
    const { stdout } = await run('opensc-tool', ['-l']);
    expect(stdout).toContain('Virtual PCD 00 00');
    expect(await listPcscReaders()).toEqual(expect.arrayContaining(VPCD_READERS.map((r) => r.reader)));
  });

  describeCardChannelContract('pcscd + vpcd', async () => {
    const bridge = newBridge();
    const present = presentOnVpcd(backend);
    await bridge.start();
    const { channel } = await present;
    // Listening from the start: a torn card leaves the field on its own, maybe before teardown.
    const removed = nextEvent(backend, 'card-removed', { timeoutMs: 120_000, where: (e) => e.reader === VPCD_READER });
    const removeCard = async () => {
      await bridge.remove();
      await removed;
    };
    return {
      channel,
      card: bridge.card,
      removeCard,
      teardown: async () => {
        await removeCard();
        await bridge.stop();
      },
    };
  });

  describe('one-shot use by the command line', () => {
    let bridge: VpcdCardThread | undefined;
    afterEach(async () => {
      await bridge?.stop();
      bridge = undefined;
    });

    it('opens a channel on a named reader once a card is there', async () => {
      bridge = newBridge();
      await bridge.start();
      const removed = removedFromVpcd(backend);
      const shot = await openPcscChannel(VPCD_READER, { timeoutMs: 10_000 });
      try {
        expect(toHex(shot.atr)).toBe(toHex(bridge.card.atr));
        expect((await transceive(shot.channel, SELECT)).sw).toBe(SW_OK);
      } finally {
        await shot.close();
      }
      await bridge.remove();
      await removed;
    });

    it('names the readers it knows when the requested one does not exist', async () => {
      const failure = openPcscChannel('No Such Reader', { timeoutMs: 1_000 });
      await expect(failure).rejects.toBeInstanceOf(ReaderError);
      await expect(failure).rejects.toThrow(/"Virtual PCD 00 00"/);
    });

    it('says when no card arrives on the reader in time', async () => {
      await expect(openPcscChannel(VPCD_READERS[1].reader, { timeoutMs: 1_000 })).rejects.toThrow(/no card on reader/);
    });
  });
});

describe('recovery without restarting the process', () => {
  let backend: ReaderBackend;
  let bridge: VpcdCardThread | undefined;
  beforeAll(async () => {
    await startPcscd();
    backend = createPcscBackend({ backoff: FAST_BACKOFF, readerFilter: onlyFirstVpcd });
    const attached = nextEvent(backend, 'reader-attached');
    await backend.start();
    await attached;
  });
  afterAll(async () => {
    await bridge?.stop();
    await backend.stop();
    await stopPcscd();
  });

  /** Takes away the card an earlier test left in the field, and waits until pcscd has seen it go. */
  async function clearField(): Promise<void> {
    const previous = bridge;
    bridge = undefined;
    if (previous === undefined) return;
    const removed = (await previous.connected()) ? removedFromVpcd(backend) : undefined;
    await previous.stop();
    await removed;
  }

  it('sees a virtual card arrive, talks to it, and sees it leave', async () => {
    await clearField();
    bridge = newBridge();
    const present = presentOnVpcd(backend);
    await bridge.start();
    const { channel, atr } = await present;
    expect(toHex(atr)).toBe(toHex(bridge.card.atr));
    expect((await transceive(channel, SELECT)).sw).toBe(SW_OK);
    const removed = removedFromVpcd(backend);
    await bridge.remove();
    await removed;
    await expect(channel.transmit(Uint8Array.of(0, 0xa4, 4, 0x0c))).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('sees a removal when the card source turns empty: the bridge hangs up at the next ATR poll', async () => {
    await clearField();
    const held = newBridge();
    bridge = held;
    const present = presentOnVpcd(backend);
    await bridge.start();
    await present;
    const reasons: string[] = [];
    // The bridge's thread reports its hang-up on its own time, before or after pcscd's removal.
    const hungUp = new Promise<void>((resolve) =>
      held.onDisconnected((reason) => {
        reasons.push(reason);
        resolve();
      }),
    );
    const removed = removedFromVpcd(backend);
    await bridge.empty();
    await Promise.all([removed, hungUp]);
    expect(reasons).toEqual(['removed']);
    expect(await bridge.connected()).toBe(false);
    const again = presentOnVpcd(backend);
    await bridge.insert();
    const { channel } = await again;
    expect((await transceive(channel, SELECT)).sw).toBe(SW_OK);
  });

  it('connects a card whose ATR offers only T=0, after T=1 is refused', async () => {
    const protocols: unknown[] = [];
    const note = (fields: object) => {
      if ('protocol' in fields) protocols.push(fields.protocol);
    };
    const ignore = () => undefined;
    const watcher = createPcscBackend({ readerFilter: onlyFirstVpcd, logger: { debug: note, info: ignore, warn: ignore, error: ignore } });
    const image = contractCardImage();
    // TS=3B, T0=00: no interface bytes, so T=0 only.
    image.atr = '3B00';
    await clearField();
    bridge = newBridge(image);
    try {
      await watcher.start();
      const present = presentOnVpcd(watcher);
      await bridge.start();
      const { channel, atr } = await present;
      expect(toHex(atr)).toBe('3B00');
      expect((await transceive(channel, SELECT)).sw).toBe(SW_OK);
      expect(protocols).toEqual(['T=0']);
      const removed = removedFromVpcd(backend);
      await bridge.stop();
      await removed;
    } finally {
      await watcher.stop();
    }
  });

  it('sees the card again after the bridge process is stopped and started', async () => {
    await clearField();
    bridge = newBridge();
    let present = presentOnVpcd(backend);
    await bridge.start();
    await present;
    const removed = removedFromVpcd(backend);
    const image = await bridge.card.image();
    await bridge.stop();
    await removed;
    bridge = newBridge(image);
    present = presentOnVpcd(backend);
    await bridge.start();
    const { channel } = await present;
    expect((await transceive(channel, SELECT)).sw).toBe(SW_OK);
  });

  it('comes back after pcscd restarts: backend-down, backend-up, then the card again', async () => {
    await clearField();
    bridge = newBridge();
    const first = presentOnVpcd(backend);
    await bridge.start();
    await first;
    const events = recordEvents(backend);
    const down = nextEvent(backend, 'backend-down');
    const up = nextEvent(backend, 'backend-up', { timeoutMs: 30_000 });
    const present = nextEvent(backend, 'card-present', { timeoutMs: 30_000, where: (e) => e.reader === VPCD_READER });
    await restartPcscd();
    const { error, retryInMs } = await down;
    expect(error).toBeInstanceOf(ReaderUnavailableError);
    expect(retryInMs).toBeGreaterThan(0);
    await up;
    const { channel } = await present;
    expect((await transceive(channel, SELECT)).sw).toBe(SW_OK);
    expect(events).toEqual([
      'card-removed:Virtual PCD 00 00',
      'reader-detached:Virtual PCD 00 00',
      'backend-down',
      'backend-up',
      'reader-attached:Virtual PCD 00 00',
      'card-present:Virtual PCD 00 00',
    ]);
  });

  it('keeps retrying with growing delays while pcscd stays away, and recovers when it is back', async () => {
    const delays: number[] = [];
    const onDown = ({ retryInMs }: { retryInMs: number }) => delays.push(retryInMs);
    backend.on('backend-down', onDown);
    try {
      await stopPcscd();
      await waitFor(() => delays.length >= 4, 10_000);
      expect(backend.readers()).toEqual([]);
      const up = nextEvent(backend, 'backend-up', { timeoutMs: 30_000 });
      const attached = nextEvent(backend, 'reader-attached', { timeoutMs: 30_000 });
      await startPcscd();
      await up;
      expect((await attached).reader).toBe(VPCD_READER);
    } finally {
      backend.off('backend-down', onDown);
    }
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] ?? 0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(FAST_BACKOFF.maxMs);
  });
});
