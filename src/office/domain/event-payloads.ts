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
