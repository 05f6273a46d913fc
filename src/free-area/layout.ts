/**
 * Where our records live on the card: the application's AID, its EFs, and the offsets of
 * the header, the grant regions and the slot pairs. Configuration, validated once with zod;
 * the same code then runs on any ISO 7816-4 file system the free area is given.
 */
import { z } from 'zod';
import { LayoutError } from './errors.js';
import { GRANT, HEADER, MAX_AREA_SIZE, SLOT } from './format.js';

/** The J-LIS registered application provider ID: every statutory application's AID begins with it. */
const STATUTORY_RID = 'D392';
/** ISO 7816-4 reserved file identifiers: MF, path escape, RFU. */
const RESERVED_FIDS = new Set([0x3f00, 0x3fff, 0xffff]);
/** READ/UPDATE BINARY without SFI address 15 bits. */
const MAX_EF_SIZE = 0x7fff;

const hex = z.string().regex(/^(?:[0-9A-Fa-f]{2})+$/, 'hex, two digits per byte').transform((s) => s.toUpperCase());
const fid = z
  .union([z.number().int(), z.string().regex(/^[0-9A-Fa-f]{4}$/, 'four hex digits').transform((s) => parseInt(s, 16))])
  .pipe(z.number().int().min(0).max(0xffff))
  .refine((f) => !RESERVED_FIDS.has(f), 'file IDs 3F00, 3FFF and FFFF are reserved');
const offset = z.number().int().min(0).max(MAX_EF_SIZE);

const fileSchema = z.strictObject({
  /** Name the regions refer to. */
  name: z.string().min(1),
  fid,
  /** Short EF identifier: lets READ/UPDATE BINARY address the EF without SELECT (offsets 0..255 only). */
  sfi: z.number().int().min(1).max(30).exactOptional(),
  size: z.number().int().min(1).max(MAX_EF_SIZE),
});

const writeAuthSchema = z.discriminatedUnion('scheme', [
  z.strictObject({
    scheme: z.literal('challenge-response'),
    /** Key number in the DF (EXTERNAL AUTHENTICATE P2 bits 1..5). */
    keyRef: z.number().int().min(0).max(0x1f).default(1),
    /** Whether the key is DF-specific (P2 bit 8 set) or global. */
    dfSpecific: z.boolean().default(true),
  }),
  z.strictObject({ scheme: z.literal('none') }),
]);

const layoutFields = z.strictObject({
  formatVersion: z.literal(1).default(1),
  aid: hex.refine((a) => a.length >= 10 && a.length <= 32, 'an AID is 5..16 bytes'),
  files: z.array(fileSchema).min(1).max(16),
  header: z.strictObject({ file: z.string(), offset }),
  /** Grant region of programme i at offset + i * stride; `size` bytes each (grant plus padding). */
  grants: z.strictObject({ file: z.string(), offset, stride: z.number().int().min(0), size: z.number().int().min(GRANT.minSize) }),
  /** Slot A of programme i at offset + i * stride, slot B right after it. */
  slots: z.strictObject({ file: z.string(), offset, stride: z.number().int().min(0) }),
  /** Programme areas the layout provides room for. */
  capacity: z.number().int().min(1).max(255),
  /** Largest READ BINARY answer to ask for (256 is sent as Le = 00). */
  maxReadLength: z.number().int().min(1).max(256).default(256),
  /** Largest UPDATE BINARY data field. */
  maxWriteLength: z.number().int().min(1).max(255).default(255),
  writeAuth: writeAuthSchema.default({ scheme: 'challenge-response', keyRef: 1, dfSpecific: true }),
});

export const layoutSchema = layoutFields.superRefine(checkLayout);

export type Layout = z.output<typeof layoutSchema>;
export type LayoutInput = z.input<typeof layoutSchema>;
export type LayoutFile = Layout['files'][number];
export type WriteAuthConfig = Layout['writeAuth'];

/** A byte range in one EF. */
export interface Region {
  readonly file: LayoutFile;
  readonly offset: number;
  readonly length: number;
}

/** Parses a layout; a bad one throws `LayoutError` listing every problem. */
export function parseLayout(input: unknown): Layout {
  const parsed = layoutSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(layout)'}: ${i.message}`);
  throw new LayoutError(`invalid card layout:\n${issues.map((i) => `  - ${i}`).join('\n')}`, { cause: parsed.error });
}

/**
 * The default: one 1024-byte EF (FID 0101, SFI 1) holding a 16-byte header and up to four
 * 239-byte programme areas (167-byte grant region, slots A and B). Header plus the first
 * area is 255 bytes: one READ BINARY by SFI with Le = FF, which even a card that caps
 * answers at 255 bytes serves, and both slots of the first programme sit below offset 256,
 * where UPDATE BINARY by SFI reaches them.
 */
export const DEFAULT_LAYOUT_INPUT = {
  aid: 'F046415245413031',
  files: [{ name: 'main', fid: '0101', sfi: 1, size: 1024 }],
  header: { file: 'main', offset: 0 },
  grants: { file: 'main', offset: 16, stride: 239, size: 167 },
  slots: { file: 'main', offset: 183, stride: 239 },
  capacity: 4,
} as const satisfies LayoutInput;

export function defaultLayout(): Layout {
  return parseLayout(DEFAULT_LAYOUT_INPUT);
}

/** Grant region plus both slots: what the card header records as its programme area size. */
export function areaSize(layout: Layout): number {
  return layout.grants.size + 2 * SLOT.size;
}

export function headerRegion(layout: Layout): Region {
  return { file: fileNamed(layout, layout.header.file), offset: layout.header.offset, length: HEADER.size };
}

export function grantRegion(layout: Layout, index: number): Region {
  const g = layout.grants;
  return { file: fileNamed(layout, g.file), offset: g.offset + index * g.stride, length: g.size };
}

/** Slot `which` (0 = A, 1 = B) of programme `index`. */
export function slotRegion(layout: Layout, index: number, which: 0 | 1): Region {
  const s = layout.slots;
  return { file: fileNamed(layout, s.file), offset: s.offset + index * s.stride + which * SLOT.size, length: SLOT.size };
}

export function aidBytes(layout: Layout): Uint8Array {
  return new Uint8Array(Buffer.from(layout.aid, 'hex'));
}

function fileNamed(layout: Layout, name: string): LayoutFile {
  const file = layout.files.find((f) => f.name === name);
  if (!file) throw new LayoutError(`layout names file "${name}", which it does not define`);
  return file;
}

type Parsed = z.output<typeof layoutFields>;

function checkLayout(layout: Parsed, ctx: z.RefinementCtx): void {
  const issue = (message: string, path: (string | number)[] = []) => ctx.addIssue({ code: 'custom', message, path });
  if (layout.aid.startsWith(STATUTORY_RID)) {
    issue(`AIDs beginning with ${STATUTORY_RID} belong to J-LIS (the statutory applications); this system never selects them`, ['aid']);
  }
  unique(layout.files.map((f) => f.name), 'file name', issue);
  unique(layout.files.map((f) => String(f.fid)), 'file ID', issue);
  unique(layout.files.flatMap((f) => (f.sfi === undefined ? [] : [String(f.sfi)])), 'SFI', issue);
  const area = layout.grants.size + 2 * SLOT.size;
  if (area > MAX_AREA_SIZE) issue(`a programme area (grant region + two slots) is ${area} bytes, more than ${MAX_AREA_SIZE}`, ['grants', 'size']);
  const regions = layoutRegions(layout, issue);
  findOverlaps(regions, issue);
}

interface NamedRegion {
  readonly what: string;
  readonly file: string;
  readonly offset: number;
  readonly length: number;
}

function layoutRegions(layout: Parsed, issue: (m: string, p?: (string | number)[]) => void): NamedRegion[] {
  const regions: NamedRegion[] = [{ what: 'header', file: layout.header.file, offset: layout.header.offset, length: HEADER.size }];
  for (let i = 0; i < layout.capacity; i++) {
    const g = layout.grants;
    const s = layout.slots;
    regions.push({ what: `grant ${i}`, file: g.file, offset: g.offset + i * g.stride, length: g.size });
    regions.push({ what: `slots ${i}`, file: s.file, offset: s.offset + i * s.stride, length: 2 * SLOT.size });
  }
  for (const r of regions) {
    const file = layout.files.find((f) => f.name === r.file);
    if (!file) issue(`${r.what} is in file "${r.file}", which the layout does not define`);
    else if (r.offset + r.length > file.size) issue(`${r.what} ends at ${r.offset + r.length}, past the end of ${r.file} (${file.size} bytes)`);
  }
  return regions;
}

function findOverlaps(regions: readonly NamedRegion[], issue: (m: string) => void): void {
  const sorted = [...regions].sort((a, b) => a.file.localeCompare(b.file) || a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (prev && cur && prev.file === cur.file && prev.offset + prev.length > cur.offset) {
      issue(`${prev.what} and ${cur.what} overlap in ${cur.file}`);
    }
  }
}

function unique(values: readonly string[], what: string, issue: (m: string) => void): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) issue(`duplicate ${what} ${v}`);
    seen.add(v);
  }
}
