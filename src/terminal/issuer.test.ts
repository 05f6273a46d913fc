import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blankCardForLayout, createIssuerSigner, createMemoryKeyStore, defaultLayout, signGrant } from '../free-area/index.js';
import { createEmulatedCard, createEmulatorChannel } from '../reader/emulator/index.js';
import { parseTerminalConfig } from './config.js';
import { createCounterOfficeClient, createCounterStation, OfficeUnavailableError } from './issuer.js';
import type { CounterAnswer, CounterOffice } from './issuer.js';

const CARD = '0123456789ABCDEF';
const signer = createIssuerSigner(generateKeyPairSync('ed25519').privateKey, 1);
const keys = createMemoryKeyStore({ issuerPublicKeys: new Map([[1, signer.publicKey]]), macMasterKeys: new Map([[1, new Uint8Array(32).fill(7)]]), authMasterKeys: new Map([[1, new Uint8Array(32).fill(9)]]) });
const card = { layout: defaultLayout(), keys };

function grantHex(amount: number, serial: number): string {
  const signed = signGrant({ cardId: CARD, programme: { municipality: 102016, number: 1 }, unit: 'coupon', amount, validFrom: '2025-04-01', validUntil: '2026-03-31', dailyUses: 2, monthlyUnits: 0, serial, ext: new Uint8Array(0) }, signer);
  return Buffer.from(signed.bytes).toString('hex');
}

function fakeOffice(answer: CounterAnswer) {
  const calls: unknown[] = [];
  const office: CounterOffice = {
    cardPresented: async (body) => (calls.push(['cards', body]), answer),
    written: async (orderId, body) => void calls.push(['written', orderId, body]),
  };
  return { office, calls };
}

describe('the counter station', () => {
  it('reads the card, writes the grants the office signed and confirms them', async () => {
    const emulated = createEmulatedCard(blankCardForLayout(card.layout, keys, CARD));
    const grant = { programmeId: '102016-1', serial: 7, keyVersion: 1, amount: 120, validFrom: '2025-04-01', validUntil: '2026-03-31', grantHex: grantHex(120, 7) };
    const { office, calls } = fakeOffice({ kind: 'grants', orderId: 3, cardId: CARD, grants: [grant] });
    const station = createCounterStation({ card, office, station: 'C1' });
    expect(await station.handleCard(createEmulatorChannel(emulated, 'r'))).toMatchObject({ kind: 'issued', cardId: CARD, orderId: 3, programmes: [{ serial: 7, action: 'added' }] });
    const again = fakeOffice({ kind: 'grants', orderId: 4, cardId: CARD, grants: [{ ...grant, serial: 8, amount: 125, grantHex: grantHex(125, 8) }] });
    await createCounterStation({ card, office: again.office, station: 'C1' }).handleCard(createEmulatorChannel(emulated, 'r'));
    expect(again.calls[0]).toEqual(['cards', { station: 'C1', cardId: CARD, programmes: [{ programmeId: '102016-1', serial: 7, used: 0 }] }]);
    expect(calls.at(-1)).toEqual(['written', 3, { station: 'C1', cardId: CARD, ok: true, detail: '7:added' }]);
  });

  it('tells the office when the write fails, and reports an office it cannot reach', async () => {
    const emulated = createEmulatedCard(blankCardForLayout(card.layout, keys, CARD));
    const forged = { programmeId: '102016-1', serial: 7, keyVersion: 1, amount: 120, validFrom: '2025-04-01', validUntil: '2026-03-31', grantHex: grantHex(120, 7).replace(/..$/, '00') };
    const { office, calls } = fakeOffice({ kind: 'grants', orderId: 3, cardId: CARD, grants: [forged] });
    expect(await createCounterStation({ card, office, station: 'C1' }).handleCard(createEmulatorChannel(emulated, 'r'))).toMatchObject({ kind: 'failed', step: 'write' });
    expect(calls.at(-1)).toMatchObject(['written', 3, { ok: false }]);
    const down = createCounterOfficeClient({ url: 'http://127.0.0.1:9/api/counter', token: 'x'.repeat(16), timeoutMs: 500 });
    await expect(down.cardPresented({ station: 'C1', cardId: CARD, programmes: [] })).rejects.toBeInstanceOf(OfficeUnavailableError);
    expect(await createCounterStation({ card, office: down, station: 'C1' }).handleCard(createEmulatorChannel(emulated, 'r'))).toMatchObject({ kind: 'failed', step: 'office', cardId: CARD });
  });

  it('is configured as app kind issuer with the office URL and the station token', () => {
    const config = parseTerminalConfig({ app: { kind: 'issuer', office: { url: 'https://office.example/api/counter', token: 't'.repeat(20) } } });
    expect(config.app).toEqual({ kind: 'issuer', office: { url: 'https://office.example/api/counter', token: 't'.repeat(20) }, timeoutMs: 10_000 });
    expect(() => parseTerminalConfig({ app: { kind: 'issuer', office: { url: 'not a url', token: 'short' } } })).toThrow(/app.office.url/);
  });
});
