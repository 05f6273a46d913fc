/**
 * The office's programme catalogue: what a grant of each programme holds when the counter
 * issues it. Terminals have their own subsidy rules (src/apps/taxi-ticket); the office only
 * needs the grant's unit, yearly amount and period limits, and the unit again for clearing.
 */
import { z } from 'zod';
import { isMunicipalityCode, jstDay } from '../../free-area/index.js';
import type { GrantUnit, ProgrammeId } from '../../free-area/index.js';

const PROGRAMME_ID = /^(\d{6})-(\d{1,5})$/;

export const programmeIdSchema = z.string().refine((id) => parseProgrammeId(id) !== null, {
  message: 'programme ID must be "<6-digit municipality code with a valid check digit>-<number>"',
});

export const officeProgrammeSchema = z.object({
  id: programmeIdSchema,
  name: z.object({ ja: z.string().min(1), en: z.string().min(1) }),
  unit: z.enum(['coupon', 'yen', 'entry']),
  /** Units a yearly grant holds (a fiscal year, April to March). */
  amount: z.int().min(0).max(0xffff_ffff),
  /** Carried by the grant; 0 means no such limit. */
  dailyUses: z.int().min(0).max(0xffff).default(0),
  monthlyUnits: z.int().min(0).max(0xffff_ffff).default(0),
});
export type OfficeProgramme = z.output<typeof officeProgrammeSchema>;
export type OfficeProgrammeInput = z.input<typeof officeProgrammeSchema>;

export const officeProgrammesSchema = z.array(officeProgrammeSchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((p, i) => {
    if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `programme ${p.id} is listed twice` });
    seen.add(p.id);
  });
});

/** `"102016-1"` → `{ municipality: 102016, number: 1 }`, or null when it is not a programme ID. */
export function parseProgrammeId(id: string): ProgrammeId | null {
  const match = PROGRAMME_ID.exec(id);
  if (!match) return null;
  const municipality = Number(match[1]);
  if (!isMunicipalityCode(municipality)) return null;
  return { municipality, number: Number(match[2]) };
}

export interface Catalogue {
  readonly list: readonly OfficeProgramme[];
  find(id: string): OfficeProgramme | undefined;
  /** The unit clearing counts a programme's units in; coupons for a programme the office does not know. */
  unitOf(id: string): GrantUnit;
}

export function createCatalogue(input: readonly OfficeProgrammeInput[]): Catalogue {
  const list = officeProgrammesSchema.parse(input);
  const byId = new Map(list.map((p) => [p.id, p]));
  return { list, find: (id) => byId.get(id), unitOf: (id) => byId.get(id)?.unit ?? 'coupon' };
}

/** Japan's fiscal year (April to March) that contains `atMs`, as the grant's validity. */
export function fiscalYearOf(atMs: number): { validFrom: string; validUntil: string } {
  const day = jstDay(atMs);
  const year = Number(day.slice(0, 4)) - (day.slice(5) < '04-01' ? 1 : 0);
  return { validFrom: `${year}-04-01`, validUntil: `${year + 1}-03-31` };
}
