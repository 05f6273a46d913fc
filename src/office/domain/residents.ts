/**
 * Residents and their application cards. Resident data lives only here, in the office
 * database: terminals and events know a card by its random application card ID alone. The
 * resident number is the office's own; a 12-digit number is refused, because that is what a
 * 個人番号 looks like and this system never stores one.
 */
import { z } from 'zod';
import { all, get, num, numOrNull, run, str, strOrNull } from '../store/index.js';
import type { Program, ProgramRunner, Raw } from '../store/index.js';
import { CARD_SQL, RESIDENT_SQL } from '../store/sql-people.js';

export const ELIGIBILITY = ['age-75-plus', 'age-65-no-licence', 'disability', 'expectant-mother', 'licence-returned', 'other'] as const;
export const ELIGIBILITY_LABELS: Readonly<Record<(typeof ELIGIBILITY)[number], { ja: string; en: string }>> = {
  'age-75-plus': { ja: '75歳以上', en: 'aged 75 or over' },
  'age-65-no-licence': { ja: '65歳以上・運転免許なし', en: 'aged 65 or over without a licence' },
  disability: { ja: '障害者手帳等', en: 'disability' },
  'expectant-mother': { ja: '妊産婦', en: 'expectant mother' },
  'licence-returned': { ja: '運転免許自主返納', en: 'returned driving licence' },
  other: { ja: 'その他', en: 'other' },
};

export const residentNoSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{1,20}$/, 'letters, digits and - (at most 20)')
  .refine((n) => !/^\d{12}$/.test(n), { message: 'a 12-digit number looks like a 個人番号 (My Number), which this office never stores: use the office\'s own resident number' });

export const cardIdSchema = z
  .string()
  .trim()
  .regex(/^[0-9A-Fa-f]{16}$/, 'an application card ID is 16 hex digits')
  .transform((s) => s.toUpperCase());

export const residentInputSchema = z.object({
  residentNo: residentNoSchema,
  name: z.string().trim().min(1).max(100),
  nameKana: z.string().trim().max(100).default(''),
  address: z.string().trim().min(1).max(300),
  eligibility: z.enum(ELIGIBILITY),
  note: z.string().max(1000).default(''),
});
export const residentUpdateSchema = residentInputSchema.omit({ residentNo: true }).partial();

export type ResidentInput = z.input<typeof residentInputSchema>;
export type ResidentUpdate = z.input<typeof residentUpdateSchema>;

export interface Resident {
  readonly id: number;
  readonly residentNo: string;
  readonly name: string;
  readonly nameKana: string;
  readonly address: string;
  readonly eligibility: (typeof ELIGIBILITY)[number];
  readonly note: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface CardRecord {
  readonly cardId: string;
  readonly residentId: number;
  readonly status: 'active' | 'revoked';
  readonly linkedAt: number;
  readonly revokedAt: number | null;
  readonly revokeReason: string | null;
  readonly replacedBy: string | null;
  readonly replaces: string | null;
}

export interface ResidentWithCards extends Resident {
  readonly cards: readonly CardRecord[];
}

export type ResidentOutcome = { readonly kind: 'ok'; readonly resident: Resident } | { readonly kind: 'duplicate-number' } | { readonly kind: 'not-found' };

export interface ResidentService {
  create(input: ResidentInput): Promise<ResidentOutcome>;
  update(id: number, input: ResidentUpdate): Promise<ResidentOutcome>;
  get(id: number): Promise<ResidentWithCards | null>;
  byNumber(residentNo: string): Promise<ResidentWithCards | null>;
  /** By name or kana (substring), resident number (exact) or card ID (prefix). */
  search(query: string, limit?: number): Promise<ResidentWithCards[]>;
  card(cardId: string): Promise<CardRecord | null>;
}

export function createResidentService(store: ProgramRunner, clock: () => number): ResidentService {
  return {
    async create(input) {
      const r = residentInputSchema.parse(input);
      return store.run(function* () {
        if ((yield* get(RESIDENT_SQL.byNumber, [r.residentNo])) !== undefined) return { kind: 'duplicate-number' } as const;
        const now = clock();
        const inserted = yield* get(RESIDENT_SQL.insert, [r.residentNo, r.name, r.nameKana, r.address, r.eligibility, r.note, now, now]);
        return { kind: 'ok', resident: toResident((yield* get(RESIDENT_SQL.byId, [num(inserted?.id)])) as Raw) } as const;
      }, { write: true });
    },
    async update(id, input) {
      const u = residentUpdateSchema.parse(input);
      return store.run(function* () {
        const row = yield* get(RESIDENT_SQL.byId, [id]);
        if (row === undefined) return { kind: 'not-found' } as const;
        const was = toResident(row);
        const next = { ...was, ...definedOnly(u) };
        yield* run(RESIDENT_SQL.update, [next.name, next.nameKana, next.address, next.eligibility, next.note, clock(), id]);
        return { kind: 'ok', resident: toResident((yield* get(RESIDENT_SQL.byId, [id])) as Raw) } as const;
      }, { write: true });
    },
    get: (id) => store.run(() => withCards(RESIDENT_SQL.byId, id)),
    byNumber: (residentNo) => store.run(() => withCards(RESIDENT_SQL.byNumber, residentNo.trim())),
    async search(query, limit = 50) {
      const q = query.trim();
      if (q.length === 0) return [];
      const like = `%${q.toLowerCase().replaceAll('%', '').replaceAll('_', '')}%`;
      return store.run(function* () {
        const rows = yield* all(RESIDENT_SQL.search, [like, like, q, `${q.toUpperCase().replaceAll('%', '')}%`, Math.min(limit, 200)]);
        const out: ResidentWithCards[] = [];
        for (const r of rows) out.push({ ...toResident(r), cards: (yield* all(CARD_SQL.ofResident, [num(r.id)])).map(toCard) });
        return out;
      });
    },
    card: (cardId) => store.run(function* () {
      const row = yield* get(CARD_SQL.byId, [cardId.trim().toUpperCase()]);
      return row === undefined ? null : toCard(row);
    }),
  };
}

function* withCards(sql: string, key: string | number): Program<ResidentWithCards | null> {
  const row = yield* get(sql, [key]);
  if (row === undefined) return null;
  return { ...toResident(row), cards: (yield* all(CARD_SQL.ofResident, [num(row.id)])).map(toCard) };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function toResident(r: Raw): Resident {
  return {
    id: num(r.id),
    residentNo: str(r.resident_no),
    name: str(r.name),
    nameKana: str(r.name_kana),
    address: str(r.address),
    eligibility: str(r.eligibility) as Resident['eligibility'],
    note: str(r.note),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

export function toCard(r: Raw): CardRecord {
  return {
    cardId: str(r.card_id),
    residentId: num(r.resident_id),
    status: str(r.status) === 'revoked' ? 'revoked' : 'active',
    linkedAt: num(r.linked_at),
    revokedAt: numOrNull(r.revoked_at),
    revokeReason: strOrNull(r.revoke_reason),
    replacedBy: strOrNull(r.replaced_by),
    replaces: strOrNull(r.replaces),
  };
}
