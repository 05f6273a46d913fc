import { describe, expect, it } from 'vitest';
import { ReaderError, ReaderUnavailableError } from './errors.js';
import { fromHex, toHex } from './iso7816.js';
import { listPcscReaders, loadPcsclite, openPcscChannel } from './pcsc.js';
import { SimulatedPcsc } from './pcsc-simulated.js';

const R1 = 'Reader One 00 00';
const R2 = 'Reader Two 00 00';
const card = { atr: fromHex('3B00'), answer: () => fromHex('9000') };

describe('loadPcsclite', () => {
  it('says exactly what to install when the binding is missing', async () => {
    const failure = loadPcsclite('pcsclite-that-is-not-installed');
    await expect(failure).rejects.toBeInstanceOf(ReaderUnavailableError);
    await expect(failure).rejects.toThrow('apt-get install pcscd libpcsclite-dev libccid');
    await expect(failure).rejects.toThrow('npm rebuild pcsclite');
  });
});

describe('listPcscReaders', () => {
  it('names every reader pcscd reports', async () => {
    const sim = new SimulatedPcsc([R1, R2]);
    expect(await listPcscReaders({ load: async () => sim.factory })).toEqual([R1, R2]);
  });

  it('answers an empty list when pcscd has no reader', async () => {
    const sim = new SimulatedPcsc([]);
    expect(await listPcscReaders({ load: async () => sim.factory })).toEqual([]);
  });

  it('fails with what to start when pcscd is not running', async () => {
    const sim = new SimulatedPcsc([R1]);
    sim.up = false;
    const failure = listPcscReaders({ load: async () => sim.factory });
    await expect(failure).rejects.toBeInstanceOf(ReaderUnavailableError);
    await expect(failure).rejects.toThrow('systemctl start pcscd');
  });
});

describe('openPcscChannel', () => {
  it('waits for a card on the named reader and hands out its channel', async () => {
    const sim = new SimulatedPcsc([R1, R2]);
    const opening = openPcscChannel(R2, { load: async () => sim.factory, timeoutMs: 2_000 });
    setTimeout(() => sim.insert(R2, card), 20);
    const shot = await opening;
    try {
      expect(shot.channel.readerName).toBe(R2);
      expect(toHex(await shot.channel.transmit(fromHex('00A4040C')))).toBe('9000');
    } finally {
      await shot.close();
    }
    expect(sim.reader(R2)?.closed).toBe(true);
  });

  it('ignores cards on other readers', async () => {
    const sim = new SimulatedPcsc([R1, R2]);
    sim.insert(R1, card);
    await expect(openPcscChannel(R2, { load: async () => sim.factory, timeoutMs: 100 })).rejects.toThrow(
      `no card on reader "${R2}" within 100 ms`,
    );
  });

  it('lists the readers there are when the named one is not among them', async () => {
    const sim = new SimulatedPcsc([R1, R2]);
    const failure = openPcscChannel('Missing Reader', { load: async () => sim.factory, timeoutMs: 100 });
    await expect(failure).rejects.toBeInstanceOf(ReaderError);
    await expect(failure).rejects.toThrow(`reader "Missing Reader" not found; readers: "${R1}", "${R2}"`);
  });

  it('fails at once with what to start when pcscd is not running', async () => {
    const sim = new SimulatedPcsc([R1]);
    sim.up = false;
    await expect(openPcscChannel(R1, { load: async () => sim.factory, timeoutMs: 5_000 })).rejects.toBeInstanceOf(
      ReaderUnavailableError,
    );
  });
});
