import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/index.js';
import { createCounterApi } from './counter-api.js';
import { jst, testDomain } from './test-support.js';

const TOKEN = 'station-one-token-0123456789';

function api() {
  const domain = testDomain(openSqliteStore({ path: ':memory:' }), () => jst('2025-06-01 10:00'));
  return { domain, app: createCounterApi({ issuance: domain.issuance, stations: { C1: TOKEN, C2: 'station-two-token-0123456789' } }) };
}

const post = (app: ReturnType<typeof api>['app'], path: string, body: string, token: string | null = TOKEN) =>
  app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) } });

describe('the counter API', () => {
  it('answers a card with the station\'s order, or that there is none', async () => {
    const { app, domain } = api();
    const card = JSON.stringify({ station: 'C1', cardId: '0123456789abcdef' });
    expect(await (await post(app, '/cards', card)).json()).toEqual({ kind: 'no-order', station: 'C1' });
    const created = await domain.residents.create({ residentNo: 'R-1', name: '前橋 花子', address: '前橋市', eligibility: 'other' });
    if (created.kind !== 'ok') throw new Error('no resident');
    const order = await domain.issuance.createOrder({ station: 'C1', residentId: created.resident.id, kind: 'new', programmeId: '102016-1', by: 'clerk' });
    const answer = (await (await post(app, '/cards', card)).json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ kind: 'grants', orderId: order.id, cardId: '0123456789ABCDEF', grants: [{ programmeId: '102016-1', serial: 1, amount: 120 }] });
    expect(Object.keys((answer.grants as object[])[0] ?? {}).sort()).toEqual(['amount', 'grantHex', 'keyVersion', 'programmeId', 'serial', 'validFrom', 'validUntil']);
    expect(await (await app.request('/orders', { headers: { authorization: `Bearer ${TOKEN}` } })).json()).toEqual({ orders: [{ id: order.id, kind: 'new', programmeId: '102016-1', status: 'signed', cardId: '0123456789ABCDEF', detail: '' }] });
    const written = await post(app, `/orders/${order.id}/written`, JSON.stringify({ station: 'C1', cardId: '0123456789ABCDEF', ok: true }));
    expect(await written.json()).toMatchObject({ order: { status: 'written' } });
  });

  it('refuses a missing or unknown token, another station\'s name, bad input and an oversized body', async () => {
    const { app } = api();
    const card = JSON.stringify({ station: 'C1', cardId: '0123456789ABCDEF' });
    expect((await post(app, '/cards', card, null)).status).toBe(401);
    expect((await post(app, '/cards', card, 'wrong-token-0123456789abc')).status).toBe(401);
    expect((await post(app, '/cards', JSON.stringify({ station: 'C2', cardId: '0123456789ABCDEF' }))).status).toBe(403);
    const bad = await post(app, '/cards', JSON.stringify({ station: 'C1', cardId: 'not hex' }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid-request', issues: [expect.stringMatching(/^cardId: /)] });
    expect((await post(app, '/cards', '{nope')).status).toBe(400);
    expect((await post(app, '/cards', JSON.stringify({ station: 'C1', cardId: '0123456789ABCDEF', pad: 'x'.repeat(20_000) }))).status).toBe(413);
    expect((await post(app, '/orders/99/written', JSON.stringify({ station: 'C1', cardId: '0123456789ABCDEF', ok: true }))).status).toBe(404);
  });
});
