/**
 * The invariants after the run, on what each party says independently: the cards themselves
 * (read and verified), every terminal's journal, and the office's store. For every card: units
 * used on the card = the ledger's model, committed intents across all journals = units the
 * ledger saw taken, and the office's committed writes = the journals'. For every terminal:
 * a whole hash chain, no intent left open, and the office holding exactly its events.
 *
 * Each district reads its own cards and journals where it runs (`districtFacts`, in its thread)
 * while the office's copies are read where the office's ingest runs; the run then compares.
 */
import { readCard } from '../free-area/index.js';
import type { Journal } from '../journal/index.js';
import { all, num, str } from '../office/store/index.js';
import { createEmulatorChannel } from '../reader/emulator/index.js';
import type { OfficeCopy } from './office-copies.js';
import type { District, DistrictCounters, Expectations } from './district.js';
import type { CompanyMonth, Mismatch } from './ledger.js';
import type { TapStats } from './taps.js';
import type { SimOffice } from './office.js';

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

/** What one district says at the end of the run, as plain data a thread can send. */
export interface DistrictFacts {
  /** Card ID → units used, read from each issued card (NaN when its programme does not verify). */
  readonly onCards: ReadonlyArray<readonly [string, number]>;
  /** Card ID → units in committed intents, over the district's journals. */
  readonly committed: ReadonlyArray<readonly [string, number]>;
  /** Card ID → the ledger's units used (after rewinds) and units taken. */
  readonly model: ReadonlyArray<readonly [string, number, number]>;
  readonly journals: ReadonlyArray<JournalFacts>;
  /** Month, company, the ledger's figures. */
  readonly clearing: ReadonlyArray<readonly [string, string, CompanyMonth]>;
  readonly expected: { readonly rewound: readonly string[]; readonly revokedUse: Expectations['revokedUse']; readonly forged: Expectations['forged'] };
  readonly mismatches: readonly Mismatch[];
  readonly stats: TapStats;
  readonly counters: DistrictCounters;
  readonly cardsIssued: number;
  readonly connections: number;
}

export interface JournalFacts {
  readonly terminal: string;
  readonly lastSeq: number;
  /** Where the hash chain breaks, or null. */
  readonly chainProblem: string | null;
  readonly openIntents: number;
  readonly firstOpen: number | null;
}

export async function districtFacts(d: District): Promise<DistrictFacts> {
  const journals: JournalFacts[] = [];
  for (const t of d.terminals.values()) {
    const j = t.journal();
    const chain = j.verifyChain();
    const intents = j.openIntents();
    journals.push({ terminal: t.plan.id, lastSeq: j.syncState().lastSeq, chainProblem: chain.ok ? null : `${chain.problem} at seq ${chain.seq}`, openIntents: intents.length, firstOpen: intents[0]?.intentId ?? null });
  }
  const clearing: Array<readonly [string, string, CompanyMonth]> = [];
  for (const [month, companies] of d.ledger.clearing()) for (const [company, figures] of companies) clearing.push([month, company, { ...figures }]);
  return {
    onCards: [...(await unitsOnCards(d))],
    committed: [...committedInJournals(d)],
    model: [...d.ledger.cards()].map(([id, s]) => [id, s.used, s.taken] as const),
    journals,
    clearing,
    expected: { rewound: [...d.expected.rewound], revokedUse: d.expected.revokedUse, forged: d.expected.forged },
    mismatches: d.ledger.mismatches(),
    stats: d.stats,
    counters: d.counters,
    cardsIssued: d.wallet.issued().size,
    connections: d.links.connectionCount,
  };
}

export async function cardInvariants(facts: readonly DistrictFacts[], office: SimOffice): Promise<Invariant[]> {
  const onCard = new Map(facts.flatMap((f) => f.onCards));
  const inJournals = sumByKey(facts.flatMap((f) => f.committed));
  const model = new Map(facts.flatMap((f) => f.model.map(([id, used, taken]) => [id, { used, taken }] as const)));
  const atOffice = await committedAtOffice(office);
  const cardIds = new Set([...onCard.keys(), ...inJournals.keys(), ...atOffice.keys(), ...model.keys()]);
  const card: string[] = [];
  const journals: string[] = [];
  const officeProblems: string[] = [];
  for (const id of cardIds) {
    const m = model.get(id);
    const used = onCard.get(id) ?? 0;
    const committed = inJournals.get(id) ?? 0;
    if (used !== (m?.used ?? 0)) card.push(`${id}: card ${used}, simulator ${m?.used ?? 0}`);
    if (committed !== (m?.taken ?? 0)) journals.push(`${id}: journals ${committed}, simulator ${m?.taken ?? 0}`);
    if ((atOffice.get(id) ?? 0) !== committed) officeProblems.push(`${id}: office ${atOffice.get(id) ?? 0}, journals ${committed}`);
  }
  const total = (m: ReadonlyMap<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return [
    invariant('units used on each card = the simulator\'s account', `${onCard.size} cards read, ${total(onCard)} units used on them`, card),
    invariant('committed intents across all journals = units the simulator saw taken', `${total(inJournals)} units in committed intents`, journals),
    invariant('the office\'s committed card writes = the journals\'', `${total(atOffice)} units at the office`, officeProblems),
  ];
}

/** The journals, as the districts read them, against the office's copies of them, read where the office's ingest runs. */
export function terminalInvariants(facts: readonly DistrictFacts[], copies: readonly OfficeCopy[]): Invariant[] {
  const journals = facts.flatMap((f) => f.journals);
  const events = journals.reduce((n, j) => n + j.lastSeq, 0);
  const chains = journals.filter((j) => j.chainProblem !== null).map((j) => `${j.terminal}: ${j.chainProblem}`);
  const open = journals.filter((j) => j.openIntents > 0).map((j) => `${j.terminal}: ${j.openIntents} open, first ${j.firstOpen}`);
  const atOffice = new Map(copies.map((c) => [c.terminal, c]));
  const counts: string[] = [];
  const officeChains: string[] = [];
  for (const { terminal: id, lastSeq } of journals) {
    const copy = atOffice.get(id);
    if (copy === undefined) {
      counts.push(`${id}: the office's copy was not read`);
      continue;
    }
    if (copy.stored !== lastSeq || copy.acked !== lastSeq) counts.push(`${id}: journal last seq ${lastSeq}, office holds ${copy.stored}, acknowledged ${copy.acked}`);
    if (!copy.chain.ok) officeChains.push(`${id}: office copy ${copy.chain.problem} at seq ${copy.chain.seq}`);
  }
  return [
    invariant('every journal\'s hash chain is whole and gap-free', `${journals.length} journals, ${events} events`, chains),
    invariant('no intent is left in doubt in any journal', `${journals.length} journals`, open),
    invariant('office events per terminal = journal last seq, all acknowledged (none lost, none twice)', `${events} events`, counts),
    invariant('the office\'s copy of every chain verifies', `${journals.length} chains`, officeChains),
  ];
}

/** Units used per card, from the card itself through `readCard` (header, grant signature, slot MACs). */
async function unitsOnCards(d: District): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [index, card] of d.wallet.issued()) {
    const plan = d.city.cards[index];
    if (plan === undefined) continue;
    const read = await readCard(createEmulatorChannel(card, 'sim:audit'), d.wallet.context);
    const status = read.programmes[0]?.status;
    out.set(plan.cardId, status?.kind === 'ok' ? status.current.state.used : Number.NaN);
  }
  return out;
}

function committedInJournals(d: District): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of d.terminals.values()) {
    for (const e of eventsOf(t.journal(), 'commit')) {
      const card = String(e.payload['cardId']);
      out.set(card, (out.get(card) ?? 0) + Number(e.payload['units']));
    }
  }
  return out;
}

function sumByKey(pairs: ReadonlyArray<readonly [string, number]>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of pairs) out.set(k, (out.get(k) ?? 0) + v);
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

async function committedAtOffice(office: SimOffice): Promise<Map<string, number>> {
  await office.domain.project();
  const rows = await office.store.run(function* () {
    return yield* all("SELECT card_id, SUM(units) AS units FROM card_writes WHERE status = 'committed' GROUP BY card_id");
  });
  return new Map(rows.map((r) => [str(r.card_id), num(r.units)]));
}
