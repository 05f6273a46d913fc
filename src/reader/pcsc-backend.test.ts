import { afterEach, describe, expect, it } from 'vitest';
import { CardRemovedError, ReaderError, ReaderUnavailableError } from './errors.js';
import { fromHex, toHex } from './iso7816.js';
import type { ReaderBackend, ReaderEventName, ReaderEvents } from './monitor.js';
import { createPcscBackendWith } from './pcsc-backend.js';
import { SCARD } from './pcsc-errors.js';
import { SimulatedPcsc, type SimulatedCard } from './pcsc-simulated.js';
import { PCSC } from './pcsc-types.js';

const R1 = 'Reader One 00 00';
const R2 = 'Reader Two 00 00';
const ATR = fromHex('3B8001800101');

const echoCard = (overrides: Partial<SimulatedCard> = {}): SimulatedCard => ({
  atr: ATR,
  answer: (command) => Uint8Array.of(...command.subarray(0, 2), 0x90, 0x00),
  ...overrides,
});

function next<K extends ReaderEventName>(backend: ReaderBackend, name: K, where?: (e: ReaderEvents[K]) => boolean) {
  return new Promise<ReaderEvents[K]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} event`)), 2_000);
    const listener = (event: ReaderEvents[K]) => {
      if (where && !where(event)) return;
      clearTimeout(timer);
      backend.off(name, listener);
      resolve(event);
    };
    backend.on(name, listener);
  });
}

function record(backend: ReaderBackend): string[] {
  const log: string[] = [];
  const names: ReaderEventName[] = ['reader-attached', 'reader-detached', 'card-present', 'card-removed', 'backend-down', 'backend-up', 'error'];
  for (const name of names) backend.on(name, (e) => log.push('reader' in e && e.reader ? `${name}:${e.reader}` : name));
  return log;
}

const backends: ReaderBackend[] = [];
function setup(readers: string[] = [R1], options: { readerFilter?: (name: string) => boolean } = {}) {
  const sim = new SimulatedPcsc(readers);
  const backend = createPcscBackendWith(async () => sim.factory, { backoff: { initialMs: 5, maxMs: 20 }, ...options });
  backends.push(backend);
  return { sim, backend };
}

afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.stop()));
});

describe('PC/SC backend over the binding', () => {
  it('refuses to start, saying what to install, when the binding cannot be loaded', async () => {
    const backend = createPcscBackendWith(() => Promise.reject(new ReaderUnavailableError('pcsclite missing')));
    await expect(backend.start()).rejects.toBeInstanceOf(ReaderUnavailableError);
  });

  it('reports the readers, and a card already present, when it starts', async () => {
    const { sim, backend } = setup([R1, R2]);
    sim.insert(R2, echoCard());
    const log = record(backend);
    const present = next(backend, 'card-present');
    await backend.start();
    const event = await present;
    expect(event.reader).toBe(R2);
    expect(toHex(event.atr)).toBe(toHex(ATR));
    expect(event.channel.readerName).toBe(R2);
    expect(backend.readers().sort()).toEqual([R1, R2]);
    expect(log).toEqual([`reader-attached:${R1}`, `reader-attached:${R2}`, `card-present:${R2}`]);
  });

  it('connects shared with T=1 when the card offers it, and falls back to T=0', async () => {
    const { sim, backend } = setup([R1, R2]);
    await backend.start();
    let present = next(backend, 'card-present', (e) => e.reader === R1);
    sim.insert(R1, echoCard());
    await present;
    present = next(backend, 'card-present', (e) => e.reader === R2);
    sim.insert(R2, echoCard({ t1: false }));
    await present;
    expect(sim.connects).toEqual([
      { reader: R1, share_mode: PCSC.SHARE_SHARED, protocol: PCSC.PROTOCOL_T1 },
      { reader: R2, share_mode: PCSC.SHARE_SHARED, protocol: PCSC.PROTOCOL_T1 },
      { reader: R2, share_mode: PCSC.SHARE_SHARED, protocol: PCSC.PROTOCOL_T0 },
    ]);
    expect(sim.reader(R2)?.protocol).toBe(PCSC.PROTOCOL_T0);
  });

  it('sends bytes and returns the card answer as is', async () => {
    const { sim, backend } = setup();
    await backend.start();
    const present = next(backend, 'card-present');
    sim.insert(R1, echoCard());
    const { channel } = await present;
    expect(toHex(await channel.transmit(fromHex('00A4040C')))).toBe('00A49000');
  });

  it('reports a removed card and ends its channel without asking PC/SC again', async () => {
    const { sim, backend } = setup();
    await backend.start();
    const present = next(backend, 'card-present');
    sim.insert(R1, echoCard());
    const { channel } = await present;
    const removed = next(backend, 'card-removed');
    sim.remove(R1);
    expect((await removed).reader).toBe(R1);
    const before = sim.reader(R1)?.transmits;
    await expect(channel.transmit(fromHex('00B00000'))).rejects.toBeInstanceOf(CardRemovedError);
    expect(sim.reader(R1)?.transmits).toBe(before);
  });

  it('never lets the channel of a card that left talk to the next card on the reader', async () => {
    const { sim, backend } = setup();
    await backend.start();
    let present = next(backend, 'card-present');
    sim.insert(R1, echoCard());
    const first = (await present).channel;
    const removed = next(backend, 'card-removed');
    present = next(backend, 'card-present');
    // Swapped between two status polls: pcscd's event count moves while a card stays present.
    const slot = sim.slot(R1);
    slot.card = echoCard({ atr: fromHex('3B00') });
    slot.events += 2;
    sim.reader(R1)?.emitStatus();
    await removed;
    const second = await present;
    expect(toHex(second.atr)).toBe('3B00');
    await expect(first.transmit(fromHex('00B00000'))).rejects.toBeInstanceOf(CardRemovedError);
    expect(toHex(await second.channel.transmit(fromHex('00B00000')))).toBe('00B09000');
  });

  it('maps a failed transmit by its PC/SC code and treats the card as gone afterwards', async () => {
    const { sim, backend } = setup();
    await backend.start();
    const present = next(backend, 'card-present');
    let failWith: number | undefined = SCARD.W_RESET_CARD;
    sim.insert(R1, echoCard({ answer: () => failWith ?? fromHex('9000') }));
    const { channel } = await present;
    await expect(channel.transmit(fromHex('00B00000'))).rejects.toBeInstanceOf(CardRemovedError);
    failWith = undefined;
    await expect(channel.transmit(fromHex('00B00000'))).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('keeps the channel after a refused transmit that never reached the card', async () => {
    const { sim, backend } = setup();
    await backend.start();
    const present = next(backend, 'card-present');
    let failWith: number | undefined = SCARD.E_INVALID_PARAMETER;
    sim.insert(R1, echoCard({ answer: () => failWith ?? fromHex('9000') }));
    const { channel } = await present;
    const refused = channel.transmit(fromHex('00B00000'));
    await expect(refused).rejects.toBeInstanceOf(ReaderError);
    await expect(refused).rejects.toMatchObject({ code: SCARD.E_INVALID_PARAMETER });
    failWith = undefined;
    expect(toHex(await channel.transmit(fromHex('00B00000')))).toBe('9000');
  });

  it('treats an answer with no bytes at all as a card that left mid-command', async () => {
    const { sim, backend } = setup();
    await backend.start();
    const present = next(backend, 'card-present');
    sim.insert(R1, echoCard({ answer: () => new Uint8Array(0) }));
    const { channel } = await present;
    await expect(channel.transmit(fromHex('00D6000001FF'))).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('reports a connect failure as an error event naming the reader', async () => {
    const { sim, backend } = setup();
    await backend.start();
    sim.connectFailure = SCARD.E_SHARING_VIOLATION;
    const failed = next(backend, 'error');
    sim.insert(R1, echoCard());
    const { reader, error } = await failed;
    expect(reader).toBe(R1);
    expect(error).toBeInstanceOf(ReaderError);
    expect((error as ReaderError).code).toBe(SCARD.E_SHARING_VIOLATION);
  });

  it('follows a reader unplugged and plugged back, with its card', async () => {
    const { sim, backend } = setup([R1]);
    await backend.start();
    const present = next(backend, 'card-present');
    sim.insert(R1, echoCard());
    await present;
    const log = record(backend);
    const detached = next(backend, 'reader-detached');
    sim.unplug(R1);
    await detached;
    expect(backend.readers()).toEqual([]);
    const again = next(backend, 'card-present');
    sim.plug(R1);
    sim.insert(R1, echoCard());
    await again;
    expect(log).toEqual([`card-removed:${R1}`, `reader-detached:${R1}`, `reader-attached:${R1}`, `card-present:${R1}`]);
    expect(sim.contextsCreated).toBe(1);
  });

  it('survives pcscd stopping and starting again with the same backend object', async () => {
    const { sim, backend } = setup();
    await backend.start();
    const present = next(backend, 'card-present');
    sim.insert(R1, echoCard());
    const { channel } = await present;
    const log = record(backend);
    const down = next(backend, 'backend-down');
    sim.stopService();
    const { error, retryInMs } = await down;
    expect(error).toBeInstanceOf(ReaderUnavailableError);
    expect(retryInMs).toBeGreaterThan(0);
    await expect(channel.transmit(fromHex('00B00000'))).rejects.toBeInstanceOf(CardRemovedError);
    const back = next(backend, 'card-present');
    sim.startService();
    await back;
    expect(log.filter((e) => e !== 'backend-down')).toEqual([
      `card-removed:${R1}`,
      `reader-detached:${R1}`,
      'backend-up',
      `reader-attached:${R1}`,
      `card-present:${R1}`,
    ]);
    // The connected card's release ends while the reader's own end is being delivered.
    expect(sim.closesUnderLock).toBe(0);
  });

  it('starts while pcscd is down, says how to start it, and comes up when it does', async () => {
    const { sim, backend } = setup();
    sim.up = false;
    const down = next(backend, 'backend-down');
    await backend.start();
    expect((await down).error.message).toContain('systemctl start pcscd');
    const up = next(backend, 'backend-up');
    const attached = next(backend, 'reader-attached');
    sim.startService();
    await up;
    expect((await attached).reader).toBe(R1);
  });

  it('watches only the readers the filter lets through, and closes the others with the context', async () => {
    const { sim, backend } = setup([R1, R2], { readerFilter: (name) => name === R2 });
    const attached = next(backend, 'reader-attached');
    await backend.start();
    expect((await attached).reader).toBe(R2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(backend.readers()).toEqual([R2]);
    // Closed inside the binding's 'reader' event, pcsclite keeps the process alive after stop.
    expect(sim.reader(R1)?.closed).toBe(false);
    await backend.stop();
    expect(sim.reader(R1)?.closed).toBe(true);
    expect(sim.reader(R2)?.closed).toBe(true);
  });

  it('fires nothing after stop and releases every reader', async () => {
    const { sim, backend } = setup();
    await backend.start();
    const present = next(backend, 'card-present');
    sim.insert(R1, echoCard());
    const { channel } = await present;
    const log = record(backend);
    const reader = sim.reader(R1);
    await backend.stop();
    sim.remove(R1);
    sim.stopService();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(log).toEqual([]);
    expect(reader?.closed).toBe(true);
    expect(reader?.connected).toBe(false);
    await expect(channel.transmit(fromHex('00B00000'))).rejects.toBeInstanceOf(CardRemovedError);
  });
});
