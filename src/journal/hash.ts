import { createHash } from 'node:crypto';

import type { ChainCheck } from './types.js';

/**
 * The hash chain, shared with the office (which re-computes it): see `docs/journal.md`.
 *
 * canonicalJson is RFC 8785 (JCS) for the values the journal accepts: object keys sorted by
 * UTF-16 code units, no whitespace, numbers and strings as ECMAScript JSON.stringify writes
 * them. `JSON.parse` of the output followed by canonicalJson gives the same text back, so the
 * office can hash the payload it received without knowing how it was built.
 */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event that its hash covers. */
export interface HashedEvent {
  readonly terminal: string;
  readonly seq: number;
  readonly type: string;
  readonly at: number;
  readonly payload: unknown;
}

/**
 * Plain JSON only: a value JSON cannot carry faithfully (undefined in an array, NaN, a Date,
 * a Map, a bigint, a cycle) is a caller's bug and throws a TypeError rather than being
 * silently changed. An object property whose value is undefined is left out, as JSON does.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set(), '$');
}

function write(value: unknown, seen: Set<object>, at: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${at}: ${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (typeof value !== 'object') throw new TypeError(`${at}: a ${typeof value} is not JSON`);
  if (seen.has(value)) throw new TypeError(`${at}: cycle`);
  seen.add(value);
  const text = Array.isArray(value) ? writeArray(value, seen, at) : writeObject(value, seen, at);
  seen.delete(value);
  return text;
}

function writeArray(items: readonly unknown[], seen: Set<object>, at: string): string {
  const parts = items.map((item, i) => {
    if (item === undefined) throw new TypeError(`${at}[${i}]: undefined is not JSON`);
    return write(item, seen, `${at}[${i}]`);
  });
  return `[${parts.join(',')}]`;
}

function writeObject(value: object, seen: Set<object>, at: string): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new TypeError(`${at}: only plain objects are JSON`);
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  // Default sort compares UTF-16 code units, which is the order JCS prescribes.
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${write(item, seen, `${at}.${key}`)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Hex SHA-256 of `prevHash` (64 hex characters) followed by the canonical JSON of the event. */
export function eventHash(prevHash: string, event: HashedEvent): string {
  return hashWithPayloadText(prevHash, event, canonicalJson(event.payload));
}

/**
 * eventHash for a payload already in canonical form (the journal stores that text), spelling
 * out the event object with its keys in sorted order: at, payload, seq, terminal, type.
 */
export function hashWithPayloadText(prevHash: string, event: Omit<HashedEvent, 'payload'>, payloadText: string): string {
  const text =
    `{"at":${canonicalJson(event.at)},"payload":${payloadText},"seq":${canonicalJson(event.seq)},` +
    `"terminal":${canonicalJson(event.terminal)},"type":${canonicalJson(event.type)}}`;
  return createHash('sha256').update(prevHash, 'utf8').update(text, 'utf8').digest('hex');
}

/** An event as a verifier has it: the hashed fields plus the two hashes. */
export interface ChainedEvent extends HashedEvent {
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * Checks that consecutive events link and hash correctly, starting after `anchor`
 * (the genesis by default; the newest pruned or already verified event otherwise).
 */
export function verifyChain(
  events: Iterable<ChainedEvent>,
  anchor: { readonly seq: number; readonly hash: string } = { seq: 0, hash: GENESIS_HASH },
): ChainCheck {
  let { seq, hash } = anchor;
  let checked = 0;
  for (const event of events) {
    if (event.seq !== seq + 1) return { ok: false, seq: event.seq, problem: 'gap' };
    if (event.prevHash !== hash) return { ok: false, seq: event.seq, problem: 'prev-hash' };
    if (eventHash(event.prevHash, event) !== event.hash) return { ok: false, seq: event.seq, problem: 'hash' };
    seq = event.seq;
    hash = event.hash;
    checked += 1;
  }
  return { ok: true, checked };
}

