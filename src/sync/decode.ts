import type { z } from 'zod';

export type RefusalReason = 'oversized' | 'malformed' | 'invalid' | 'wrong-topic' | 'forged';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: RefusalReason; detail: string };

/**
 * Bytes from the broker to a typed payload, or a refusal with a reason a person can read.
 * The size is checked before parsing so an oversized payload costs no JSON work.
 */
export function decodePayload<S extends z.ZodType>(schema: S, payload: Uint8Array, maxBytes: number): Decoded<z.infer<S>> {
  if (payload.byteLength > maxBytes) {
    return { ok: false, reason: 'oversized', detail: `${payload.byteLength} bytes, limit ${maxBytes}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'malformed', detail: err instanceof Error ? err.message : String(err) };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'invalid', detail: formatIssues(parsed.error.issues) };
  return { ok: true, value: parsed.data };
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 10)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

export function issueList(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.slice(0, 100).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}
