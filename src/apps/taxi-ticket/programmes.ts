/**
 * Subsidy programmes as configuration. A programme is keyed by its ID string
 * `"<全国地方公共団体コード, 6 digits>-<programme number>"` (e.g. `"102016-1"`), the same
 * identity a grant carries as `{ municipality, number }`. Every rule a town might change is a
 * field here, so a new town is a configuration entry, not code.
 */
import { z } from 'zod';
import type { GrantUnit, ProgrammeId } from '../../free-area/types.js';

/**
 * Check digit of a 全国地方公共団体コード: weights 6,5,4,3,2 over the five digits, modulus 11;
 * the digit is 11 minus the remainder, and 0 when that is 10 or 11 (総務省 告示).
 */
export function municipalityCheckDigit(fiveDigits: number): number {
  const digits = String(fiveDigits).padStart(5, '0');
  let sum = 0;
  for (let i = 0; i < 5; i += 1) sum += Number(digits[i]) * (6 - i);
  return (11 - (sum % 11)) % 10;
}

/** Whether a six-digit code ends in the right check digit. */
export function isMunicipalityCode(code: number): boolean {
  if (!Number.isInteger(code) || code < 10_000 || code > 999_999) return false;
  return municipalityCheckDigit(Math.floor(code / 10)) === code % 10;
}

const PROGRAMME_ID = /^(\d{6})-(\d{1,5})$/;

/** The programme ID string of a grant's programme, e.g. `{ municipality: 72010, number: 1 }` → `"072010-1"`. */
export function programmeIdOf(programme: ProgrammeId): string {
  return `${String(programme.municipality).padStart(6, '0')}-${programme.number}`;
}

/** The grant-side identity of a programme ID string, or null when it is not one. */
export function parseProgrammeId(id: string): ProgrammeId | null {
  const match = PROGRAMME_ID.exec(id);
  if (!match) return null;
  const municipality = Number(match[1]);
  if (!isMunicipalityCode(municipality)) return null;
  return { municipality, number: Number(match[2]) };
}

export const programmeIdSchema = z
  .string()
  .refine((id) => parseProgrammeId(id) !== null, {
    message: 'programme ID must be "<6-digit municipality code with a valid check digit>-<number>"',
  });

const yen = z.int().nonnegative();
const positiveYen = z.int().positive();
const percent = z.int().min(1).max(100);

/**
 * How a share of the fare becomes whole yen: to a multiple of `stepYen`, by `mode`. Floor is
 * the default everywhere, so a subsidy never exceeds the programme's share of the fare.
 */
export const roundingSchema = z.object({
  stepYen: positiveYen,
  mode: z.enum(['floor', 'round', 'ceil']),
});

/**
 * Two or more subsidised riders in one taxi.
 * - `per-rider`: each gets `perRiderYen` once at least `minRiders` are counted (前橋市: ¥500);
 *   `counts` says whether riders of other programmes count too.
 * - `split-fare`: the fare is divided equally among the ride's subsidised riders and each gets
 *   the programme's share of their part.
 */
export const sharedRideSchema = z.discriminatedUnion('rule', [
  z.object({
    rule: z.literal('per-rider'),
    perRiderYen: positiveYen,
    minRiders: z.int().min(2).default(2),
    counts: z.enum(['same-programme', 'any-programme']).default('same-programme'),
  }),
  z.object({ rule: z.literal('split-fare') }),
]);

/** One coupon per ride; the subsidy is a share of the fare up to a cap (前橋市, 大紀町). */
export const fareShareSchema = z.object({
  style: z.literal('fare-share'),
  farePercent: percent,
  capYen: positiveYen,
  rounding: roundingSchema.default({ stepYen: 1, mode: 'floor' }),
  sharedRide: sharedRideSchema.default({ rule: 'split-fare' }),
});

/**
 * The card carries yen; a tap deducts up to `farePercent` of the fare in `rounding.stepYen`
 * steps (青梅市: half, ¥100 steps). Riders of the same programme in one taxi share that
 * percentage of the fare between them. `perRideCapYen` 0 means no cap per ride.
 */
export const yenBudgetSchema = z.object({
  style: z.literal('yen-budget'),
  farePercent: percent,
  rounding: roundingSchema.default({ stepYen: 100, mode: 'floor' }),
  perRideCapYen: yen.default(0),
});

/**
 * Coupons worth `couponYen` each; a tap takes as many as the fare left needs, up to
 * `maxCouponsPerRide`. With `coverPartial` the last coupon may cover a remainder smaller than
 * its value (no change is given); without it a coupon is only taken when the fare uses it whole.
 */
export const couponSchema = z.object({
  style: z.literal('coupon'),
  couponYen: positiveYen,
  maxCouponsPerRide: z.int().positive().default(1),
  coverPartial: z.boolean().default(false),
});

export const subsidyRuleSchema = z.discriminatedUnion('style', [fareShareSchema, yenBudgetSchema, couponSchema]);

/**
 * A programme. `dailyUses` and `monthlyUnits` apply on top of the grant's own: where both set
 * a limit the stricter wins; 0 means none. `returnUnitsOnVoid`: whether a fare correction or a
 * voided tap gives the card back the units the ride no longer needs.
 */
export const programmeConfigSchema = z.object({
  name: z.object({ ja: z.string().min(1), en: z.string().min(1) }),
  subsidy: subsidyRuleSchema,
  dailyUses: z.int().nonnegative().default(0),
  monthlyUnits: z.int().nonnegative().default(0),
  returnUnitsOnVoid: z.boolean().default(false),
});

/** A terminal's programmes: every configured programme, and which of them it honours. */
export const terminalProgrammesSchema = z
  .object({
    honours: z.array(programmeIdSchema),
    programmes: z.record(programmeIdSchema, programmeConfigSchema),
  })
  .superRefine((config, ctx) => {
    config.honours.forEach((id, index) => {
      if (!Object.hasOwn(config.programmes, id)) {
        ctx.addIssue({ code: 'custom', path: ['honours', index], message: `programme ${id} is not configured` });
      }
    });
  });

export type Rounding = z.infer<typeof roundingSchema>;
export type SharedRide = z.infer<typeof sharedRideSchema>;
export type FareShareRule = z.infer<typeof fareShareSchema>;
export type YenBudgetRule = z.infer<typeof yenBudgetSchema>;
export type CouponRule = z.infer<typeof couponSchema>;
export type SubsidyRule = z.infer<typeof subsidyRuleSchema>;
export type ProgrammeConfig = z.infer<typeof programmeConfigSchema>;
export type ProgrammeConfigInput = z.input<typeof programmeConfigSchema>;
export type TerminalProgrammes = z.infer<typeof terminalProgrammesSchema>;
export type TerminalProgrammesInput = z.input<typeof terminalProgrammesSchema>;

/** The grant unit a subsidy style works in. */
export function unitOfRule(rule: SubsidyRule): GrantUnit {
  return rule.style === 'yen-budget' ? 'yen' : 'coupon';
}

/** The fewest units a tap can take: one coupon, or one rounding step of yen. */
export function smallestTake(rule: SubsidyRule): number {
  return rule.style === 'yen-budget' ? rule.rounding.stepYen : 1;
}

/** The programme this terminal honours for a grant's programme, or undefined. */
export function honouredProgramme(config: TerminalProgrammes, programme: ProgrammeId): ProgrammeConfig | undefined {
  const id = programmeIdOf(programme);
  if (!config.honours.includes(id)) return undefined;
  return Object.hasOwn(config.programmes, id) ? config.programmes[id] : undefined;
}
