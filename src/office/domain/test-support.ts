/**
 * Test helpers: a terminal's journal as the office receives it (hash-chained wire events in
 * batches), and a domain over a store with development keys in memory. The simulator is the
 * wire format, as in store-contract.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createIssuerSigner, encodeSlot, SLOT } from '../../free-area/index.js';
import { eventHash, GENESIS_HASH, SCHEMA_VERSION } from '../../sync/index.js';
import type { EventBatch, WireEvent } from '../../sync/index.js';
import type { OfficeStore } from '../store/index.js';
import { createMemoryIssuerKeyRing } from './issuer-keys.js';
import { createOfficeDomain } from './office-domain.js';
import type { OfficeDomain, OfficeDomainOptions } from './office-domain.js';
import type { OfficeProgrammeInput } from './programmes.js';

export interface WireJournal {
  readonly terminal: string;
  append(type: string, payload: Record<string, unknown>, at: number): WireEvent;
  /** Events appended since the last `batch()`, as one batch. */
  batch(): EventBatch;
  readonly events: readonly WireEvent[];
}

export function wireJournal(terminal: string, org = 'maebashi'): WireJournal {
  const events: WireEvent[] = [];
  let sent = 0;
  return {
    terminal,
    events,
    append(type, payload, at) {
      const prev = events.at(-1) ?? { seq: 0, hash: GENESIS_HASH };
      const seq = prev.seq + 1;
      const body = { terminal, seq, type, at, payload: JSON.parse(JSON.stringify(payload)) as WireEvent['payload'] };
      const event: WireEvent = { seq, type, at, payload: body.payload, prevHash: prev.hash, hash: eventHash(prev.hash, body) };
      events.push(event);
      return event;
    },
    batch() {
      const slice = events.slice(sent);
      const first = slice[0];
      const last = slice.at(-1);
      if (first === undefined || last === undefined) throw new RangeError('nothing appended since the last batch');
      sent = events.length;
      return { v: SCHEMA_VERSION, terminal, org, firstSeq: first.seq, lastSeq: last.seq, events: slice, chainHash: last.hash };
    },
  };
}

/** Milliseconds of a Japan-time wall clock, e.g. `jst('2025-06-10 10:00')`. */
export function jst(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}:00+09:00`);
}

export const TEST_PROGRAMMES: readonly OfficeProgrammeInput[] = [
  { id: '102016-1', name: { ja: '前橋市 マイタク', en: 'Maebashi MyTaku' }, unit: 'coupon', amount: 120, dailyUses: 2 },
  { id: '132055-1', name: { ja: '青梅市 タクシー運賃助成', en: 'Ome taxi fare support' }, unit: 'yen', amount: 36000, monthlyUnits: 3000 },
];

export function testDomain(store: OfficeStore, clock: () => number, extra: Partial<OfficeDomainOptions> = {}): OfficeDomain {
  const signer = () => createIssuerSigner(generateKeyPairSync('ed25519').privateKey, 1);
  const first = signer();
  let version = 1;
  const keys = createMemoryIssuerKeyRing([first], () => createIssuerSigner(generateKeyPairSync('ed25519').privateKey, ++version));
  return createOfficeDomain({ store, org: 'maebashi', programmes: TEST_PROGRAMMES, keys, clock, ...extra });
}

export interface TapInput {
  readonly cardId: string;
  readonly programmeId?: string;
  readonly fromSeq: number;
  readonly units?: number;
  readonly usedAfter: number;
  readonly at: number;
  readonly rideId?: string;
  readonly grantSerial?: number;
  /** What follows the intent: a commit (default), an abort, or nothing (in doubt). */
  readonly then?: 'commit' | 'abort' | 'nothing';
}

/** A card write as a terminal journals it: intent (with the slot image), then commit or abort. */
export function cardWrite(j: WireJournal, t: TapInput): WireEvent {
  const units = t.units ?? 1;
  const state = { seq: t.fromSeq + 1, used: t.usedAfter, day: null, dayUses: 0, month: null, monthUnits: 0, lastTerminal: 1, time: Math.floor(t.at / 1000), macKeyVersion: 1 };
  const image = Buffer.from(encodeSlot(state, new Uint8Array(SLOT.macSize))).toString('hex').toUpperCase();
  const context = { ...(t.rideId === undefined ? {} : { rideId: t.rideId }), grantSerial: t.grantSerial ?? 1 };
  const intent = j.append('intent', {
    cardId: t.cardId, programmeIndex: 0, programmeId: t.programmeId ?? '102016-1', fromSeq: t.fromSeq, toSeq: t.fromSeq + 1,
    slotIndex: (t.fromSeq + 1) % 2, slotImage: image, units, context,
  }, t.at);
  const then = t.then ?? 'commit';
  if (then === 'commit') j.append('commit', { intentId: intent.seq, cardId: t.cardId, programmeId: t.programmeId ?? '102016-1', units, toSeq: t.fromSeq + 1 }, t.at + 50);
  if (then === 'abort') j.append('abort', { intentId: intent.seq, cardId: t.cardId, programmeId: t.programmeId ?? '102016-1', reason: 'write-not-landed' }, t.at + 50);
  return intent;
}

/** A deny-list publisher that remembers what it was given, and can be told to fail. */
export function recordingPublisher() {
  const sent: { topic: 'denylist' | 'delta' | 'keys'; body: unknown }[] = [];
  let failing = false;
  const maybeFail = async (): Promise<void> => {
    if (failing) throw new Error('broker unreachable');
  };
  return {
    sent,
    fail: (on: boolean) => void (failing = on),
    publishDenyList: async (snapshot: unknown) => void (await maybeFail(), sent.push({ topic: 'denylist', body: snapshot })),
    publishDenyDelta: async (delta: unknown) => void (await maybeFail(), sent.push({ topic: 'delta', body: delta })),
    publishIssuerKeys: async (_org: string, keys: unknown) => void (await maybeFail(), sent.push({ topic: 'keys', body: keys })),
  };
}
