import { z } from 'zod';

/**
 * The persisted content of an emulated ISO 7816-4 card: its ATR, and per application (a DF
 * selected by AID) its keys and transparent EFs. The card knows nothing of our records;
 * files are bytes. All byte strings are hex.
 */
export const CARD_IMAGE_FORMAT = 'fa-emulated-card/1';

/** Largest EF: READ/UPDATE BINARY with P1 bit 8 clear address 15-bit offsets. */
export const MAX_FILE_SIZE = 0x7fff;
/** Reserved file identifiers: the MF, and FFFF (RFU in ISO 7816-4). */
const RESERVED_FIDS = new Set([0x3f00, 0xffff]);

const hexBytes = (what: string, min: number, max: number) =>
  z
    .string()
    .regex(/^(?:[0-9a-fA-F]{2})*$/, `${what} must be hex, two digits per byte`)
    .refine((s) => s.length / 2 >= min && s.length / 2 <= max, `${what} must be ${min}..${max} bytes`);

const byte = z.number().int().min(0).max(0xff);

/** `always`, `never`, or the key reference that must be authenticated since the DF was selected. */
const accessSchema = z.union([z.literal('always'), z.literal('never'), z.strictObject({ auth: byte })]);

const fileSchema = z
  .strictObject({
    fid: z.number().int().min(0).max(0xffff).refine((f) => !RESERVED_FIDS.has(f), 'fid 3F00 and FFFF are reserved'),
    sfi: z.number().int().min(1).max(30).exactOptional(),
    size: z.number().int().min(1).max(MAX_FILE_SIZE),
    read: accessSchema,
    update: accessSchema,
    data: hexBytes('data', 0, MAX_FILE_SIZE),
  })
  .refine((f) => f.data.length === f.size * 2, { message: 'data must be exactly size bytes', path: ['data'] });

const keySchema = z
  .strictObject({
    ref: byte,
    key: hexBytes('key', 1, 64),
    /** Optional retry counter: wrong cryptograms answer 63Cx and block the key at 0. */
    tries: z.strictObject({ max: z.number().int().min(1).max(15), left: z.number().int().min(0).max(15) }).exactOptional(),
  })
  .refine((k) => k.tries === undefined || k.tries.left <= k.tries.max, { message: 'tries.left exceeds tries.max', path: ['tries'] });

const appSchema = z
  .strictObject({
    aid: hexBytes('aid', 5, 16),
    keys: z.array(keySchema),
    files: z.array(fileSchema),
  })
  .superRefine((app, ctx) => {
    const dup = (values: number[], what: string) => {
      const seen = new Set<number>();
      for (const v of values) {
        if (seen.has(v)) ctx.addIssue({ code: 'custom', message: `duplicate ${what} ${v.toString(16)}` });
        seen.add(v);
      }
    };
    dup(app.files.map((f) => f.fid), 'fid');
    dup(app.files.flatMap((f) => (f.sfi === undefined ? [] : [f.sfi])), 'sfi');
    dup(app.keys.map((k) => k.ref), 'key ref');
    const refs = new Set(app.keys.map((k) => k.ref));
    app.files.forEach((f, i) => {
      for (const op of ['read', 'update'] as const) {
        const access = f[op];
        if (typeof access === 'object' && !refs.has(access.auth)) {
          ctx.addIssue({ code: 'custom', message: `${op} needs key ${access.auth}, which the application lacks`, path: ['files', i, op] });
        }
      }
    });
  });

export const cardImageSchema = z
  .strictObject({
    format: z.literal(CARD_IMAGE_FORMAT),
    label: z.string().max(200).exactOptional(),
    atr: hexBytes('atr', 2, 33),
    applications: z.array(appSchema),
  })
  .superRefine((card, ctx) => {
    const seen = new Set<string>();
    card.applications.forEach((app, i) => {
      const aid = app.aid.toUpperCase();
      if (seen.has(aid)) ctx.addIssue({ code: 'custom', message: `duplicate aid ${aid}`, path: ['applications', i, 'aid'] });
      seen.add(aid);
    });
  });

export type Access = z.infer<typeof accessSchema>;
export type EmulatedFileImage = z.infer<typeof fileSchema>;
export type EmulatedKeyImage = z.infer<typeof keySchema>;
export type EmulatedAppImage = z.infer<typeof appSchema>;
export type CardImage = z.infer<typeof cardImageSchema>;

/** A card image that failed validation; `issues` lists every problem as `path: message`. */
export class CardImageError extends Error {
  override readonly name = 'CardImageError';
  readonly issues: string[];
  constructor(issues: string[], options?: { cause?: unknown }) {
    super(`invalid card image:\n${issues.map((i) => `  - ${i}`).join('\n')}`, options);
    this.issues = issues;
  }
}

export function parseCardImage(json: unknown): CardImage {
  const parsed = cardImageSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
  throw new CardImageError(issues, { cause: parsed.error });
}
