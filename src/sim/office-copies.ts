/**
 * What the office holds of each terminal's journal: how many events, up to which seq it has
 * acknowledged them, and whether its copy of the hash chain verifies. Read where the office's
 * ingest runs (its worker thread at a prefecture's scale, on its own SQLite connection), so that
 * the office's copies are checked while the run checks the cards and the journals themselves.
 */
import type { OfficeStore } from '../office/store/index.js';
import { verifyChain } from '../sync/index.js';

export interface OfficeCopy {
  readonly terminal: string;
  readonly stored: number;
  readonly acked: number;
  readonly chain: ReturnType<typeof verifyChain>;
}

const PAGE = 5_000;

export async function officeCopies(store: OfficeStore, terminals: readonly string[]): Promise<OfficeCopy[]> {
  const out: OfficeCopy[] = [];
  for (const terminal of terminals) {
    out.push({ terminal, stored: await store.eventCount(terminal), acked: await store.ackedSeq(terminal), chain: await officeChain(store, terminal) });
  }
  return out;
}

async function officeChain(store: OfficeStore, terminal: string): Promise<ReturnType<typeof verifyChain>> {
  const events = [];
  for (let from = 1; ; ) {
    const page = await store.events(terminal, { fromSeq: from, limit: PAGE });
    events.push(...page);
    if (page.length < PAGE) break;
    from = (page.at(-1)?.seq ?? from) + 1;
  }
  return verifyChain(events);
}
