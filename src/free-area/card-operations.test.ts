import { describe, expect, it } from 'vitest';
import { createEmulatedCard, createEmulatorChannel, type CardImage } from '../reader/emulator/index.js';
import { COUPON_GRANT, TEST_CARD_ID, TEST_KEYS, issuedTestCard, signedTestGrants, testKeyStore, testSigner, type TestCard } from '../../test/vectors/fixture.js';
import {
  ApplicationNotFoundError,
  CardStatusError,
  LayoutError,
  MalformedDataError,
  UnknownKeyVersionError,
  WriteAuthenticationError,
  blankCardForLayout,
  buildNextSlot,
  createMemoryKeyStore,
  defaultLayout,
  encodeSlotWrite,
  inspectCard,
  installApplication,
  issueCard,
  parseLayout,
  readCard,
  resolveSlotWrite,
  signGrant,
  writeNextState,
  type CardRead,
  type KeyStore,
  type Layout,
} from './index.js';

const AT = Date.parse('2025-05-10T09:00:00+09:00');

function okState(read: CardRead, index = 0) {
  const p = read.programmes[index];
  if (p?.status.kind !== 'ok') throw new Error(`programme ${index} is ${p?.status.kind}`);
  return p.status.current;
}

async function decrement(t: Pick<TestCard, 'tap' | 'layout' | 'keys'>, units = 1, keys: KeyStore = t.keys) {
  const channel = t.tap();
  const read = await readCard(channel, { layout: t.layout, keys });
  const next = buildNextSlot(okState(read).state, { units, atMs: AT, terminal: 5, macKeyVersion: keys.currentMacKeyVersion });
  const result = await writeNextState(channel, { layout: t.layout, keys }, read, 0, next);
  return { read, next, result, total: read.apdus + result.apdus };
}

function zeroHeader(image: CardImage): CardImage {
  return { ...image, applications: image.applications.map((a) => ({ ...a, files: a.files.map((f) => ({ ...f, data: '00'.repeat(f.size) })) })) };
}

describe('issuing', () => {
  it('leaves a card alone when the same grant is issued again', async () => {
    const t = await issuedTestCard();
    await decrement(t);
    const again = await issueCard(t.tap(), t, [signedTestGrants().coupon]);
    expect(again.programmes).toEqual([{ index: 0, programme: COUPON_GRANT.programme, serial: 1001, action: 'unchanged' }]);
    expect(again.apdus).toBe(3);
    expect(okState(await readCard(t.tap(), t)).state.used).toBe(1);
  });

  it('signs grant requests for the card it finds and adds them after the existing programmes', async () => {
    const t = await issuedTestCard();
    const { cardId: _omit, ...request } = { ...signedTestGrants().yen.grant };
    const result = await issueCard(t.tap(), { ...t, signer: testSigner() }, [request]);
    // SELECT, READ header, READ grant 0, GET CHALLENGE, EXTERNAL AUTHENTICATE, UPDATE area 1, UPDATE header.
    expect(result.apdus).toBe(7);
    expect(result).toMatchObject({ cardId: TEST_CARD_ID, programmes: [{ index: 1, action: 'added' }] });
    const read = await readCard(t.tap(), t);
    expect(read.programmes.map((p) => p.status.kind)).toEqual(['ok', 'ok']);
  });

  it('replaces a grant with a higher serial and starts its value state afresh', async () => {
    const t = await issuedTestCard();
    await decrement(t, 3);
    const renewed = signGrant({ ...COUPON_GRANT, serial: 1002, amount: 67 }, testSigner());
    const result = await issueCard(t.tap(), t, [renewed]);
    expect(result.programmes[0]?.action).toBe('replaced');
    const read = await readCard(t.tap(), t);
    expect(read.programmes[0]?.grant?.amount).toBe(67);
    expect(okState(read)).toMatchObject({ index: null, state: { used: 0, seq: 0 } });
  });

  it('refuses a grant that does not supersede the one on the card', async () => {
    const t = await issuedTestCard();
    const older = signGrant({ ...COUPON_GRANT, serial: 1000 }, testSigner());
    await expect(issueCard(t.tap(), t, [older])).rejects.toThrow(MalformedDataError);
  });

  it('refuses a fifth programme on a layout with room for four', async () => {
    const t = await issuedTestCard();
    const more = [2, 3, 4, 5].map((n) => signGrant({ ...COUPON_GRANT, programme: { municipality: 102016, number: n }, serial: n }, testSigner()));
    await issueCard(t.tap(), t, more.slice(0, 3));
    await expect(issueCard(t.tap(), t, more.slice(3))).rejects.toThrow(LayoutError);
  });

  it('writes the header of an application installed without one, then issues onto it', async () => {
    const layout = defaultLayout();
    const keys = testKeyStore();
    const card = createEmulatedCard(zeroHeader(blankCardForLayout(layout, keys, TEST_CARD_ID)));
    await expect(readCard(createEmulatorChannel(card, 'r'), { layout, keys })).rejects.toThrow(ApplicationNotFoundError);
    await expect(issueCard(createEmulatorChannel(card, 'r'), { layout, keys }, [])).rejects.toThrow(MalformedDataError);
    await installApplication(createEmulatorChannel(card, 'r'), { layout, keys }, TEST_CARD_ID);
    const issued = await issueCard(createEmulatorChannel(card, 'r'), { layout, keys }, [signedTestGrants().coupon]);
    expect(issued.apdus).toBe(6);
    expect((await readCard(createEmulatorChannel(card, 'r'), { layout, keys })).header).toMatchObject({ cardId: TEST_CARD_ID, programmeCount: 1 });
  });
});

describe('card-level failures', () => {
  it('says the application is missing when the card has no DF with our AID', async () => {
    const t = await issuedTestCard();
    const other = parseLayout({ ...t.layout, aid: 'F046415245413039' });
    await expect(readCard(t.tap(), { layout: other, keys: t.keys })).rejects.toThrow(ApplicationNotFoundError);
  });

  it('fails the write authentication when the card holds another write key, and writes nothing', async () => {
    const t = await issuedTestCard();
    const wrong = createMemoryKeyStore({
      issuerPublicKeys: new Map([[1, testSigner().publicKey]]),
      macMasterKeys: new Map([[1, TEST_KEYS.macMaster[1]]]),
      authMasterKeys: new Map([[1, TEST_KEYS.macMaster[2]]]),
    });
    await expect(decrement(t, 1, wrong)).rejects.toThrow(WriteAuthenticationError);
    expect(okState(await readCard(t.tap(), t)).index).toBeNull();
  });

  it('maps a failing status word of READ BINARY to CardStatusError with the status word', async () => {
    const t = await issuedTestCard();
    const channel = t.tap();
    t.card.setFaults({ statusWordAt: { apdu: 1, sw: 0x6581 } });
    await expect(readCard(channel, t)).rejects.toMatchObject({ name: 'CardStatusError', sw: 0x6581 });
    await expect(readCard(t.tap(), t)).resolves.toBeDefined();
    expect(new CardStatusError(0x6581, 'x').message).toMatch(/memory failure/);
  });

  it('refuses a card whose programme areas do not match the layout', async () => {
    const t = await issuedTestCard();
    const other = parseLayout({ ...t.layout, grants: { ...t.layout.grants, size: 160 }, slots: { ...t.layout.slots, offset: 176 } });
    await expect(readCard(t.tap(), { layout: other, keys: t.keys })).rejects.toThrow(LayoutError);
  });

  it('reads through 61xx response chaining', async () => {
    const t = await issuedTestCard();
    t.card.setBehaviour({ chainResponses: 64 });
    const chained = await readCard(t.tap(), t);
    expect(chained.programmes[0]?.status.kind).toBe('ok');
    expect(chained.apdus).toBe(2 + 4);
  });

  it('follows a card that caps READ BINARY with 6Cxx, reading the rest in further chunks', async () => {
    const t = await issuedTestCard();
    const inner = t.tap();
    const capped = {
      ...inner,
      // A card that serves at most 128 bytes per READ BINARY and says so with 6C80.
      transmit: (cmd: Uint8Array) => (cmd[1] === 0xb0 && cmd[4] !== 0x80 && cmd.length === 5 && (cmd[4] === 0 || (cmd[4] ?? 0) > 0x80) ? Promise.resolve(Uint8Array.of(0x6c, 0x80)) : inner.transmit(cmd)),
    };
    const read = await readCard(capped, t);
    expect(read.programmes[0]?.status.kind).toBe('ok');
    expect(read.apdus).toBe(1 + 2 + 1);
  });
});

describe('other layouts and schemes', () => {
  const split: Layout = parseLayout({
    aid: 'F046415245413032',
    files: [{ name: 'grants', fid: '0201', size: 680 }, { name: 'state', fid: '0202', sfi: 2, size: 304 }],
    header: { file: 'state', offset: 0 },
    grants: { file: 'grants', offset: 0, stride: 170, size: 170 },
    slots: { file: 'state', offset: 16, stride: 72 },
    capacity: 4,
  });

  it('reads grants and slots kept in separate EFs with one more SELECT and READ, and still decrements by SFI', async () => {
    const t = await issuedTestCard([signedTestGrants().coupon], split);
    const { read, result, total } = await decrement(t);
    expect(read.apdus).toBe(4);
    expect(result.apdus).toBe(3);
    expect(total).toBe(7);
  });

  it('needs no authentication APDUs with the none scheme: a decrement is three APDUs', async () => {
    const layout = parseLayout({ ...defaultLayout(), writeAuth: { scheme: 'none' } });
    const t = await issuedTestCard([signedTestGrants().coupon], layout);
    const { total } = await decrement(t);
    expect(total).toBe(3);
  });

  it('writes slots beyond SFI reach by selecting the EF first', async () => {
    const g = signedTestGrants();
    const t = await issuedTestCard([g.coupon, g.yen]);
    const channel = t.tap();
    const read = await readCard(channel, t);
    const next = buildNextSlot(okState(read, 1).state, { units: 500, atMs: AT, terminal: 5, macKeyVersion: 1 });
    const result = await writeNextState(channel, t, read, 1, next);
    expect(result.write.commands.map((c) => c[1])).toEqual([0xa4, 0xd6]);
    expect(okState(await readCard(t.tap(), t), 1).state).toEqual(next);
  });
});

describe('after a write in doubt', () => {
  it('tells a landed write from one that did not land and from one overwritten since', async () => {
    const t = await issuedTestCard();
    const channel = t.tap();
    const read = await readCard(channel, t);
    const next = buildNextSlot(okState(read).state, { units: 1, atMs: AT, terminal: 5, macKeyVersion: 1 });
    const intent = encodeSlotWrite(t.layout, t.keys, read, 0, next);
    expect(resolveSlotWrite(await readCard(t.tap(), t), intent)).toBe('not-landed');
    await writeNextState(channel, t, read, 0, next);
    expect(resolveSlotWrite(await readCard(t.tap(), t), intent)).toBe('landed');
    await decrement(t);
    expect(resolveSlotWrite(await readCard(t.tap(), t), intent)).toBe('landed');
    await decrement(t);
    expect(resolveSlotWrite(await readCard(t.tap(), t), intent)).toBe('unknown');
  });

  it('refuses to build a write whose sequence number does not follow the current one', async () => {
    const t = await issuedTestCard();
    const read = await readCard(t.tap(), t);
    const next = { ...buildNextSlot(okState(read).state, { units: 1, atMs: AT, terminal: 5, macKeyVersion: 1 }), seq: 5 };
    expect(() => encodeSlotWrite(t.layout, t.keys, read, 0, next)).toThrow(MalformedDataError);
  });
});

describe('a slot that fails its MAC', () => {
  it('is read once more, so bytes damaged on the way are not taken for a torn write', async () => {
    const t = await issuedTestCard();
    await decrement(t);
    const { next: newest } = await decrement(t);
    const inner = t.tap();
    let reads = 0;
    const flaky = {
      ...inner,
      // Damages slot B (the newest) in the first READ BINARY answer only.
      transmit: async (cmd: Uint8Array) => {
        const res = await inner.transmit(cmd);
        if (cmd[1] !== 0xb0 || reads++ > 0) return res;
        const out = res.slice();
        out[t.layout.slots.offset + 36 + 5] = (out[t.layout.slots.offset + 36 + 5] ?? 0) ^ 0x40;
        return out;
      },
    };
    const read = await readCard(flaky, t);
    expect(read.apdus).toBe(3);
    expect(okState(read)).toMatchObject({ index: 1, state: newest });
  });
});

describe('MAC key rotation', () => {
  it('reads slots under the old version, writes under the new one, and a terminal without the new key refuses rather than rewinds', async () => {
    const t = await issuedTestCard();
    await decrement(t);
    const rotated = testKeyStore({ currentMac: 2 });
    const { next } = await decrement(t, 1, rotated);
    expect(next.macKeyVersion).toBe(2);
    const old = testKeyStore({ macVersions: [1] });
    const read = await readCard(t.tap(), { layout: t.layout, keys: old });
    const s = read.programmes[0]?.status;
    expect(s?.kind === 'bad-slots' && s.error).toBeInstanceOf(UnknownKeyVersionError);
  });
});

describe('inspecting', () => {
  it('describes a good card, and lists problems instead of throwing on a bad one', async () => {
    const t = await issuedTestCard();
    await decrement(t);
    const good = await inspectCard(t.tap(), t);
    expect(good).toMatchObject({ application: 'present', header: { cardId: TEST_CARD_ID }, problems: [] });
    expect(good.programmes[0]).toMatchObject({ status: 'ok', current: 'A', slots: [{ kind: 'valid', seq: 1 }, { kind: 'empty' }] });
    const other = parseLayout({ ...t.layout, aid: 'F046415245413039' });
    expect(await inspectCard(t.tap(), { layout: other, keys: t.keys })).toMatchObject({ application: 'absent', problems: [{ error: 'ApplicationNotFoundError' }] });
    const forged = await inspectCard(t.tap(), { layout: t.layout, keys: testKeyStore({ issuerVersions: [2] }) });
    expect(forged.problems[0]).toMatchObject({ where: 'programme 0', error: 'UnknownKeyVersionError' });
  });
});
