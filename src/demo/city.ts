/**
 * The demo city: who is in it and where each part listens. One office, two taxi companies
 * with a car each, a gate at the city hall's main entrance, a counter station at window 1,
 * and the residents the office registers on first start, each with a card ordered for them.
 */
import type { ResidentInput } from '../office/domain/index.js';

export const DEMO_ORG = 'demo-city';
export const DEMO_ORG_NAME = 'デモ市';

/** Ports are `portBase + offset`: with the default base 8080 the office is 8090, the taxis 8081 and 8082. */
export const DEFAULT_PORT_BASE = 8080;
export const OFFICE_PORT_OFFSET = 10;

export const DEMO_COMPANIES = [
  { company: 'demo-taxi', name: 'デモ交通' },
  { company: 'sakura-kotsu', name: 'さくら交通' },
] as const;

export interface DemoTerminalSpec {
  readonly id: string;
  readonly kind: 'taxi' | 'gate';
  /** Written into every card slot the terminal writes. */
  readonly number: number;
  readonly company?: string;
  readonly label: string;
  readonly portOffset: number;
}

export const DEMO_TERMINALS: readonly DemoTerminalSpec[] = [
  { id: 'taxi-demo-1', kind: 'taxi', number: 1, company: 'demo-taxi', label: 'デモ交通 1号車 (Demo Taxi car 1)', portOffset: 1 },
  { id: 'taxi-demo-2', kind: 'taxi', number: 2, company: 'sakura-kotsu', label: 'さくら交通 7号車 (Sakura Kotsu car 7)', portOffset: 2 },
  { id: 'gate-demo-1', kind: 'gate', number: 3, label: '本庁舎 正面玄関 (City hall, main entrance)', portOffset: 3 },
];

export const DEMO_COUNTER = { id: 'counter-1', number: 4, label: '本庁舎 窓口1 (City hall, window 1)', portOffset: 4 } as const;

export interface DemoResident {
  /** The card's name in the wallet. */
  readonly card: string;
  readonly label: string;
  readonly resident: ResidentInput;
  readonly programmeId: string;
  /** Left waiting at the counter: the card is blank until someone holds it to the counter's reader. */
  readonly waiting?: boolean;
}

export const DEMO_RESIDENTS: readonly DemoResident[] = [
  {
    card: 'maebashi-taro',
    label: '前橋 太郎 · 前橋市 マイタク (Maebashi MyTaku)',
    resident: { residentNo: 'D-1001', name: '前橋 太郎', nameKana: 'まえばし たろう', address: 'デモ市大手町二丁目12-1', eligibility: 'age-75-plus' },
    programmeId: '102016-1',
  },
  {
    card: 'maebashi-hanako',
    label: '前橋 花子 · 前橋市 マイタク (Maebashi MyTaku)',
    resident: { residentNo: 'D-1002', name: '前橋 花子', nameKana: 'まえばし はなこ', address: 'デモ市大手町二丁目12-1', eligibility: 'licence-returned' },
    programmeId: '102016-1',
  },
  {
    card: 'ome-ichiro',
    label: '青梅 一郎 · 青梅市 月3,000円 (Ome, ¥3,000 a month)',
    resident: { residentNo: 'D-1003', name: '青梅 一郎', nameKana: 'おうめ いちろう', address: 'デモ市本町3-5', eligibility: 'disability' },
    programmeId: '132055-1',
  },
  {
    card: 'taiki-yoshiko',
    label: '大紀 良子 · 大紀町 年24回 (Taiki, 24 rides a year)',
    resident: { residentNo: 'D-1004', name: '大紀 良子', nameKana: 'たいき よしこ', address: 'デモ市錦町1-8', eligibility: 'age-65-no-licence' },
    programmeId: '244716-1',
  },
  {
    card: 'new-card',
    label: '新井 春子 · 窓口で発行 (to issue at the counter)',
    resident: { residentNo: 'D-1005', name: '新井 春子', nameKana: 'あらい はるこ', address: 'デモ市城東町4-2', eligibility: 'expectant-mother' },
    programmeId: '102016-1',
    waiting: true,
  },
];

/** The registry the office seeds at every start, so rides clear under each company's name. */
export function demoRegistry() {
  return {
    companies: DEMO_COMPANIES.map((c) => ({ ...c })),
    terminals: [
      ...DEMO_TERMINALS.map((t) => ({ terminal: t.id, kind: t.kind, label: t.label, ...(t.company ? { company: t.company } : {}) })),
      { terminal: DEMO_COUNTER.id, kind: 'counter' as const, label: DEMO_COUNTER.label },
    ],
  };
}
