import { z } from 'zod';
import type { JsonValue } from '../journal/index.js';

/**
 * One zod schema per MQTT payload, in both directions. Every payload carries `v` so a
 * receiver can refuse a shape it does not know instead of misreading it; a new wire
 * format gets a new `v` and a new schema next to the old one.
 */
export const SCHEMA_VERSION = 1;

/** A batch larger than this is refused by the office and never built by the uplink. */
export const MAX_BATCH_BYTES = 256 * 1024;
export const MAX_BATCH_EVENTS = 2000;
/** A batch's range may cover holes in the journal, but not without bound. */
export const MAX_BATCH_SPAN = 100_000;
/** Downlink payloads (deny-list snapshots can be large) are capped separately. */
export const MAX_DOWNLINK_BYTES = 8 * 1024 * 1024;

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash or underscore');
const hash = z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits');
const seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const epochMs = z.number().int().min(0);
const version = z.number().int().min(0);

/** Identifiers that become MQTT topic levels: no wildcards, no separators. */
export const topicIdSchema = id;

/**
 * A journal payload: a JSON object. What arrives came out of JSON.parse, so its values are
 * JSON already; walking them again with z.json() would cost more than the rest of the batch.
 */
const payloadSchema = z.custom<{ [key: string]: JsonValue }>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype,
  'a JSON object',
);

/** One journal event as it travels: the hash covers terminal, seq, type, at and payload. */
export const wireEventSchema = z.strictObject({
  seq,
  type: z.string().min(1).max(64),
  at: epochMs,
  payload: payloadSchema,
  prevHash: hash,
  hash,
});
export type WireEvent = z.infer<typeof wireEventSchema>;

/**
 * Up, `{p}/{org}/{terminal}/events`. The batch covers the range firstSeq..lastSeq of the
 * terminal's journal: every seq of the range the journal holds is in `events`, so a seq of
 * the range that is missing is a hole in the journal, not a message still on its way.
 * `chainHash` is the hash of the last event: the chain head after this batch.
 */
export const eventBatchSchema = z
  .strictObject({
    v: z.literal(SCHEMA_VERSION),
    terminal: id,
    org: id,
    firstSeq: seq,
    lastSeq: seq,
    events: z.array(wireEventSchema).min(1).max(MAX_BATCH_EVENTS),
    chainHash: hash,
  })
  .superRefine((b, ctx) => {
    if (b.lastSeq < b.firstSeq) ctx.addIssue({ code: 'custom', message: 'lastSeq is below firstSeq', path: ['lastSeq'] });
    if (b.lastSeq - b.firstSeq >= MAX_BATCH_SPAN) ctx.addIssue({ code: 'custom', message: `range wider than ${MAX_BATCH_SPAN}`, path: ['lastSeq'] });
    let prev = b.firstSeq - 1;
    for (const [i, e] of b.events.entries()) {
      if (e.seq <= prev || e.seq > b.lastSeq) {
        ctx.addIssue({ code: 'custom', message: 'events must be in increasing seq order inside firstSeq..lastSeq', path: ['events', i, 'seq'] });
        return;
      }
      prev = e.seq;
    }
    if (prev !== b.lastSeq) ctx.addIssue({ code: 'custom', message: 'the last event must carry lastSeq', path: ['lastSeq'] });
    const last = b.events.at(-1);
    if (last && last.hash !== b.chainHash) ctx.addIssue({ code: 'custom', message: 'chainHash is not the hash of the last event', path: ['chainHash'] });
  });
export type EventBatch = z.infer<typeof eventBatchSchema>;

/**
 * Down, retained, `{p}/{org}/{terminal}/ack`: every seq up to `upToSeq` is committed in the
 * office database. Only this marks events synced on the terminal; a broker PUBACK does not.
 *
 * `resendFrom` (`upToSeq + 1`), only when the terminal's status reported more of its events
 * acknowledged than the office holds in one stretch: the office lost events it had
 * acknowledged (its database restored from a backup). A terminal whose own mark is at or above
 * it sends everything from there again from its journal; one below it ignores it.
 */
export const ackSchema = z.strictObject({
  v: z.literal(SCHEMA_VERSION),
  terminal: id,
  upToSeq: z.number().int().min(0),
  resendFrom: z.number().int().min(1).optional(),
  at: epochMs,
});
export type Ack = z.infer<typeof ackSchema>;

/** The J-LIS-style reasons a card no longer belongs to its holder, plus a plain suspension. */
export const denyReasonSchema = z.enum(['lost', 'deceased', 'moved-away', 'details-changed', 'suspended', 'other']);
export type DenyReason = z.infer<typeof denyReasonSchema>;

export const denyEntrySchema = z.strictObject({
  cardId: z.string().min(1).max(128),
  reason: denyReasonSchema,
  since: epochMs,
});
export type DenyEntry = z.infer<typeof denyEntrySchema>;

/** Down, retained, `{p}/{org}/denylist`: the whole list at one version. */
export const denyListSnapshotSchema = z.strictObject({
  v: z.literal(SCHEMA_VERSION),
  org: id,
  version: version,
  entries: z.array(denyEntrySchema),
});
export type DenyListSnapshot = z.infer<typeof denyListSnapshotSchema>;

/** Down, `{p}/{org}/denylist/delta`: what changed from one version to the next. */
export const denyListDeltaSchema = z
  .strictObject({
    v: z.literal(SCHEMA_VERSION),
    org: id,
    fromVersion: version,
    toVersion: version,
    add: z.array(denyEntrySchema),
    remove: z.array(z.string().min(1).max(128)),
  })
  .refine((d) => d.toVersion > d.fromVersion, { message: 'toVersion must be above fromVersion', path: ['toVersion'] });
export type DenyListDelta = z.infer<typeof denyListDeltaSchema>;

/**
 * Down, retained, `{p}/{org}/{terminal}/config`. `config` is opaque here: the terminal
 * validates it with its own schema before applying it.
 */
export const configMessageSchema = z.strictObject({
  v: z.literal(SCHEMA_VERSION),
  version: z.number().int().min(1),
  config: z.json(),
});
export type ConfigMessage = z.infer<typeof configMessageSchema>;

export const issuerKeySchema = z.strictObject({
  version: z.number().int().min(1),
  /** Ed25519 public key: 64 hex digits (raw) or a PEM SPKI block. */
  publicKey: z.union([
    z.string().regex(/^[0-9a-fA-F]{64}$/),
    z.string().max(4096).regex(/^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/),
  ]),
  validFrom: epochMs.optional(),
});
export type IssuerKey = z.infer<typeof issuerKeySchema>;

/** Down, retained, `{p}/{org}/keys`: every issuer public key a terminal should accept. */
export const issuerKeysSchema = z.strictObject({
  v: z.literal(SCHEMA_VERSION),
  keys: z.array(issuerKeySchema).min(1).max(64),
});
export type IssuerKeys = z.infer<typeof issuerKeysSchema>;

export const appliedVersionsSchema = z.strictObject({
  denyList: version,
  config: version,
  keys: version,
  software: z.string().max(64),
});
export type AppliedVersions = z.infer<typeof appliedVersionsSchema>;

/**
 * Up, retained, `{p}/{org}/{terminal}/status`, also the last will (online: false).
 * `clock` is the terminal's own wall clock when it wrote the status, so the office can see
 * drift against its receipt time; `at` is when the status was produced.
 */
export const statusSchema = z.strictObject({
  v: z.literal(SCHEMA_VERSION),
  terminal: id,
  online: z.boolean(),
  versions: appliedVersionsSchema,
  backlog: z.number().int().min(0),
  lastSeq: z.number().int().min(0),
  clock: z.strictObject({ now: epochMs, synced: z.boolean().optional() }),
  at: epochMs,
});
export type Status = z.infer<typeof statusSchema>;

/** Up, `{p}/{org}/{terminal}/report`: something the terminal refused, and why. */
export const reportSchema = z.strictObject({
  v: z.literal(SCHEMA_VERSION),
  terminal: id,
  kind: z.enum(['config-refused', 'denylist-refused', 'keys-refused']),
  version: version.optional(),
  issues: z.array(z.string().max(512)).max(100),
  at: epochMs,
});
export type Report = z.infer<typeof reportSchema>;
