/**
 * Taxi companies and the terminal registry: which company a taxi terminal belongs to (for
 * clearing) and what kind each terminal is. Seeded from a file at start-up (`registrySeedSchema`)
 * and edited from the dashboard; a terminal that reports before it is registered still shows,
 * with its rides under "(unregistered)" until it is.
 */
import { z } from 'zod';
import { topicIdSchema } from '../../sync/index.js';
import type { Status } from '../../sync/index.js';
import { all, get, insertRows, json, lock, num, numOrNull, run, str, strOrNull } from '../store/index.js';
import type { Program, ProgramRunner, Raw } from '../store/index.js';
import { AGGREGATE_COLUMNS, AGGREGATE_UPSERT, CLEARING_SQL } from '../store/sql-domain.js';
import { REGISTRY_SQL } from '../store/sql-people.js';
import { CLEARING_LOCK, UNREGISTERED } from './projection-clearing.js';

export const companyInputSchema = z.object({ company: topicIdSchema, name: z.string().trim().min(1).max(200) });
export const terminalKindSchema = z.enum(['taxi', 'gate', 'counter']);
export const terminalInputSchema = z.object({
  terminal: topicIdSchema,
  kind: terminalKindSchema,
  company: topicIdSchema.optional(),
  label: z.string().max(200).default(''),
});
export const registrySeedSchema = z.object({
  companies: z.array(companyInputSchema).default([]),
  terminals: z.array(terminalInputSchema).default([]),
});

export type CompanyInput = z.input<typeof companyInputSchema>;
export type TerminalInput = z.input<typeof terminalInputSchema>;
export type TerminalKind = z.output<typeof terminalKindSchema>;

export interface Company {
  readonly company: string;
  readonly name: string;
  readonly createdAt: number;
}

export interface TerminalView {
  readonly terminal: string;
  /** null: the terminal has reported but nobody registered it. */
  readonly kind: TerminalKind | null;
  readonly company: string | null;
  readonly label: string;
  readonly org: string | null;
  readonly firstSeenAt: number | null;
  readonly lastHeardAt: number | null;
  readonly online: boolean | null;
  readonly ackedSeq: number;
  /** Events the terminal still holds unsent, from its last status. */
  readonly backlog: number | null;
  readonly versions: Status['versions'] | null;
}

export interface RegistryService {
  registerCompany(input: CompanyInput): Promise<Company>;
  companies(): Promise<Company[]>;
  /** Registers or changes a terminal; rides of a taxi in months not closed yet move to its company. */
  registerTerminal(input: TerminalInput): Promise<void>;
  terminals(): Promise<TerminalView[]>;
  seed(input: z.input<typeof registrySeedSchema>): Promise<void>;
}

export function createRegistryService(store: ProgramRunner, clock: () => number): RegistryService {
  const registerCompany = async (input: CompanyInput): Promise<Company> => {
    const c = companyInputSchema.parse(input);
    return store.run(function* () {
      yield* run(REGISTRY_SQL.upsertCompany, [c.company, c.name, clock()]);
      return toCompany((yield* get(REGISTRY_SQL.company, [c.company])) as Raw);
    }, { write: true });
  };
  const registerTerminal = async (input: TerminalInput): Promise<void> => {
    const t = terminalInputSchema.parse(input);
    await store.run(() => upsertTerminal(t.terminal, t.kind, t.company ?? null, t.label, clock()), { write: true });
  };
  return {
    registerCompany,
    companies: () => store.run(function* () {
      return (yield* all(REGISTRY_SQL.companies)).map(toCompany);
    }),
    registerTerminal,
    terminals: () => store.run(function* () {
      return (yield* all(REGISTRY_SQL.terminals)).map(toTerminalView);
    }),
    async seed(input) {
      const seed = registrySeedSchema.parse(input);
      for (const c of seed.companies) await registerCompany(c);
      for (const t of seed.terminals) await registerTerminal(t);
    },
  };
}

function* upsertTerminal(terminal: string, kind: TerminalKind, company: string | null, label: string, now: number): Program<void> {
  yield* lock(CLEARING_LOCK);
  yield* run(REGISTRY_SQL.upsertTerminal, [terminal, kind, company, label, now]);
  // Figures of months still open move to the terminal's company; closed months keep theirs.
  const open = yield* all(CLEARING_SQL.openAggregatesOf, [terminal]);
  if (open.length === 0) return;
  yield* run(CLEARING_SQL.deleteOpenAggregatesOf, [terminal]);
  const moved = open.map((r) => AGGREGATE_COLUMNS.map((col, i) => (col === 'company' ? (company ?? UNREGISTERED) : i < 5 ? str(r[col]) : num(r[col]))));
  yield* insertRows({ table: 'clearing_aggregates', columns: AGGREGATE_COLUMNS, rows: moved, onConflict: AGGREGATE_UPSERT });
}

function toCompany(r: Raw): Company {
  return { company: str(r.company), name: str(r.name), createdAt: num(r.created_at) };
}

function toTerminalView(r: Raw): TerminalView {
  const status = r.status === null || r.status === undefined ? null : json<Status>(r.status);
  return {
    terminal: str(r.terminal),
    kind: strOrNull(r.kind) as TerminalKind | null,
    company: strOrNull(r.company),
    label: str(r.label),
    org: strOrNull(r.org),
    firstSeenAt: numOrNull(r.first_seen_at),
    lastHeardAt: numOrNull(r.last_heard_at),
    online: r.online === null || r.online === undefined ? null : num(r.online) === 1,
    ackedSeq: num(r.acked_seq),
    backlog: status?.backlog ?? null,
    versions: status?.versions ?? null,
  };
}
