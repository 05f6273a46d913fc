/**
 * Every card of the city as an emulated card in memory, issued the way the counter issues one:
 * a blank card with the application installed, then `issueCard` with the office's signer. A card
 * is issued the first time its holder needs it, so a card nobody uses in the period costs
 * nothing. Forged cards are issued by the forger with its own keys; a rewound card is an older
 * image of the card put back.
 */
import { blankCardForLayout, defaultLayout, issueCard, type CardContext, type GrantRequest, type Layout } from '../free-area/index.js';
import { encodeAccessRights } from '../apps/gate/index.js';
import { createEmulatedCard, createEmulatorChannel, type CardImage, type EmulatedCard, type EmulatedCardOptions } from '../reader/emulator/index.js';
import { DAY } from './activities.js';
import type { CardPlan, City } from './city.js';
import type { CityKeys, KeySet } from './keys.js';
import type { Random } from './random.js';

/** Cards issued elsewhere (a counter in a worker thread): their images once issued. */
export interface Counter {
  /** Issues these cards (plan indices) in this order, skipping any asked for before. */
  prepare(indices: readonly number[]): void;
  /** The issued image of a card asked for with `prepare`; null for a card it was not asked for. */
  take(index: number): Promise<CardImage> | null;
  close(): Promise<void>;
}

export interface Wallet {
  readonly layout: Layout;
  /** The terminals' view of cards. */
  readonly context: CardContext;
  /** The card of a planned holder, issued at first use (or by the counter ahead of it). */
  card(plan: CardPlan): Promise<EmulatedCard>;
  /** Has the counter issue these cards (plan indices) ahead of their first use, when there is one. */
  prepare(indices: readonly number[]): void;
  /** A card issued by the forger: its grant's signature is not the office's. */
  forged(kind: 'rider' | 'visitor', municipality: number): Promise<{ cardId: string; card: EmulatedCard }>;
  /** Puts an earlier image of the card back (a rewound card). */
  restore(plan: CardPlan, image: CardImage): void;
  /** Cards issued so far, by plan index. */
  issued(): ReadonlyMap<number, EmulatedCard>;
}

export function createWallet(city: City, keys: CityKeys, validity: { validFrom: string; validUntil: string }, random: Random, counter: Counter | null = null): Wallet {
  const layout = defaultLayout();
  const context: CardContext = { layout, keys: keys.keys };
  const cards = new Map<number, EmulatedCard>();
  const challenges = random.fork('challenges');
  const options = { random: (n: number) => challenges.bytes(n) };
  let forgedSerial = 0;

  const issue = (cardId: string, set: KeySet, grant: GrantRequest): Promise<EmulatedCard> => issueWith(layout, options, cardId, set, grant);

  return {
    layout,
    context,
    async card(plan) {
      const have = cards.get(plan.index);
      if (have !== undefined) return have;
      const issued = counter?.take(plan.index) ?? null;
      const card = issued === null ? await issue(plan.cardId, keys, grantFor(city, plan, validity)) : createEmulatedCard(await issued, options);
      cards.set(plan.index, card);
      return card;
    },
    prepare(indices) {
      counter?.prepare(indices.filter((i) => !cards.has(i)));
    },
    async forged(kind, municipality) {
      forgedSerial += 1;
      const cardId = random.hex(8);
      const plan: CardPlan = { index: -forgedSerial, cardId, kind, municipality, amount: kind === 'visitor' ? 10 : 120, holder: random.hex(8), gate: null };
      return { cardId, card: await issue(cardId, keys.forger, grantFor(city, plan, validity)) };
    },
    restore(plan, image) {
      cards.set(plan.index, createEmulatedCard(image, options));
    },
    issued: () => cards,
  };
}

/** A blank card with the application installed, then `issueCard` with the signer: as the counter does. */
export async function issueWith(layout: Layout, options: EmulatedCardOptions, cardId: string, set: KeySet, grant: GrantRequest): Promise<EmulatedCard> {
  const card = createEmulatedCard(blankCardForLayout(layout, set.keys, cardId), options);
  await issueCard(createEmulatorChannel(card, 'sim:counter'), { layout, keys: set.keys, signer: set.signer }, [grant]);
  return card;
}

/** Grants run over whole fiscal years (April to March) covering the period. */
export function validity(start: number, days: number): { validFrom: string; validUntil: string } {
  const fiscal = (ms: number) => {
    const d = new Date(ms + 9 * 3_600_000).toISOString().slice(0, 10);
    return Number(d.slice(0, 4)) - (d.slice(5) < '04-01' ? 1 : 0);
  };
  return { validFrom: `${fiscal(start)}-04-01`, validUntil: `${fiscal(start + days * DAY) + 1}-03-31` };
}

export function grantFor(city: City, plan: CardPlan, validity: { validFrom: string; validUntil: string }): GrantRequest {
  const town = city.municipalities[plan.municipality];
  if (town === undefined) throw new RangeError(`no municipality ${plan.municipality}`);
  const common = { ...validity, monthlyUnits: 0, serial: 1 };
  if (plan.kind === 'rider') {
    const [code, number] = town.taxiProgramme.split('-').map(Number) as [number, number];
    return { ...common, programme: { municipality: code, number }, unit: 'coupon', amount: plan.amount, dailyUses: 2, ext: new Uint8Array(0) };
  }
  const rights = {
    kind: plan.kind === 'staff' ? ('staff' as const) : ('visitor' as const),
    holder: plan.holder ?? '0000000000000000',
    organisation: town.code,
    zones: [0],
    accessGroup: plan.kind === 'staff' ? 1 : 2,
  };
  return { ...common, programme: town.gateProgramme, unit: 'entry', amount: plan.amount, dailyUses: 0, ext: encodeAccessRights(rights) };
}
