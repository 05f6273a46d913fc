/**
 * Issuance transactions: a card's allowance from the office's records and the card's
 * reported writes, signing and recording a grant, and carrying out one request (new, renewal,
 * top-up, reissue) for the card at the counter.
 */
import { signGrant } from '../../free-area/index.js';
import type { IssuerSigner } from '../../free-area/index.js';
import { all, get, lock, num, numOrNull, run, str } from '../store/index.js';
import type { Program, Raw } from '../store/index.js';
import { CARD_SQL, DENY_SQL, ISSUANCE_SQL, RESIDENT_SQL } from '../store/sql-people.js';
import { carryOver, planGrant, remainingOf } from './issuance-rules.js';
import type { Allowance, GrantPlan, IssueKind, Refusal } from './issuance-rules.js';
import { parseProgrammeId } from './programmes.js';
import type { Catalogue, OfficeProgramme } from './programmes.js';
import { revokeProgram } from './revocation.js';
import type { DenyVersion, RevokeReason } from './revocation.js';

export const ISSUANCE_LOCK = 'office-issuance';

/** What the counter read on the card for one programme. */
export interface CardProgrammeState {
  readonly programmeId: string;
  readonly serial: number;
  readonly used: number;
}

export interface SignedGrantRecord {
  readonly cardId: string;
  readonly programmeId: string;
  readonly kind: IssueKind;
  readonly serial: number;
  readonly keyVersion: number;
  readonly amount: number;
  readonly carriedOver: number;
  readonly validFrom: string;
  readonly validUntil: string;
  /** The signed grant bytes, hex, as `issueCard` writes them. */
  readonly grantHex: string;
  readonly issuedBy: string;
  readonly issuedAt: number;
  readonly writtenAt: number | null;
}

export interface GrantRequest {
  readonly kind: IssueKind;
  readonly residentId: number;
  readonly programmeId: string;
  readonly topUp: number;
  readonly oldCardId: string | null;
  readonly reason: Extract<RevokeReason, 'lost' | 'details-changed'> | null;
  readonly by: string;
  readonly orderId: number | null;
}

export interface IssueContext {
  readonly signer: IssuerSigner;
  readonly catalogue: Catalogue;
  readonly now: number;
}

export type ExecuteOutcome =
  | { readonly kind: 'granted'; readonly grants: readonly SignedGrantRecord[]; readonly revoked: DenyVersion | null }
  | { readonly kind: 'refused'; readonly reason: Refusal };

export function* allowanceOf(cardId: string, programmeId: string, onCard: readonly CardProgrammeState[] = []): Program<Allowance | null> {
  const reported = onCard.find((s) => s.programmeId === programmeId);
  const base = reported === undefined ? undefined : yield* get(ISSUANCE_SQL.bySerial, [cardId, programmeId, reported.serial]);
  const grant = base ?? (yield* get(ISSUANCE_SQL.latest, [cardId, programmeId]));
  if (grant === undefined) return null;
  const serial = num(grant.serial);
  const last = yield* get(ISSUANCE_SQL.usedUnder, [cardId, programmeId, serial, num(grant.issued_at)]);
  const byUnits = num((yield* get(ISSUANCE_SQL.unitsUnder, [cardId, programmeId, serial, num(grant.issued_at)]))?.units);
  const usedByEvents = Math.max(numOrNull(last?.used_after) ?? 0, byUnits);
  const usedOnCard = reported !== undefined && reported.serial === serial ? reported.used : null;
  return { programmeId, serial, amount: num(grant.amount), validFrom: str(grant.valid_from), validUntil: str(grant.valid_until), usedByEvents, usedOnCard, ...remainingOf(num(grant.amount), usedByEvents, usedOnCard) };
}

function* signAndRecord(cardId: string, programme: OfficeProgramme, kind: IssueKind, plan: GrantPlan, req: GrantRequest, ctx: IssueContext): Program<SignedGrantRecord> {
  const serial = num((yield* get(ISSUANCE_SQL.nextSerial))?.serial);
  const id = parseProgrammeId(programme.id);
  if (id === null) throw new RangeError(`programme ${programme.id} is not a programme ID`);
  const signed = signGrant(
    { cardId, programme: id, unit: programme.unit, amount: plan.amount, validFrom: plan.validFrom, validUntil: plan.validUntil, dailyUses: programme.dailyUses, monthlyUnits: programme.monthlyUnits, serial, ext: new Uint8Array(0) },
    ctx.signer,
  );
  const grantHex = Buffer.from(signed.bytes).toString('hex').toUpperCase();
  yield* run(ISSUANCE_SQL.insert, [
    cardId, programme.id, kind, serial, signed.grant.keyVersion, programme.unit, plan.amount, plan.carriedOver, plan.validFrom, plan.validUntil,
    programme.dailyUses, programme.monthlyUnits, plan.previousSerial, grantHex, req.by, ctx.now, req.orderId,
  ]);
  return { cardId, programmeId: programme.id, kind, serial, keyVersion: signed.grant.keyVersion, amount: plan.amount, carriedOver: plan.carriedOver, validFrom: plan.validFrom, validUntil: plan.validUntil, grantHex, issuedBy: req.by, issuedAt: ctx.now, writtenAt: null };
}

/** One request for the card `cardId`, in the caller's transaction (which holds ISSUANCE_LOCK). */
export function* executeRequest(req: GrantRequest, cardId: string, onCard: readonly CardProgrammeState[], ctx: IssueContext): Program<ExecuteOutcome> {
  if ((yield* get(RESIDENT_SQL.byId, [req.residentId])) === undefined) return { kind: 'refused', reason: 'resident-not-found' };
  if ((yield* get(DENY_SQL.entry, [cardId])) !== undefined) return { kind: 'refused', reason: 'card-revoked' };
  const card = yield* get(CARD_SQL.byId, [cardId]);
  if (req.kind === 'reissue') return yield* reissue(req, cardId, card, ctx);
  const programme = ctx.catalogue.find(req.programmeId);
  if (programme === undefined) return { kind: 'refused', reason: 'unknown-programme' };
  if (card !== undefined && num(card.resident_id) !== req.residentId) return { kind: 'refused', reason: 'card-of-another-resident' };
  if (card === undefined && req.kind !== 'new') return { kind: 'refused', reason: 'card-not-linked' };
  const existing = yield* allowanceOf(cardId, programme.id, onCard);
  const decided = planGrant(req.kind, programme, existing, req.topUp, ctx.now);
  if (decided.kind === 'refused') return decided;
  if (card === undefined) yield* run(CARD_SQL.insert, [cardId, req.residentId, ctx.now, null]);
  return { kind: 'granted', grants: [yield* signAndRecord(cardId, programme, req.kind, decided.plan, req, ctx)], revoked: null };
}

/** Revokes the old card (unless it is already) and grants what it had left on the new one. */
function* reissue(req: GrantRequest, newCardId: string, card: Raw | undefined, ctx: IssueContext): Program<ExecuteOutcome> {
  if (card !== undefined) return { kind: 'refused', reason: 'new-card-in-use' };
  const old = req.oldCardId === null ? undefined : yield* get(CARD_SQL.byId, [req.oldCardId]);
  if (old === undefined || req.oldCardId === null || num(old.resident_id) !== req.residentId) return { kind: 'refused', reason: 'old-card-not-of-resident' };
  const carried: { programme: OfficeProgramme; plan: GrantPlan }[] = [];
  for (const p of yield* programmesOf(req.oldCardId)) {
    const programme = ctx.catalogue.find(p);
    const allowance = yield* allowanceOf(req.oldCardId, p);
    const plan = allowance === null ? null : carryOver(allowance, ctx.now);
    if (programme !== undefined && plan !== null) carried.push({ programme, plan });
  }
  if (carried.length === 0) return { kind: 'refused', reason: 'nothing-to-carry' };
  const revoked = yield* revokeProgram(req.oldCardId, req.reason ?? 'lost', req.by, `reissued as ${newCardId}`, ctx.now);
  yield* run(CARD_SQL.insert, [newCardId, req.residentId, ctx.now, req.oldCardId]);
  yield* run(CARD_SQL.replacedBy, [newCardId, req.oldCardId]);
  const grants: SignedGrantRecord[] = [];
  for (const c of carried) grants.push(yield* signAndRecord(newCardId, c.programme, 'reissue', c.plan, req, ctx));
  return { kind: 'granted', grants, revoked: revoked.kind === 'revoked' ? revoked.version : null };
}

function* programmesOf(cardId: string): Program<string[]> {
  return [...new Set((yield* all(ISSUANCE_SQL.ofCard, [cardId])).map((r) => str(r.programme_id)))];
}

export function* grantsOfCard(cardId: string): Program<SignedGrantRecord[]> {
  return (yield* all(ISSUANCE_SQL.ofCard, [cardId])).map(toRecord);
}

export function* grantsOfOrder(orderId: number): Program<SignedGrantRecord[]> {
  return (yield* all(ISSUANCE_SQL.ofOrder, [orderId])).map(toRecord);
}

export function* withIssuanceLock<T>(body: Program<T>): Program<T> {
  yield* lock(ISSUANCE_LOCK);
  return yield* body;
}

function toRecord(r: Raw): SignedGrantRecord {
  return {
    cardId: str(r.card_id),
    programmeId: str(r.programme_id),
    kind: str(r.kind) as IssueKind,
    serial: num(r.serial),
    keyVersion: num(r.key_version),
    amount: num(r.amount),
    carriedOver: num(r.carried_over),
    validFrom: str(r.valid_from),
    validUntil: str(r.valid_until),
    grantHex: str(r.grant_hex),
    issuedBy: str(r.issued_by),
    issuedAt: num(r.issued_at),
    writtenAt: numOrNull(r.written_at),
  };
}
