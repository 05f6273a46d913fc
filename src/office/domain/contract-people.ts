import { expect, it } from 'vitest';
import { decodeGrant, verifyGrant, ed25519PublicKey } from '../../free-area/index.js';
import type { OfficeStore } from '../store/index.js';
import { cardWrite, jst, recordingPublisher, testDomain, wireJournal } from './test-support.js';
import type { OfficeDomain } from './office-domain.js';

const OLD = 'AAAA000000000001';
const NEW = 'BBBB000000000002';

/** Residents, issuance at the counter and revocation: the people part of the domain contract. */
export function peopleContract(store: () => OfficeStore): void {
  it('keeps residents with the office\'s own number, never a 12-digit one, and finds them by name, kana, number or card', async () => {
    const domain = testDomain(store(), () => jst('2025-06-01 09:00'));
    await expect(domain.residents.create(resident('123456789012'))).rejects.toThrow(/個人番号/);
    const created = await domain.residents.create(resident('R-0001'));
    expect(created).toMatchObject({ kind: 'ok', resident: { residentNo: 'R-0001', name: '前橋 花子', eligibility: 'age-75-plus' } });
    expect(await domain.residents.create(resident('R-0001'))).toEqual({ kind: 'duplicate-number' });
    const id = created.kind === 'ok' ? created.resident.id : 0;
    await issueAt(domain, id, OLD);
    for (const q of ['花子', 'はなこ', 'R-0001', 'aaaa0000']) expect((await domain.residents.search(q)).map((r) => r.id)).toEqual([id]);
    expect(await domain.residents.update(id, { address: '前橋市大手町2-12-1' })).toMatchObject({ kind: 'ok', resident: { address: '前橋市大手町2-12-1', name: '前橋 花子' } });
    expect((await domain.residents.get(id))?.cards).toMatchObject([{ cardId: OLD, status: 'active' }]);
  });

  it('issues at the counter: an order waits for the card, the same card gets the same grant again, the write is confirmed', async () => {
    const now = jst('2025-06-01 09:00');
    const domain = testDomain(store(), () => now);
    const id = await residentId(domain);
    expect(await domain.issuance.atCounter('C1', OLD, [])).toEqual({ kind: 'no-order', station: 'C1' });
    const order = await domain.issuance.createOrder({ station: 'C1', residentId: id, kind: 'new', programmeId: '102016-1', by: 'clerk-1' });
    expect(order).toMatchObject({ status: 'waiting', station: 'C1' });
    const first = await domain.issuance.atCounter('C1', OLD, []);
    expect(first).toMatchObject({ kind: 'grants', orderId: order.id, grants: [{ cardId: OLD, programmeId: '102016-1', amount: 120, validFrom: '2025-04-01', validUntil: '2026-03-31', serial: 1, keyVersion: 1 }] });
    if (first.kind !== 'grants') throw new Error('expected grants');
    const grant = first.grants[0];
    const decoded = decodeGrant(Buffer.from(grant?.grantHex ?? '', 'hex'));
    expect(decoded.grant).toMatchObject({ cardId: OLD, amount: 120, dailyUses: 2, serial: 1 });
    const key = domain.issuance.keyVersions().then((k) => ed25519PublicKey(Buffer.from(k[0]?.publicKey ?? '', 'hex')));
    expect(() => verifyGrant(decoded, OLD, undefined as never)).toThrow();
    verifyGrant(decoded, OLD, await key);
    expect(await domain.issuance.atCounter('C1', OLD, [])).toMatchObject({ kind: 'grants', grants: [{ serial: 1 }] });
    expect(await domain.issuance.atCounter('C1', NEW, [])).toMatchObject({ kind: 'refused', reason: 'order-signed-for-another-card' });
    expect(await domain.issuance.confirmWritten('C1', order.id, OLD, true)).toMatchObject({ status: 'written' });
    expect(await domain.issuance.atCounter('C1', OLD, [])).toEqual({ kind: 'no-order', station: 'C1' });
    expect((await domain.issuance.grants(OLD))[0]).toMatchObject({ writtenAt: now, issuedBy: 'clerk-1' });
  });

  it('tops up with what is left plus the new units, and refuses a second grant for the same year', async () => {
    const now = jst('2025-06-20 09:00');
    const domain = testDomain(store(), () => now);
    const id = await residentId(domain);
    await issueAt(domain, id, OLD);
    const taxi = wireJournal('TAXI-1');
    for (let i = 0; i < 5; i += 1) cardWrite(taxi, { cardId: OLD, fromSeq: i, usedAfter: i + 1, at: jst('2025-06-10 10:00') + i * 3_600_000, rideId: `R${i}` });
    await store().ingestBatch(taxi.batch(), now);
    expect(await domain.issuance.allowance(OLD, '102016-1')).toMatchObject({ serial: 1, amount: 120, usedByEvents: 5, remaining: 115 });
    expect(await domain.issuance.issue({ cardId: OLD, residentId: id, kind: 'renewal', programmeId: '102016-1', by: 'clerk-1' })).toEqual({ kind: 'refused', reason: 'already-granted' });
    const topUp = await domain.issuance.issue({ cardId: OLD, residentId: id, kind: 'top-up', programmeId: '102016-1', topUp: 10, by: 'clerk-1', cardState: [{ programmeId: '102016-1', serial: 1, used: 7 }] });
    expect(topUp).toMatchObject({ kind: 'granted', grants: [{ serial: 2, amount: 123, carriedOver: 113, validUntil: '2026-03-31' }] });
    expect(await domain.issuance.issue({ cardId: OLD, residentId: id + 1, kind: 'top-up', programmeId: '102016-1', topUp: 1, by: 'c' })).toEqual({ kind: 'refused', reason: 'resident-not-found' });
  });

  it('reissues a lost card: the old one is revoked into a new deny-list version and its remaining allowance moves to the new card', async () => {
    let now = jst('2025-06-20 09:00');
    const publisher = recordingPublisher();
    const domain = testDomain(store(), () => now, { publisher });
    const id = await residentId(domain);
    await issueAt(domain, id, OLD);
    const taxi = wireJournal('TAXI-1');
    for (let i = 0; i < 3; i += 1) cardWrite(taxi, { cardId: OLD, fromSeq: i, usedAfter: i + 1, at: jst('2025-06-10 10:00') + i * 3_600_000, rideId: `R${i}` });
    cardWrite(taxi, { cardId: OLD, fromSeq: 3, usedAfter: 4, at: jst('2025-06-12 10:00'), rideId: 'R9', then: 'nothing' });
    await store().ingestBatch(taxi.batch(), now);
    now = jst('2025-06-21 10:00');
    await domain.issuance.createOrder({ station: 'C1', residentId: id, kind: 'reissue', oldCardId: OLD, reason: 'lost', by: 'clerk-2' });
    const answer = await domain.issuance.atCounter('C1', NEW, []);
    expect(answer).toMatchObject({ kind: 'grants', grants: [{ cardId: NEW, kind: 'reissue', amount: 116, carriedOver: 116, validFrom: '2025-04-01', validUntil: '2026-03-31' }] });
    expect(await domain.residents.card(OLD)).toMatchObject({ status: 'revoked', revokeReason: 'lost', replacedBy: NEW });
    expect(await domain.residents.card(NEW)).toMatchObject({ status: 'active', replaces: OLD, residentId: id });
    expect(await domain.revocation.denyList()).toEqual({ version: 1, entries: [{ cardId: OLD, reason: 'lost', since: now }] });
    expect(publisher.sent).toEqual([
      { topic: 'delta', body: { org: 'maebashi', fromVersion: 0, toVersion: 1, add: [{ cardId: OLD, reason: 'lost', since: now }], remove: [] } },
      { topic: 'denylist', body: { org: 'maebashi', version: 1, entries: [{ cardId: OLD, reason: 'lost', since: now }] } },
    ]);
    expect(await domain.issuance.issue({ cardId: OLD, residentId: id, kind: 'top-up', programmeId: '102016-1', topUp: 5, by: 'c' })).toEqual({ kind: 'refused', reason: 'card-revoked' });
  });

  it('revokes into versioned deny-lists, publishes snapshot and delta, and sends a missed publish later', async () => {
    let now = jst('2025-06-20 09:00');
    const publisher = recordingPublisher();
    const domain = testDomain(store(), () => now, { publisher });
    expect(await domain.revocation.revoke({ cardId: OLD, reason: 'deceased', by: 'clerk-1' })).toMatchObject({ kind: 'revoked', published: true, version: { version: 1, entries: 1 } });
    expect(await domain.revocation.revoke({ cardId: OLD.toLowerCase(), reason: 'lost', by: 'clerk-1' })).toMatchObject({ kind: 'already-revoked', entry: { reason: 'deceased', version: 1 } });
    publisher.fail(true);
    now += 60_000;
    expect(await domain.revocation.revoke({ cardId: NEW, reason: 'moved-away', by: 'clerk-1' })).toMatchObject({ kind: 'revoked', published: false, version: { version: 2, entries: 2 } });
    publisher.fail(false);
    expect(await domain.revocation.publishPending()).toBe(true);
    expect(await domain.revocation.publishPending()).toBe(false);
    expect(publisher.sent.at(-1)).toEqual({ topic: 'denylist', body: { org: 'maebashi', version: 2, entries: [{ cardId: OLD, reason: 'deceased', since: jst('2025-06-20 09:00') }, { cardId: NEW, reason: 'moved-away', since: now }] } });
    expect((await domain.revocation.versions()).map((v) => [v.version, v.publishedAt !== null])).toEqual([[2, true], [1, true]]);
  });

  it('rotates the issuer key: new grants are signed under the new version and every public key goes to the terminals', async () => {
    const publisher = recordingPublisher();
    const domain = testDomain(store(), () => jst('2025-06-20 09:00'), { publisher });
    const id = await residentId(domain);
    expect(await domain.issuance.rotateKey()).toEqual({ version: 2, published: true });
    expect(publisher.sent).toMatchObject([{ topic: 'keys', body: { keys: [{ version: 1 }, { version: 2 }] } }]);
    expect((await domain.issuance.keyVersions()).map((k) => [k.version, k.current, k.publishedAt !== null])).toEqual([[1, false, true], [2, true, true]]);
    expect(await domain.issuance.issue({ cardId: OLD, residentId: id, kind: 'new', programmeId: '102016-1', by: 'c' })).toMatchObject({ kind: 'granted', grants: [{ keyVersion: 2 }] });
  });
}

function resident(residentNo: string) {
  return { residentNo, name: '前橋 花子', nameKana: 'まえばし はなこ', address: '前橋市大手町2-12-1', eligibility: 'age-75-plus' as const };
}

async function residentId(domain: OfficeDomain): Promise<number> {
  const created = await domain.residents.create(resident('R-0001'));
  if (created.kind !== 'ok') throw new Error('resident not created');
  return created.resident.id;
}

async function issueAt(domain: OfficeDomain, residentId: number, cardId: string): Promise<void> {
  const outcome = await domain.issuance.issue({ cardId, residentId, kind: 'new', programmeId: '102016-1', by: 'clerk-1' });
  if (outcome.kind !== 'granted') throw new Error(`not issued: ${outcome.reason}`);
}
