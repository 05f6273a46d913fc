/**
 * A wallet of virtual building passes for trying a gate terminal with no hardware, issued with
 * the development keys: two staff passes (office hours, and 24-hour security), a visitor pass
 * with 3 entries, and two that show refusals (expired; another building's zone).
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_ACCESS_GROUPS, encodeAccessRights, type AccessRights } from '../apps/gate/index.js';
import { blankCardForLayout, issueCard, newCardId, type GrantRequest, type IssuerSigner, type KeyStore, type Layout, type ProgrammeId } from '../free-area/index.js';
import { createEmulatorChannel, createEmulatedCard, type Wallet } from '../reader/emulator/index.js';
import { fiscalYear } from './demo-wallet.js';

/** The organisation the demo passes belong to (the Tokyo Metropolitan Government's code). */
const ORGANISATION = 130001;

interface GateDemoCard {
  readonly name: string;
  readonly label: string;
  readonly rights: Omit<AccessRights, 'holder'>;
  /** Entries on a visitor pass; 0 for staff. */
  readonly amount: number;
  readonly lastYear?: boolean;
}

export const GATE_DEMO_CARDS: readonly GateDemoCard[] = [
  { name: 'staff-1', label: '職員証 平日7–22時 (Staff, office hours)', amount: 0, rights: { kind: 'staff', organisation: ORGANISATION, zones: [0, 1], accessGroup: DEFAULT_ACCESS_GROUPS.staff } },
  { name: 'staff-2', label: '職員証 警備・24時間 (Staff, security)', amount: 0, rights: { kind: 'staff', organisation: ORGANISATION, zones: [0, 1, 2, 3], accessGroup: DEFAULT_ACCESS_GROUPS.security } },
  { name: 'visitor', label: '来訪者証 3回 (Visitor, 3 entries)', amount: 3, rights: { kind: 'visitor', organisation: ORGANISATION, zones: [0], accessGroup: DEFAULT_ACCESS_GROUPS.visitor } },
  {
    name: 'staff-expired',
    label: '職員証 昨年度・期限切れ (Staff, expired)',
    amount: 0,
    lastYear: true,
    rights: { kind: 'staff', organisation: ORGANISATION, zones: [0, 1], accessGroup: DEFAULT_ACCESS_GROUPS.staff },
  },
  { name: 'other-building', label: '職員証 別庁舎 (Staff, another building)', amount: 0, rights: { kind: 'staff', organisation: ORGANISATION, zones: [5], accessGroup: DEFAULT_ACCESS_GROUPS.staff } },
];

export interface GateDemoContext {
  readonly layout: Layout;
  readonly keys: KeyStore;
  readonly signer: IssuerSigner;
  readonly now: number;
  /** The programme the gate honours; the passes are issued under it. */
  readonly programme: ProgrammeId;
}

/** Creates the demo passes that are not in the wallet yet; returns the names created. */
export async function fillGateDemoWallet(wallet: Wallet, ctx: GateDemoContext): Promise<string[]> {
  const have = new Set(wallet.list());
  const fy = fiscalYear(ctx.now);
  const created: string[] = [];
  for (const [i, demo] of GATE_DEMO_CARDS.entries()) {
    if (have.has(demo.name)) continue;
    const cardId = newCardId((n) => new Uint8Array(randomBytes(n)));
    const card = createEmulatedCard(blankCardForLayout(ctx.layout, ctx.keys, cardId, { label: demo.label }));
    const validity = demo.lastYear === true ? fy.lastYear : fy;
    const holder = randomBytes(8).toString('hex').toUpperCase();
    const grant: GrantRequest = {
      programme: ctx.programme,
      unit: 'entry',
      amount: demo.amount,
      validFrom: validity.from,
      validUntil: validity.until,
      dailyUses: 0,
      monthlyUnits: 0,
      serial: 2000 + i,
      ext: encodeAccessRights({ ...demo.rights, holder }),
    };
    await issueCard(createEmulatorChannel(card, 'emulator:issuer'), { layout: ctx.layout, keys: ctx.keys, signer: ctx.signer }, [grant]);
    wallet.save(demo.name, card.image());
    created.push(demo.name);
  }
  return created;
}
