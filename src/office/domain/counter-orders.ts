/**
 * Orders at a counter station: the clerk's request waits for the card the station reads next.
 * An order is `waiting` until a card is presented, `signed` once its grants are signed for
 * that card (presenting the same card again returns the same grants, so a torn write is simply
 * repeated), `written` when the station confirms, or `cancelled`.
 */
import { z } from 'zod';
import { topicIdSchema } from '../../sync/index.js';
import { all, get, num, numOrNull, run, str, strOrNull } from '../store/index.js';
import type { Program, Raw } from '../store/index.js';
import { ISSUANCE_SQL, ORDER_SQL } from '../store/sql-people.js';
import { executeRequest, grantsOfOrder, withIssuanceLock } from './issuance-programs.js';
import type { CardProgrammeState, IssueContext, SignedGrantRecord } from './issuance-programs.js';
import { ISSUE_KINDS, REFUSAL_MESSAGES } from './issuance-rules.js';
import type { IssueKind, Refusal } from './issuance-rules.js';
import type { DenyVersion } from './revocation.js';
import { cardIdSchema } from './residents.js';

export const orderInputSchema = z.object({
  station: topicIdSchema,
  residentId: z.int().positive(),
  kind: z.enum(ISSUE_KINDS),
  /** Required except for a reissue, which carries every programme of the old card. */
  programmeId: z.string().default(''),
  topUp: z.int().min(0).default(0),
  oldCardId: cardIdSchema.optional(),
  reason: z.enum(['lost', 'details-changed']).optional(),
  by: z.string().trim().min(1).max(100),
});
export type OrderInput = z.input<typeof orderInputSchema>;

export interface IssuanceOrder {
  readonly id: number;
  readonly station: string;
  readonly residentId: number;
  readonly kind: IssueKind;
  readonly programmeId: string;
  readonly topUp: number;
  readonly oldCardId: string | null;
  readonly reason: string | null;
  readonly status: 'waiting' | 'signed' | 'written' | 'cancelled';
  readonly cardId: string | null;
  readonly detail: string;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type CounterAnswer =
  | { readonly kind: 'grants'; readonly orderId: number; readonly cardId: string; readonly grants: readonly SignedGrantRecord[]; readonly revoked: DenyVersion | null }
  | { readonly kind: 'no-order'; readonly station: string }
  | { readonly kind: 'refused'; readonly orderId: number; readonly reason: Refusal; readonly message: { ja: string; en: string } };

export function counterPrograms(ctx: () => IssueContext) {
  return {
    *create(input: OrderInput, now: number): Program<IssuanceOrder> {
      const o = orderInputSchema.parse(input);
      const inserted = yield* get(ORDER_SQL.insert, [o.station, o.residentId, o.kind, o.programmeId, o.topUp, o.oldCardId ?? null, o.reason ?? null, o.by, now, now]);
      return toOrder((yield* get(ORDER_SQL.byId, [num(inserted?.id)])) as Raw);
    },
    *list(f: { station?: string; status?: IssuanceOrder['status']; limit?: number }): Program<IssuanceOrder[]> {
      const station = f.station ?? null;
      const status = f.status ?? null;
      return (yield* all(ORDER_SQL.list, [station, station, status, status, Math.min(f.limit ?? 100, 1000)])).map(toOrder);
    },
    *cancel(id: number, by: string, now: number): Program<IssuanceOrder | null> {
      const row = yield* get(ORDER_SQL.byId, [id]);
      if (row === undefined) return null;
      const order = toOrder(row);
      if (order.status === 'waiting' || order.status === 'signed') yield* run(ORDER_SQL.setStatus, ['cancelled', null, `cancelled by ${by}`, now, id]);
      return toOrder((yield* get(ORDER_SQL.byId, [id])) as Raw);
    },
    *atCounter(station: string, cardId: string, cardState: readonly CardProgrammeState[]): Program<CounterAnswer> {
      return yield* withIssuanceLock(answer(station, cardId, cardState, ctx()));
    },
    *confirm(station: string, orderId: number, cardId: string, ok: boolean, detail: string, now: number): Program<IssuanceOrder | null> {
      const row = yield* get(ORDER_SQL.byId, [orderId]);
      if (row === undefined) return null;
      const order = toOrder(row);
      if (order.station !== station || order.cardId !== cardId || order.status !== 'signed') return order;
      if (ok) {
        yield* run(ISSUANCE_SQL.written, [now, orderId]);
        yield* run(ORDER_SQL.setStatus, ['written', null, detail, now, orderId]);
      } else {
        yield* run(ORDER_SQL.setStatus, ['signed', null, `write failed: ${detail}`, now, orderId]);
      }
      return toOrder((yield* get(ORDER_SQL.byId, [orderId])) as Raw);
    },
  };
}

function* answer(station: string, cardId: string, cardState: readonly CardProgrammeState[], ctx: IssueContext): Program<CounterAnswer> {
  const row = yield* get(ORDER_SQL.nextForStation, [station]);
  if (row === undefined) return { kind: 'no-order', station };
  const order = toOrder(row);
  if (order.status === 'signed') {
    if (order.cardId !== cardId) return refused(order.id, 'order-signed-for-another-card');
    return { kind: 'grants', orderId: order.id, cardId, grants: yield* grantsOfOrder(order.id), revoked: null };
  }
  const req = {
    kind: order.kind, residentId: order.residentId, programmeId: order.programmeId, topUp: order.topUp, oldCardId: order.oldCardId,
    reason: order.reason === 'details-changed' ? ('details-changed' as const) : ('lost' as const), by: order.createdBy, orderId: order.id,
  };
  const outcome = yield* executeRequest(req, cardId, cardState, ctx);
  if (outcome.kind === 'refused') {
    yield* run(ORDER_SQL.setStatus, ['waiting', null, `${cardId}: ${outcome.reason}`, ctx.now, order.id]);
    return refused(order.id, outcome.reason);
  }
  yield* run(ORDER_SQL.setStatus, ['signed', cardId, '', ctx.now, order.id]);
  return { kind: 'grants', orderId: order.id, cardId, grants: outcome.grants, revoked: outcome.revoked };
}

function refused(orderId: number, reason: Refusal): CounterAnswer {
  return { kind: 'refused', orderId, reason, message: REFUSAL_MESSAGES[reason] };
}

function toOrder(r: Raw): IssuanceOrder {
  return {
    id: num(r.id),
    station: str(r.station),
    residentId: num(r.resident_id),
    kind: str(r.kind) as IssueKind,
    programmeId: str(r.programme_id),
    topUp: num(r.top_up),
    oldCardId: strOrNull(r.old_card_id),
    reason: strOrNull(r.reason),
    status: str(r.status) as IssuanceOrder['status'],
    cardId: strOrNull(r.card_id),
    detail: str(r.detail),
    createdBy: str(r.created_by),
    createdAt: num(r.created_at),
    updatedAt: numOrNull(r.updated_at) ?? num(r.created_at),
  };
}
