/**
 * What a grant holds, decided from the programme, the card's current grant and what the
 * card has used. The free-area `issueCard` replaces a programme's grant and starts its slots
 * afresh, so whatever the card keeps must be in the new grant's amount:
 *
 *   remaining = previous amount − used, where used is the larger of what the terminals'
 *   events report (in-doubt writes counted as landed) and what the card itself shows.
 */
import { jstDay } from '../../free-area/index.js';
import { fiscalYearOf } from './programmes.js';
import type { OfficeProgramme } from './programmes.js';

export const ISSUE_KINDS = ['new', 'renewal', 'top-up', 'reissue'] as const;
export type IssueKind = (typeof ISSUE_KINDS)[number];

/** The card's grant for a programme as the office last issued it, with its use. */
export interface Allowance {
  readonly programmeId: string;
  readonly serial: number;
  readonly amount: number;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly usedByEvents: number;
  /** What the card showed at the counter for this grant; null when not read. */
  readonly usedOnCard: number | null;
  readonly used: number;
  readonly remaining: number;
}

export function remainingOf(amount: number, usedByEvents: number, usedOnCard: number | null): { used: number; remaining: number } {
  const used = Math.max(usedByEvents, usedOnCard ?? 0);
  return { used, remaining: Math.max(0, amount - used) };
}

export interface GrantPlan {
  readonly amount: number;
  readonly validFrom: string;
  readonly validUntil: string;
  /** Units carried from the previous grant (top-up, reissue). */
  readonly carriedOver: number;
  readonly previousSerial: number | null;
}

export type Refusal =
  | 'already-granted'
  | 'no-current-grant'
  | 'top-up-needs-units'
  | 'unknown-programme'
  | 'card-revoked'
  | 'card-of-another-resident'
  | 'card-not-linked'
  | 'new-card-in-use'
  | 'old-card-not-of-resident'
  | 'nothing-to-carry'
  | 'order-signed-for-another-card'
  | 'resident-not-found';

export const REFUSAL_MESSAGES: Readonly<Record<Refusal, { ja: string; en: string }>> = {
  'already-granted': { ja: 'このカードには今年度の交付済みです（追加は「追加交付」で）', en: 'The card already holds this year\'s grant (use a top-up)' },
  'no-current-grant': { ja: '有効な交付がありません', en: 'The card holds no current grant for this programme' },
  'top-up-needs-units': { ja: '追加する数量を指定してください', en: 'A top-up needs a number of units' },
  'unknown-programme': { ja: '事業が登録されていません', en: 'The programme is not in the office catalogue' },
  'card-revoked': { ja: 'このカードは失効しています', en: 'The card is revoked' },
  'card-of-another-resident': { ja: '別の住民のカードです', en: 'The card belongs to another resident' },
  'card-not-linked': { ja: '住民に登録されていないカードです', en: 'The card is not linked to the resident' },
  'new-card-in-use': { ja: '新しいカードは既に使用されています', en: 'The new card is already in use' },
  'old-card-not-of-resident': { ja: '旧カードがこの住民のものではありません', en: 'The old card is not this resident\'s' },
  'nothing-to-carry': { ja: '旧カードに移す交付がありません', en: 'The old card holds no current grant to carry over' },
  'order-signed-for-another-card': { ja: 'この手続きは別のカードで署名済みです', en: 'This order was signed for another card' },
  'resident-not-found': { ja: '住民が見つかりません', en: 'Resident not found' },
};

/** The grant a new issue, renewal or top-up gives; reissues use `carryOver`. */
export function planGrant(
  kind: Exclude<IssueKind, 'reissue'>,
  programme: OfficeProgramme,
  existing: Allowance | null,
  topUp: number,
  now: number,
): { kind: 'grant'; plan: GrantPlan } | { kind: 'refused'; reason: Refusal } {
  const year = fiscalYearOf(now);
  const coversYear = existing !== null && existing.validFrom <= year.validFrom && existing.validUntil >= year.validUntil;
  if (kind === 'top-up') {
    if (topUp <= 0) return { kind: 'refused', reason: 'top-up-needs-units' };
    if (existing === null || !isCurrent(existing, now)) return { kind: 'refused', reason: 'no-current-grant' };
    return {
      kind: 'grant',
      plan: { amount: existing.remaining + topUp, validFrom: existing.validFrom, validUntil: existing.validUntil, carriedOver: existing.remaining, previousSerial: existing.serial },
    };
  }
  if (coversYear) return { kind: 'refused', reason: 'already-granted' };
  return { kind: 'grant', plan: { amount: programme.amount, ...year, carriedOver: 0, previousSerial: existing?.serial ?? null } };
}

/** A reissue carries what the old card had left, for the same validity. */
export function carryOver(old: Allowance, now: number): GrantPlan | null {
  if (!isCurrent(old, now)) return null;
  return { amount: old.remaining, validFrom: old.validFrom, validUntil: old.validUntil, carriedOver: old.remaining, previousSerial: old.serial };
}

function isCurrent(a: Allowance, now: number): boolean {
  const today = jstDay(now);
  return a.validFrom <= today && today <= a.validUntil;
}
