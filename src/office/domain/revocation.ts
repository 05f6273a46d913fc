/**
 * Revocation into the deny-list. Each revocation is a new deny-list version: the card's entry,
 * a version row with the delta, and then the retained snapshot and the delta on the downlink.
 * A publish that fails (broker away) leaves the version unpublished; `publishPending` sends the
 * missed deltas and the newest snapshot, and a terminal that missed deltas takes the snapshot anyway.
 */
import { z } from 'zod';
import type { DenyEntry, DenyReason } from '../../sync/index.js';
import { all, get, json, lock, num, numOrNull, run, str } from '../store/index.js';
import type { Program, ProgramRunner, Raw } from '../store/index.js';
import { CARD_SQL, DENY_SQL } from '../store/sql-people.js';
import { cardIdSchema } from './residents.js';

export const REVOKE_REASONS = ['lost', 'deceased', 'moved-away', 'details-changed', 'suspended'] as const satisfies readonly DenyReason[];
export type RevokeReason = (typeof REVOKE_REASONS)[number];

/** The J-LIS certificate revocation reason each of ours corresponds to (DOMAIN.md, "Revocation"). */
export const JLIS_REASONS: Readonly<Record<RevokeReason, string>> = {
  lost: 'certificateHold / cessationOfOperation',
  deceased: 'affiliationChanged',
  'moved-away': 'affiliationChanged / cessationOfOperation',
  'details-changed': 'superseded',
  suspended: 'certificateHold',
};

export const revokeInputSchema = z.object({
  cardId: cardIdSchema,
  reason: z.enum(REVOKE_REASONS),
  by: z.string().trim().min(1).max(100),
  note: z.string().max(1000).default(''),
});
export type RevokeInput = z.input<typeof revokeInputSchema>;

/** What the office's downlink publisher offers (src/office/ingest/downlink-publisher.ts). */
export interface DenyListPublisher {
  publishDenyList(snapshot: { org: string; version: number; entries: DenyEntry[] }): Promise<void>;
  publishDenyDelta(delta: { org: string; fromVersion: number; toVersion: number; add: DenyEntry[]; remove: string[] }): Promise<void>;
}

export interface DenyVersion {
  readonly version: number;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly added: readonly DenyEntry[];
  readonly removed: readonly string[];
  readonly entries: number;
  readonly publishedAt: number | null;
}

export type RevokeOutcome =
  | { readonly kind: 'revoked'; readonly version: DenyVersion; readonly published: boolean }
  | { readonly kind: 'already-revoked'; readonly entry: DenyEntry & { readonly version: number } };

export interface RevocationService {
  revoke(input: RevokeInput): Promise<RevokeOutcome>;
  /** The whole list at its newest version. */
  denyList(): Promise<{ version: number; entries: DenyEntry[] }>;
  versions(limit?: number): Promise<DenyVersion[]>;
  /** Publishes the deltas of versions that have not gone out, then the newest snapshot; true when sent. */
  publishPending(): Promise<boolean>;
}

export interface RevocationDeps {
  readonly store: ProgramRunner;
  readonly org: string;
  readonly clock: () => number;
  readonly publisher?: DenyListPublisher;
  readonly onPublishError?: (error: unknown) => void;
}

export function createRevocationService(deps: RevocationDeps): RevocationService {
  const { store, org, clock, publisher } = deps;
  const denyList = () => store.run(snapshotProgram);
  /** Every unpublished version's delta in order, then the newest snapshot (retained). */
  const publishPending = async (): Promise<boolean> => {
    if (publisher === undefined) return false;
    const { pending, snapshot } = await store.run(function* () {
      return { pending: (yield* all(DENY_SQL.unpublished)).map(toVersion), snapshot: yield* snapshotProgram() };
    });
    if (pending.length === 0) return false;
    try {
      for (const v of pending) await publisher.publishDenyDelta({ org, fromVersion: v.version - 1, toVersion: v.version, add: [...v.added], remove: [...v.removed] });
      await publisher.publishDenyList({ org, ...snapshot });
      await store.run(() => run(DENY_SQL.published, [clock(), snapshot.version]), { write: true });
      return true;
    } catch (error) {
      deps.onPublishError?.(error);
      return false;
    }
  };
  return {
    async revoke(input) {
      const r = revokeInputSchema.parse(input);
      const outcome = await store.run(() => revokeProgram(r.cardId, r.reason, r.by, r.note, clock()), { write: true });
      if (outcome.kind !== 'revoked') return outcome;
      return { ...outcome, published: await publishPending() };
    },
    denyList,
    versions: (limit = 50) => store.run(function* () {
      return (yield* all(DENY_SQL.versions, [limit])).map(toVersion);
    }),
    publishPending,
  };
}

export function* revokeProgram(cardId: string, reason: RevokeReason, by: string, note: string, now: number): Program<Exclude<RevokeOutcome, { published: boolean }> | { kind: 'revoked'; version: DenyVersion }> {
  yield* lock('office-denylist');
  const existing = yield* get(DENY_SQL.entry, [cardId]);
  if (existing !== undefined) return { kind: 'already-revoked', entry: { ...toEntry(existing), version: num(existing.version) } };
  const latest = yield* get(DENY_SQL.latest);
  const version = (latest === undefined ? 0 : num(latest.version)) + 1;
  const entry: DenyEntry = { cardId, reason, since: now };
  yield* run(DENY_SQL.insertEntry, [cardId, reason, now, version, by, note]);
  yield* run(CARD_SQL.revoke, [now, reason, cardId]);
  const count = num((yield* get(DENY_SQL.count))?.n);
  yield* run(DENY_SQL.insertVersion, [version, now, by, JSON.stringify([entry]), JSON.stringify([]), count]);
  return { kind: 'revoked', version: { version, createdAt: now, createdBy: by, added: [entry], removed: [], entries: count, publishedAt: null } };
}

function* snapshotProgram(): Program<{ version: number; entries: DenyEntry[] }> {
  const latest = yield* get(DENY_SQL.latest);
  const entries = (yield* all(DENY_SQL.entries)).map(toEntry);
  return { version: latest === undefined ? 0 : num(latest.version), entries };
}

function toEntry(r: Raw): DenyEntry {
  return { cardId: str(r.card_id), reason: str(r.reason) as DenyReason, since: num(r.since) };
}

function toVersion(r: Raw): DenyVersion {
  return {
    version: num(r.version),
    createdAt: num(r.created_at),
    createdBy: str(r.created_by),
    added: json<DenyEntry[]>(r.added),
    removed: json<string[]>(r.removed),
    entries: num(r.entries),
    publishedAt: numOrNull(r.published_at),
  };
}
