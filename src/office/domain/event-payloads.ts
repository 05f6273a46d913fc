/**
 * The journal payloads the office reads, as documented in docs/journal.md and the taxi and
 * gate apps' event modules. Declared here (the office may not import the apps) and tolerant:
 * fields the office does not use are ignored, so an app can add fields without breaking it.
 */
import { z } from 'zod';

const yen = z.number().int();
const units = z.number().int();
const ms = z.number().int().min(0);

export const rideClosedSchema = z.object({
  rideId: z.string().min(1),
  atMs: ms.optional(),
  riders: z.array(z.object({ cardId: z.string().min(1), programmeId: z.string().min(1), units, subsidyYen: yen })),
  totalSubsidyYen: yen,
  cashToCollectYen: yen,
});
export type RideClosed = z.output<typeof rideClosedSchema>;

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * `rideClosedSchema`, checked by hand: clearing reads a million of these a month, and the
 * schema is the slow part. Same rules; zod only runs for a payload that fails, to say why.
 * Returns the payload itself (no wrapper to allocate) or the issue.
 */
/** Why a payload does not read (a class, so no payload field can be mistaken for it). */
export class PayloadIssue {
  constructor(readonly issue: string) {}
}

export function parseRideClosed(payload: unknown): RideClosed | PayloadIssue {
  const p = payload as Record<string, unknown> | null;
  const fast =
    typeof p === 'object' && p !== null && isId(p.rideId) && isInt(p.totalSubsidyYen) && isInt(p.cashToCollectYen) &&
    (p.atMs === undefined || (isInt(p.atMs) && p.atMs >= 0)) && Array.isArray(p.riders) &&
    p.riders.every((r: unknown) => {
      const x = r as Record<string, unknown> | null;
      return typeof x === 'object' && x !== null && isId(x.cardId) && isId(x.programmeId) && isInt(x.units) && isInt(x.subsidyYen);
    });
  if (fast) return p as unknown as RideClosed;
  const parsed = rideClosedSchema.safeParse(payload);
  return parsed.success ? parsed.data : new PayloadIssue(firstIssue(parsed.error));
}

const adjustment = z.object({
  cardId: z.string().min(1),
  programmeId: z.string().min(1),
  oldSubsidyYen: yen,
  newSubsidyYen: yen,
  deltaYen: yen,
  unitsToReturn: units,
});

const compensation = {
  rideId: z.string().min(1),
  atMs: ms.optional(),
  adjustments: z.array(adjustment),
  oldTotalSubsidyYen: yen,
  newTotalSubsidyYen: yen,
};

export const fareCorrectedSchema = z.object({ ...compensation, oldFareYen: yen, newFareYen: yen });
export const tapVoidedSchema = z.object({ ...compensation, cardId: z.string().min(1) });
export type FareCorrected = z.output<typeof fareCorrectedSchema>;
export type TapVoided = z.output<typeof tapVoidedSchema>;

/** The journal's reserved `intent`: the write a terminal is about to make to a card. */
export const intentSchema = z.object({
  cardId: z.string().min(1),
  programmeId: z.string().min(1),
  fromSeq: z.number().int().min(0),
  toSeq: z.number().int().min(0),
  slotImage: z.string().regex(/^[0-9a-fA-F]*$/).optional(),
  units,
  context: z.record(z.string(), z.unknown()).optional(),
});
export type Intent = z.output<typeof intentSchema>;

export const resolutionSchema = z.object({ intentId: z.number().int().min(1), cardId: z.string().min(1) });

export const denylistAppliedSchema = z.object({ version: z.number().int().min(0) });

/** `gate-entry` and `gate-exit` (src/apps/gate/events.ts). */
export const passageSchema = z.object({
  door: z.string(),
  reader: z.string().nullable().optional(),
  direction: z.enum(['in', 'out']),
  holder: z.string().min(1),
  cardId: z.string().min(1),
  at: ms,
  intentId: z.number().int().nullable().optional(),
});
export type Passage = z.output<typeof passageSchema>;

/** The first issue of a failed parse, for an anomaly's detail. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue === undefined ? 'invalid' : `${issue.path.join('.') || '(payload)'}: ${issue.message}`;
}
