/**
 * Test helpers: a terminal's journal as the office receives it (hash-chained wire events in
 * batches), and a domain over a store with development keys in memory. The simulator is the
 * wire format, as in store-contract.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createIssuerSigner } from '../../free-area/index.js';
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
