/**
 * A wallet of virtual cards for trying a terminal with no hardware: issued with the
 * development keys, one card per example programme, plus cards that show refusals.
 */
import { randomBytes } from 'node:crypto';
import { blankCardForLayout, issueCard, newCardId, type GrantRequest, type IssuerSigner, type KeyStore, type Layout } from '../free-area/index.js';
import { jstDay } from '../free-area/jst.js';
import { createEmulatedCard, createEmulatorChannel, type Wallet } from '../reader/emulator/index.js';

interface DemoCard {
  readonly name: string;
  readonly label: string;
  readonly grant: (fy: FiscalYear) => Omit<GrantRequest, 'serial' | 'ext'>;
}

interface FiscalYear {
  readonly from: string;
  readonly until: string;
  readonly lastYear: { from: string; until: string };
}

/** Japan's fiscal year (April to March) containing `atMs`. */
export function fiscalYear(atMs: number): FiscalYear {
  const day = jstDay(atMs);
  const year = Number(day.slice(0, 4)) - (day.slice(5) < '04-01' ? 1 : 0);
  return { from: `${year}-04-01`, until: `${year + 1}-03-31`, lastYear: { from: `${year - 1}-04-01`, until: `${year}-03-31` } };
}

const coupon = (municipality: number, amount: number, dailyUses = 0) => (fy: FiscalYear) => ({
  programme: { municipality, number: 1 },
  unit: 'coupon' as const,
  amount,
  validFrom: fy.from,
  validUntil: fy.until,
  dailyUses,
  monthlyUnits: 0,
});

export const DEMO_CARDS: readonly DemoCard[] = [
  { name: 'maebashi-1', label: '前橋市 マイタク (120回)', grant: coupon(102016, 120, 2) },
  { name: 'maebashi-2', label: '前橋市 マイタク (120回) 2枚目', grant: coupon(102016, 120, 2) },
  { name: 'taiki', label: '大紀町 (年24回)', grant: coupon(244716, 24) },
  {
    name: 'ome',
    label: '青梅市 (月3,000円)',
    grant: (fy) => ({ programme: { municipality: 132055, number: 1 }, unit: 'yen', amount: 36000, validFrom: fy.from, validUntil: fy.until, dailyUses: 0, monthlyUnits: 3000 }),
  },
  { name: 'coupons', label: 'タクシー利用券 (20枚)', grant: coupon(72010, 20) },
  { name: 'expired', label: '前橋市 マイタク (昨年度・期限切れ)', grant: (fy) => ({ ...coupon(102016, 120, 2)(fy), validFrom: fy.lastYear.from, validUntil: fy.lastYear.until }) },
  { name: 'other-town', label: '他の市町村のカード', grant: coupon(131016, 10) },
];

/** Creates the demo cards that are not in the wallet yet; returns the names created. */
export async function fillDemoWallet(wallet: Wallet, ctx: { layout: Layout; keys: KeyStore; signer: IssuerSigner; now: number }): Promise<string[]> {
  const have = new Set(wallet.list());
  const fy = fiscalYear(ctx.now);
  const created: string[] = [];
  for (const [i, demo] of DEMO_CARDS.entries()) {
    if (have.has(demo.name)) continue;
    const cardId = newCardId((n) => new Uint8Array(randomBytes(n)));
    const card = createEmulatedCard(blankCardForLayout(ctx.layout, ctx.keys, cardId, { label: demo.label }));
    const grant: GrantRequest = { ...demo.grant(fy), serial: 1000 + i, ext: new Uint8Array(0) };
    await issueCard(createEmulatorChannel(card, 'emulator:issuer'), { layout: ctx.layout, keys: ctx.keys, signer: ctx.signer }, [grant]);
    wallet.save(demo.name, card.image());
    created.push(demo.name);
  }
  return created;
}
