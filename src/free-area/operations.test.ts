import { describe, expect, it } from 'vitest';
import { issuedTestCard, signedTestGrants } from '../../test/vectors/fixture.js';
import { buildNextSlot, readCard, writeNextState } from './index.js';

const AT = Date.parse('2025-05-10T09:00:00+09:00');

describe('reading and decrementing a card', () => {
  it('reads a freshly issued card with one SELECT and one READ BINARY', async () => {
    const t = await issuedTestCard();
    const read = await readCard(t.tap(), t);
    expect(read.apdus).toBe(2);
    expect(read.programmes).toHaveLength(1);
    const p = read.programmes[0];
    expect(p?.status.kind).toBe('ok');
    expect(p?.grant?.amount).toBe(70);
  });

  it('decrements in five APDUs including the SELECT, and the next read sees the new state', async () => {
    const t = await issuedTestCard();
    const channel = t.tap();
    const read = await readCard(channel, t);
    const p = read.programmes[0];
    if (p?.status.kind !== 'ok') throw new Error('expected a valid programme');
    const next = buildNextSlot(p.status.current.state, { units: 1, atMs: AT, terminal: 42, macKeyVersion: 1 });
    const result = await writeNextState(channel, t, read, 0, next);
    expect(read.apdus + result.apdus).toBe(5);
    const again = await readCard(t.tap(), t);
    const q = again.programmes[0];
    expect(q?.status.kind === 'ok' && q.status.current.state).toEqual(next);
  });

  it('reads a card with three programmes with a SELECT of the EF and two more READ BINARY past SFI reach', async () => {
    const g = signedTestGrants();
    const t = await issuedTestCard([g.coupon, g.yen, g.entry]);
    const read = await readCard(t.tap(), t);
    expect(read.programmes.map((p) => p.status.kind)).toEqual(['ok', 'ok', 'ok']);
    expect(read.apdus).toBe(5);
  });
});
