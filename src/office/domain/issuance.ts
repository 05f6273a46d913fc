/**
 * Issuance at the counter as a service. A clerk puts an order on a counter station (new card,
 * yearly renewal, top-up, or reissue of a lost or superseded card); the station reads the
 * card presented and asks for the order's grants (`atCounter`), writes them with `issueCard`
 * and confirms. `issue` does the same without an order, for the CLI and tests.
 */
import { z } from 'zod';
import type { IssuerKeys } from '../../sync/index.js';
import { get, run } from '../store/index.js';
import type { ProgramRunner } from '../store/index.js';
import { KEY_SQL } from '../store/sql-people.js';
import type { IssuerKeyRing } from './issuer-keys.js';
import { allowanceOf, executeRequest, grantsOfCard, withIssuanceLock } from './issuance-programs.js';
import type { CardProgrammeState, ExecuteOutcome, SignedGrantRecord } from './issuance-programs.js';
import { ISSUE_KINDS } from './issuance-rules.js';
import type { Allowance } from './issuance-rules.js';
import { counterPrograms } from './counter-orders.js';
import type { CounterAnswer, IssuanceOrder, OrderInput } from './counter-orders.js';
import type { Projector } from './projector.js';
import type { Catalogue } from './programmes.js';
import { cardIdSchema } from './residents.js';
import type { DenyListPublisher } from './revocation.js';

export type { CardProgrammeState, SignedGrantRecord } from './issuance-programs.js';
export type { CounterAnswer, IssuanceOrder, OrderInput } from './counter-orders.js';

export const issueInputSchema = z.object({
  cardId: cardIdSchema,
  residentId: z.int().positive(),
  kind: z.enum(ISSUE_KINDS),
  programmeId: z.string().default(''),
  topUp: z.int().min(0).default(0),
  oldCardId: cardIdSchema.optional(),
  reason: z.enum(['lost', 'details-changed']).optional(),
  by: z.string().trim().min(1).max(100),
  cardState: z.array(z.object({ programmeId: z.string(), serial: z.int().min(0), used: z.int().min(0) })).default([]),
});
export type IssueInput = z.input<typeof issueInputSchema>;

/** What the office's downlink publisher offers for keys. */
export interface IssuerKeyPublisher {
  publishIssuerKeys(org: string, keys: Omit<IssuerKeys, 'v'>): Promise<void>;
}

export interface IssuanceService {
  issue(input: IssueInput): Promise<ExecuteOutcome>;
  allowance(cardId: string, programmeId: string): Promise<Allowance | null>;
  grants(cardId: string): Promise<SignedGrantRecord[]>;
  createOrder(input: OrderInput): Promise<IssuanceOrder>;
  orders(filter?: { station?: string; status?: IssuanceOrder['status']; limit?: number }): Promise<IssuanceOrder[]>;
  cancelOrder(id: number, by: string): Promise<IssuanceOrder | null>;
  /** A card presented at `station`: the grants of the station's oldest open order, or why not. */
  atCounter(station: string, cardId: string, cardState: readonly CardProgrammeState[]): Promise<CounterAnswer>;
  /** The station wrote (or failed to write) the order's grants. */
  confirmWritten(station: string, orderId: number, cardId: string, ok: boolean, detail?: string): Promise<IssuanceOrder | null>;
  keyVersions(): Promise<{ version: number; publicKey: string; current: boolean; publishedAt: number | null }[]>;
  /** A new signing key version; its public key (with every older one) goes to the terminals. */
  rotateKey(): Promise<{ version: number; published: boolean }>;
  publishKeys(): Promise<boolean>;
}

export interface IssuanceDeps {
  readonly store: ProgramRunner;
  readonly org: string;
  readonly keys: IssuerKeyRing;
  readonly catalogue: Catalogue;
  readonly projector: Projector;
  readonly clock: () => number;
  readonly publisher?: IssuerKeyPublisher & Partial<DenyListPublisher>;
  /** Publishes the deny-list after a reissue revoked a card. */
  readonly afterRevocation: () => Promise<unknown>;
  readonly onPublishError?: (error: unknown) => void;
}

export function createIssuanceService(deps: IssuanceDeps): IssuanceService {
  const { store, keys, catalogue, projector, clock } = deps;
  const ctx = () => ({ signer: keys.signer(), catalogue, now: clock() });
  const orders = counterPrograms(ctx);
  const afterGrant = async <T extends { kind: string }>(outcome: T): Promise<T> => {
    const revoked = (outcome as { revoked?: unknown }).revoked;
    if (revoked !== null && revoked !== undefined) await deps.afterRevocation();
    return outcome;
  };
  const publishKeys = async (): Promise<boolean> => {
    const list = keys.publicKeys();
    await store.run(function* () {
      for (const k of list) yield* run(KEY_SQL.record, [k.version, k.publicKey, clock()]);
    }, { write: true });
    if (deps.publisher === undefined) return false;
    try {
      await deps.publisher.publishIssuerKeys(deps.org, { keys: list });
      await store.run(() => run(KEY_SQL.published, [clock()]), { write: true });
      return true;
    } catch (error) {
      deps.onPublishError?.(error);
      return false;
    }
  };
  return {
    async issue(input) {
      const i = issueInputSchema.parse(input);
      await projector.project();
      const req = { kind: i.kind, residentId: i.residentId, programmeId: i.programmeId, topUp: i.topUp, oldCardId: i.oldCardId ?? null, reason: i.reason ?? null, by: i.by, orderId: null };
      return afterGrant(await store.run(() => withIssuanceLock(executeRequest(req, i.cardId, i.cardState, ctx())), { write: true }));
    },
    async allowance(cardId, programmeId) {
      await projector.project();
      return store.run(() => allowanceOf(cardId.toUpperCase(), programmeId));
    },
    grants: (cardId) => store.run(() => grantsOfCard(cardId.toUpperCase())),
    createOrder: (input) => store.run(() => orders.create(input, clock()), { write: true }),
    orders: (filter = {}) => store.run(() => orders.list(filter)),
    cancelOrder: (id, by) => store.run(() => orders.cancel(id, by, clock()), { write: true }),
    async atCounter(station, cardId, cardState) {
      await projector.project();
      return afterGrant(await store.run(() => orders.atCounter(station, cardIdSchema.parse(cardId), cardState), { write: true }));
    },
    confirmWritten: (station, orderId, cardId, ok, detail = '') => store.run(() => orders.confirm(station, orderId, cardId.toUpperCase(), ok, detail, clock()), { write: true }),
    async keyVersions() {
      const current = keys.signer().keyVersion;
      const published = await store.run(function* () {
        const out = new Map<number, number | null>();
        for (const k of keys.publicKeys()) {
          const row = yield* get('SELECT published_at FROM issuer_keys WHERE version = ?', [k.version]);
          out.set(k.version, row?.published_at === null || row?.published_at === undefined ? null : Number(row.published_at));
        }
        return out;
      });
      return keys.publicKeys().map((k) => ({ ...k, current: k.version === current, publishedAt: published.get(k.version) ?? null }));
    },
    async rotateKey() {
      const version = keys.rotate();
      return { version, published: await publishKeys() };
    },
    publishKeys,
  };
}
