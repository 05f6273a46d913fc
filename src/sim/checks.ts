/**
 * The invariants after the run, on what each party says independently: the cards themselves
 * (read and verified), every terminal's journal, and the office's store. For every card: units
 * used on the card = the ledger's model, committed intents across all journals = units the
 * ledger saw taken, and the office's committed writes = the journals'. For every terminal:
 * a whole hash chain, no intent left open, and the office holding exactly its events.
 */
import { readCard } from '../free-area/index.js';
import type { Journal } from '../journal/index.js';
import { all, num, str } from '../office/store/index.js';
import { createEmulatorChannel } from '../reader/emulator/index.js';
import type { OfficeCopy } from './office-copies.js';
import type { World } from './world.js';

export interface Invariant {
  readonly name: string;
  readonly ok: boolean;
  /** What was compared, in numbers. */
  readonly detail: string;
  /** The first few counterexamples. */
  readonly problems: readonly string[];
}

const SHOW = 10;
const PAGE = 5_000;

export function invariant(name: string, detail: string, problems: readonly string[]): Invariant {
  return { name, ok: problems.length === 0, detail, problems: problems.slice(0, SHOW) };
}

export async function cardInvariants(w: World): Promise<Invariant[]> {
  const onCard = await unitsOnCards(w);
  const inJournals = committedInJournals(w);
  const atOffice = await committedAtOffice(w);
  const cardIds = new Set([...onCard.keys(), ...inJournals.keys(), ...atOffice.keys(), ...w.ledger.cards().keys()]);
  const card: string[] = [];
  const journals: string[] = [];
  const office: string[] = [];
  for (const id of cardIds) {
    const model = w.ledger.cards().get(id);
    const used = onCard.get(id) ?? 0;
    const committed = inJournals.get(id) ?? 0;
    if (used !== (model?.used ?? 0)) card.push(`${id}: card ${used}, simulator ${model?.used ?? 0}`);
    if (committed !== (model?.taken ?? 0)) journals.push(`${id}: journals ${committed}, simulator ${model?.taken ?? 0}`);
    if ((atOffice.get(id) ?? 0) !== committed) office.push(`${id}: office ${atOffice.get(id) ?? 0}, journals ${committed}`);
  }
  const total = (m: ReadonlyMap<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return [
    invariant('units used on each card = the simulator\'s account', `${onCard.size} cards read, ${total(onCard)} units used on them`, card),
    invariant('committed intents across all journals = units the simulator saw taken', `${total(inJournals)} units in committed intents`, journals),
    invariant('the office\'s committed card writes = the journals\'', `${total(atOffice)} units at the office`, office),
  ];
}

/**
 * The journals, read here, against the office's copies of them, read meanwhile where the
 * office's ingest runs (`copies`, started before the cards were read).
 */
export async function terminalInvariants(w: World, copies: Promise<readonly OfficeCopy[]>): Promise<Invariant[]> {
  const chains: string[] = [];
  const open: string[] = [];
  const counts: string[] = [];
  const officeChains: string[] = [];
  const lastSeqs = new Map<string, number>();
  let events = 0;
  for (const t of w.terminals.values()) {
    const j = t.journal();
    const id = t.plan.id;
    const lastSeq = j.syncState().lastSeq;
    lastSeqs.set(id, lastSeq);
    events += lastSeq;
    const chain = j.verifyChain();
    if (!chain.ok) chains.push(`${id}: ${chain.problem} at seq ${chain.seq}`);
    const intents = j.openIntents();
    if (intents.length > 0) open.push(`${id}: ${intents.length} open, first ${intents[0]?.intentId}`);
  }
  const atOffice = new Map((await copies).map((c) => [c.terminal, c]));
  for (const [id, lastSeq] of lastSeqs) {
    const copy = atOffice.get(id);
    if (copy === undefined) {
      counts.push(`${id}: the office's copy was not read`);
      continue;
    }
    if (copy.stored !== lastSeq || copy.acked !== lastSeq) counts.push(`${id}: journal last seq ${lastSeq}, office holds ${copy.stored}, acknowledged ${copy.acked}`);
    if (!copy.chain.ok) officeChains.push(`${id}: office copy ${copy.chain.problem} at seq ${copy.chain.seq}`);
  }
  return [
    invariant('every journal\'s hash chain is whole and gap-free', `${w.terminals.size} journals, ${events} events`, chains),
    invariant('no intent is left in doubt in any journal', `${w.terminals.size} journals`, open),
    invariant('office events per terminal = journal last seq, all acknowledged (none lost, none twice)', `${events} events`, counts),
    invariant('the office\'s copy of every chain verifies', `${w.terminals.size} chains`, officeChains),
  ];
}

/** Units used per card, from the card itself through `readCard` (header, grant signature, slot MACs). */
async function unitsOnCards(w: World): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [index, card] of w.wallet.issued()) {
    const plan = w.city.cards[index];
    if (plan === undefined) continue;
    const read = await readCard(createEmulatorChannel(card, 'sim:audit'), w.wallet.context);
    const status = read.programmes[0]?.status;
    out.set(plan.cardId, status?.kind === 'ok' ? status.current.state.used : Number.NaN);
  }
  return out;
}

function committedInJournals(w: World): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of w.terminals.values()) {
    for (const e of eventsOf(t.journal(), 'commit')) {
      const card = String(e.payload['cardId']);
      out.set(card, (out.get(card) ?? 0) + Number(e.payload['units']));
    }
  }
  return out;
}

function* eventsOf(j: Journal, type: string) {
  for (let from = 1; ; ) {
    const page = j.events({ fromSeq: from, type, limit: PAGE });
    yield* page;
    if (page.length < PAGE) return;
    from = (page.at(-1)?.seq ?? from) + 1;
  }
}

async function committedAtOffice(w: World): Promise<Map<string, number>> {
  await w.office.domain.project();
  const rows = await w.office.store.run(function* () {
    return yield* all("SELECT card_id, SUM(units) AS units FROM card_writes WHERE status = 'committed' GROUP BY card_id");
  });
  return new Map(rows.map((r) => [str(r.card_id), num(r.units)]));
}

