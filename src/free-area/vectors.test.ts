import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEmulatedCard, createEmulatorChannel } from '../reader/emulator/index.js';
import { fromHex, toHex } from '../reader/iso7816.js';
import type { CardChannel } from '../reader/channel.js';
import { TEST_CARD_ID, testKeyStore } from '../../test/vectors/fixture.js';
import { buildVectors, grantJson } from '../../test/vectors/generate.js';
import {
  blankCardForLayout,
  buildNextSlot,
  decodeGrant,
  decodeHeader,
  decodeSlot,
  defaultLayout,
  ed25519PublicKey,
  encodeGrant,
  encodeHeader,
  encodeSlotWrite,
  openSlot,
  readCard,
  sealSlot,
  verifyGrant,
  writeNextState,
  type CardHeaderRecord,
  type Grant,
  type SlotState,
} from './index.js';

const DIR = new URL('../../test/vectors/', import.meta.url);
const built = buildVectors();
// Regenerate with: FA_WRITE_VECTORS=1 npx vitest run --project unit src/free-area/vectors.test.ts
const rewrite = process.env['FA_WRITE_VECTORS'] === '1';
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
if (rewrite) for (const [name, value] of Object.entries(built)) writeFileSync(new URL(name, DIR), `${JSON.stringify(asJson(value), null, 2)}\n`);

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, DIR), 'utf8')) as T;
}

interface GrantVector { name: string; fields: Record<string, unknown>; body: string; signature: string; hex: string }
interface SlotVector { name: string; programmeIndex: number; grant: string; fields: SlotState | null; hex: string }

function grantFromJson(fields: Record<string, unknown>): Grant {
  return { ...(fields as unknown as Grant), ext: fromHex(String(fields['ext'])) };
}

describe('hex test vectors', () => {
  it.each(Object.keys(built))('%s is exactly what the fixed test keys generate', (name) => {
    expect(load(name)).toEqual(asJson(built[name]));
  });

  it('decodes the header vector to its fields and encodes the fields back to the same bytes', () => {
    const v = load<{ fields: CardHeaderRecord; hex: string }>('header.json');
    expect(decodeHeader(fromHex(v.hex))).toEqual(v.fields);
    expect(toHex(encodeHeader(v.fields))).toBe(v.hex);
  });

  it('decodes every grant vector, verifies its signature and re-encodes it byte for byte', () => {
    const keys = load<{ issuer: Record<string, { publicKey: string }> }>('keys.json');
    const publicKey = ed25519PublicKey(fromHex(keys.issuer['1']?.publicKey ?? ''));
    for (const v of load<{ vectors: GrantVector[] }>('grants.json').vectors) {
      const decoded = decodeGrant(fromHex(v.hex));
      expect(grantJson(decoded.grant)).toEqual(v.fields);
      expect(toHex(decoded.body)).toBe(v.body);
      expect(toHex(decoded.signature)).toBe(v.signature);
      expect(() => verifyGrant(decoded, TEST_CARD_ID, publicKey)).not.toThrow();
      expect(toHex(encodeGrant(grantFromJson(v.fields), fromHex(v.signature)))).toBe(v.hex);
    }
  });

  it('decodes every slot vector, checks its MAC and seals the fields back to the same bytes', () => {
    const keys = testKeyStore();
    const grants = new Map(load<{ vectors: GrantVector[] }>('grants.json').vectors.map((g) => [g.name, grantFromJson(g.fields)]));
    for (const v of load<{ vectors: SlotVector[] }>('slots.json').vectors) {
      const grant = grants.get(v.grant);
      if (!grant) throw new Error(`no grant ${v.grant}`);
      const ctx = { cardId: TEST_CARD_ID, programmeIndex: v.programmeIndex, programme: grant.programme, grantSerial: grant.serial };
      const raw = decodeSlot(fromHex(v.hex));
      if (v.fields === null) {
        expect(raw.kind).toBe('empty');
        continue;
      }
      expect(raw.kind === 'written' && raw.state).toEqual(v.fields);
      expect(openSlot(fromHex(v.hex), ctx, keys).kind).toBe('valid');
      expect(toHex(sealSlot(v.fields, ctx, keys))).toBe(v.hex);
    }
  });
});

interface EfVector { hex: string; expected: { index: number; current: 'A' | 'B' | 'none'; state: SlotState; writeTo: 'A' | 'B' }[] }
interface ApduVector { read: string[]; decrement: { challenge: string; nextState: SlotState; commands: string[] } }

function recording(channel: CardChannel, sent: string[]): CardChannel {
  return { ...channel, transmit: (cmd) => (sent.push(toHex(cmd)), channel.transmit(cmd)) };
}

describe('the whole-EF vector on an emulated card', () => {
  const layout = defaultLayout();
  const keys = testKeyStore();
  const v = load<EfVector>('ef-image.json');
  const apdus = load<ApduVector>('apdus.json');
  const image = blankCardForLayout(layout, keys, TEST_CARD_ID);
  const withEf = {
    ...image,
    applications: image.applications.map((app) => ({ ...app, files: app.files.map((f) => ({ ...f, data: v.hex })) })),
  };

  it('reads as the expected programmes, current slots and states', async () => {
    const card = createEmulatedCard(withEf);
    const read = await readCard(createEmulatorChannel(card, 'emulator:vector'), { layout, keys });
    expect(read.header.programmeCount).toBe(3);
    for (const e of v.expected) {
      const p = read.programmes[e.index];
      if (p?.status.kind !== 'ok') throw new Error(`programme ${e.index} is ${p?.status.kind}`);
      const c = p.status.current;
      expect(c.index === null ? 'none' : 'AB'[c.index]).toBe(e.current);
      expect('AB'[c.writeIndex]).toBe(e.writeTo);
      expect(c.state).toEqual(e.state);
    }
  });

  it('sends exactly the APDUs of the vector for a read and a decrement', async () => {
    const card = createEmulatedCard(withEf, { random: () => fromHex(apdus.decrement.challenge) });
    const sent: string[] = [];
    const channel = recording(createEmulatorChannel(card, 'emulator:vector'), sent);
    const read = await readCard(channel, { layout, keys });
    expect(sent.slice(0, 2)).toEqual(apdus.read);
    const p = read.programmes[0];
    if (p?.status.kind !== 'ok') throw new Error('coupon programme must verify');
    const next = buildNextSlot(p.status.current.state, { units: 1, atMs: Date.parse('2025-05-11T07:00:00+09:00'), terminal: 0x0001_0205, macKeyVersion: 1 });
    expect(next).toEqual(apdus.decrement.nextState);
    const before = sent.length;
    await writeNextState(channel, { layout, keys }, read, 0, next);
    expect(sent.slice(before)).toEqual(apdus.decrement.commands);
    expect(encodeSlotWrite(layout, keys, read, 0, next).commands.map(toHex)).toEqual(apdus.decrement.commands.slice(2));
  });
});
