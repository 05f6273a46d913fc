/**
 * The decision for one tap: take N units from the card, or refuse with a reason. A pure
 * function of the card (as verified), the deny-list verdict, the programme, the ride, the
 * clock and whether the journal can record the tap.
 *
 * Order of checks, first failing wins:
 *  1. no-ride            no ride is open to attach the tap to
 *  2. disk-full          the journal cannot record it, so nothing may be taken
 *  3. unreadable, forged the card layer's verdict
 *  4. revoked            the deny-list
 *  5. unknown-programme  not honoured here, or the grant's unit does not fit the programme
 *  6. already-in-ride    the same card twice in one ride
 *  7. not-yet-valid, expired   validity days, inclusive, Japan time
 *  8. exhausted, daily-limit, monthly-limit
 *  9. fare-too-low       the rule gives this rider nothing (or would squeeze an earlier rider)
 */
import { jstDay } from '../../free-area/jst.js';
import type { Grant, SlotState } from '../../free-area/types.js';
import { programmeIdOf, smallestTake, unitOfRule, type ProgrammeConfig } from './programmes.js';
import { reasonMessage, type Message, type TapRejection } from './reasons.js';
import type { AcceptedTap, RideSnapshot } from './ride-model.js';
import { settleRiders } from './settle.js';
import { stricterLimit, usageAfter, usageAt } from './usage.js';

export type CardVerification = 'ok' | 'forged' | 'unreadable';

export interface TapInput {
  /** The card's grant for the programme; null only when the card was not verified. */
  readonly grant: Grant | null;
  /** The current slot; null when the card has never been used under the grant. */
  readonly state: SlotState | null;
  readonly verification: CardVerification;
  /** The deny-list's entry for the card, or null. */
  readonly denied: { readonly reason: string } | null;
  /** The programme as this terminal honours it; undefined when unknown or not honoured here. */
  readonly programme: ProgrammeConfig | undefined;
  /** The ride the tap belongs to; null when none is open. */
  readonly ride: RideSnapshot | null;
  readonly atMs: number;
  readonly journalWritable: boolean;
}

/** What is left after an accepted tap; null where the programme sets no such limit. */
export interface Remaining {
  readonly units: number;
  readonly todayUses: number | null;
  readonly monthUnits: number | null;
}

export interface TapAccepted {
  readonly kind: 'accepted';
  /** Units to take from the card now. */
  readonly units: number;
  /** This rider's subsidy if the ride closed now; riders who tap later may change it. */
  readonly subsidyYen: number;
  readonly remaining: Remaining;
  /** The tap to add to the ride once the card write is committed. */
  readonly tap: AcceptedTap;
}

export interface TapRejected {
  readonly kind: 'rejected';
  readonly reason: TapRejection;
  readonly message: Message;
  /** Specifics for the log or the display (the deny-list reason, the validity day, …). */
  readonly detail?: string;
}

export type TapDecision = TapAccepted | TapRejected;

function reject(reason: TapRejection, detail?: string): TapRejected {
  const rejected: TapRejected = { kind: 'rejected', reason, message: reasonMessage(reason) };
  return detail === undefined ? rejected : { ...rejected, detail };
}

/** Decide a tap; see the module comment for the order of checks. */
export function decideTap(input: TapInput): TapDecision {
  const { ride, grant, programme } = input;
  if (ride === null || ride.status !== 'open') return reject('no-ride');
  if (!input.journalWritable) return reject('disk-full');
  if (input.verification === 'unreadable') return reject('unreadable');
  if (input.verification === 'forged') return reject('forged');
  if (grant === null) throw new Error('decideTap: a verified card must come with its grant');
  if (input.denied !== null) return reject('revoked', input.denied.reason);
  const programmeId = programmeIdOf(grant.programme);
  if (programme === undefined) return reject('unknown-programme', programmeId);
  const unit = unitOfRule(programme.subsidy);
  if (unit !== grant.unit) return reject('unknown-programme', `${programmeId}: grant in ${grant.unit}, programme in ${unit}`);
  if (ride.riders.some((r) => r.cardId === grant.cardId)) return reject('already-in-ride');
  const today = jstDay(input.atMs);
  if (today < grant.validFrom) return reject('not-yet-valid', grant.validFrom);
  if (today > grant.validUntil) return reject('expired', grant.validUntil);
  return decideWithinLimits(input, grant, programme, ride);
}

function decideWithinLimits(input: TapInput, grant: Grant, programme: ProgrammeConfig, ride: RideSnapshot): TapDecision {
  const usage = usageAt(input.state, input.atMs);
  const dailyUses = stricterLimit(grant.dailyUses, programme.dailyUses);
  const monthlyUnits = stricterLimit(grant.monthlyUnits, programme.monthlyUnits);
  const least = smallestTake(programme.subsidy);
  const allowanceLeft = grant.amount - usage.used;
  const monthLeft = monthlyUnits > 0 ? monthlyUnits - usage.monthUnits : allowanceLeft;
  if (allowanceLeft < least) return reject('exhausted', `${allowanceLeft} of ${grant.amount} left`);
  if (dailyUses > 0 && usage.dayUses >= dailyUses) return reject('daily-limit', `${usage.dayUses} of ${dailyUses} today`);
  if (monthLeft < least) return reject('monthly-limit', `${usage.monthUnits} of ${monthlyUnits} this month`);

  const candidate: AcceptedTap = {
    cardId: grant.cardId,
    programmeId: programmeIdOf(grant.programme),
    unit: grant.unit,
    units: Math.min(allowanceLeft, monthLeft),
    subsidyYen: 0,
    rule: programme.subsidy,
    returnUnitsOnVoid: programme.returnUnitsOnVoid,
    atMs: input.atMs,
  };
  const priced = priceCandidate(ride, candidate);
  if (priced === null) return reject('fare-too-low', `fare ¥${ride.fareYen}`);

  const after = usageAfter(usage, priced.units);
  return {
    kind: 'accepted',
    units: priced.units,
    subsidyYen: priced.subsidyYen,
    remaining: {
      units: grant.amount - after.used,
      todayUses: dailyUses > 0 ? dailyUses - after.dayUses : null,
      monthUnits: monthlyUnits > 0 ? monthlyUnits - after.monthUnits : null,
    },
    tap: { ...candidate, units: priced.units, subsidyYen: priced.subsidyYen },
  };
}

/**
 * The candidate's units and subsidy with the ride settled as if it closed now, or null when it
 * gets nothing, or when counting it would leave an earlier rider's taken units unused.
 */
function priceCandidate(ride: RideSnapshot, candidate: AcceptedTap): { units: number; subsidyYen: number } | null {
  const before = settleRiders(ride.fareYen, ride.riders);
  const after = settleRiders(ride.fareYen, [...ride.riders, candidate]);
  const mine = after.riders.at(-1);
  if (mine === undefined || mine.subsidyYen <= 0) return null;
  const squeezes = before.riders.some((r, i) => (after.riders[i]?.unitsFreed ?? 0) > r.unitsFreed);
  return squeezes ? null : { units: mine.units - mine.unitsFreed, subsidyYen: mine.subsidyYen };
}
