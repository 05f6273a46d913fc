import { eventHash, GENESIS_HASH } from './hash.js';
import type { EventBatch } from './schemas.js';

export type BatchCheck = { ok: true } | { ok: false; seq: number; problem: 'hash' | 'prev-hash' | 'genesis' };

/**
 * Checks what a batch can prove on its own: each event's hash is the hash of its content,
 * consecutive events link, and seq 1 starts from the genesis. How the batch links to events
 * already stored is the store's question. A batch that fails here was altered after the
 * terminal wrote it, so none of it is trusted.
 */
export function verifyBatch(batch: EventBatch): BatchCheck {
  let prev: { seq: number; hash: string } | undefined;
  for (const e of batch.events) {
    if (e.seq === 1 && e.prevHash !== GENESIS_HASH) return { ok: false, seq: e.seq, problem: 'genesis' };
    if (prev !== undefined && prev.seq === e.seq - 1 && prev.hash !== e.prevHash) return { ok: false, seq: e.seq, problem: 'prev-hash' };
    const computed = eventHash(e.prevHash, { terminal: batch.terminal, seq: e.seq, type: e.type, at: e.at, payload: e.payload });
    if (computed !== e.hash) return { ok: false, seq: e.seq, problem: 'hash' };
    prev = e;
  }
  return { ok: true };
}
