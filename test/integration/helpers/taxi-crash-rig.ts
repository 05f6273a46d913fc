/**
 * The pieces of the taxi crash test that are not the driver: a data directory with its own
 * wallet of long-lived cards, a small HTTP client that tells a killed terminal from a broken
 * one, and the final accounting of what the cards and the journal say.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COUPON_EXAMPLE } from '../../../src/apps/taxi-ticket/examples.js';
import {
  blankCardForLayout,
  createFileIssuerSigner,
  createFileKeyStore,
  defaultLayout,
  generateDevKeys,
  issueCard,
  jstDay,
  newCardId,
  readCard,
  type CardContext,
} from '../../../src/free-area/index.js';
import { openJournal, type ChainCheck, type JournalEvent } from '../../../src/journal/index.js';
import { createEmulatedCard, createEmulatorChannel, openWallet } from '../../../src/reader/emulator/index.js';

export const TERMINAL_ID = 'taxi-crash-1';
/** Coupons on each card: far more than 200 taps can use, so no tap is refused for want of allowance. */
export const CARD_AMOUNT = 10_000;
const DAY_MS = 86_400_000;

export interface CrashRig {
  readonly dataDir: string;
  readonly configFile: string;
  readonly token: string;
  /** Wallet name → card ID. */
  readonly cards: ReadonlyMap<string, string>;
  readonly card: CardContext;
}

/**
 * Development keys, a wallet of coupon cards issued with them, and a configuration that
 * honours only a coupon programme with no daily limit (the Maebashi demo cards stop at 2 a day).
 */
export async function prepareCrashRig(dataDir: string, names: readonly string[], nowMs: number): Promise<CrashRig> {
  const keysDir = join(dataDir, 'keys');
  generateDevKeys(keysDir);
  const card: CardContext = { layout: defaultLayout(), keys: createFileKeyStore(keysDir) };
  const signer = createFileIssuerSigner(keysDir);
  const wallet = openWallet(join(dataDir, 'wallet'));
  const cards = new Map<string, string>();
  for (const [i, name] of names.entries()) {
    const cardId = newCardId((n) => new Uint8Array(randomBytes(n)));
    const emulated = createEmulatedCard(blankCardForLayout(card.layout, card.keys, cardId, { label: `crash test ${name}` }));
    const grant = {
      programme: { municipality: 72010, number: 1 },
      unit: 'coupon' as const,
      amount: CARD_AMOUNT,
      validFrom: jstDay(nowMs - 30 * DAY_MS),
      validUntil: jstDay(nowMs + 300 * DAY_MS),
      dailyUses: 0,
      monthlyUnits: 0,
      serial: 100 + i,
      ext: new Uint8Array(0),
    };
    await issueCard(createEmulatorChannel(emulated, 'emulator:issuer'), { ...card, signer }, [grant]);
    wallet.save(name, emulated.image());
    cards.set(name, cardId);
  }
  const token = randomBytes(24).toString('base64url');
  const configFile = join(dataDir, 'terminal.json');
  const config = {
    terminal: { id: TERMINAL_ID },
    http: { token },
    reader: { kind: 'emulator', demoCards: false },
    app: { kind: 'taxi', programmes: { honours: ['072010-1'], programmes: { '072010-1': COUPON_EXAMPLE } } },
    log: { level: 'info' },
  };
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  return { dataDir, configFile, token, cards, card };
}

/** Units used on a card, as its wallet image says (the card itself, read and verified). */
export async function unitsUsedOnCard(rig: CrashRig, name: string): Promise<number> {
  const image = openWallet(join(rig.dataDir, 'wallet')).load(name);
  const read = await readCard(createEmulatorChannel(createEmulatedCard(image), `check:${name}`), rig.card);
  const status = read.programmes[0]?.status;
  if (status?.kind !== 'ok') throw new Error(`card ${name} does not verify: ${status?.kind ?? 'no programme'}`);
  return status.current.state.used;
}

export interface JournalAccount {
  readonly events: JournalEvent[];
  readonly chain: ChainCheck;
  readonly lastSeq: number;
  readonly openIntents: number;
  /** Per committed intent: its card, units and the ride it was taken for. */
  readonly committed: ReadonlyArray<{ intentId: number; cardId: string; units: number; rideId: unknown; resolvedBy: unknown }>;
  readonly aborted: ReadonlyArray<{ intentId: number; cardId: string; reason: unknown }>;
}

/** Reopens the journal the way the terminal does and reads back every event in order. */
export function readJournal(rig: CrashRig): JournalAccount {
  const journal = openJournal({ path: join(rig.dataDir, 'journal.db'), terminalId: TERMINAL_ID, now: Date.now });
  try {
    const events: JournalEvent[] = [];
    for (let from = 1; ; ) {
      const page = journal.events({ fromSeq: from, limit: 1000, order: 'asc' });
      events.push(...page);
      if (page.length < 1000) break;
      from = (page.at(-1)?.seq ?? from) + 1;
    }
    const committed = events
      .filter((e) => e.type === 'commit')
      .map((e) => {
        const intentId = Number(e.payload['intentId']);
        return { intentId, cardId: String(e.payload['cardId']), units: Number(e.payload['units']), rideId: journal.intent(intentId)?.context['rideId'], resolvedBy: e.payload['resolvedBy'] };
      });
    const aborted = events.filter((e) => e.type === 'abort').map((e) => ({ intentId: Number(e.payload['intentId']), cardId: String(e.payload['cardId']), reason: e.payload['reason'] }));
    return { events, chain: journal.verifyChain(), lastSeq: journal.syncState().lastSeq, openIntents: journal.openIntents().length, committed, aborted };
  } finally {
    journal.close();
  }
}

/** Answers of a terminal over HTTP; `null` when the request died with the process. */
export interface Api {
  get(path: string): Promise<{ status: number; body: Record<string, unknown> } | null>;
  post(path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> } | null>;
}

export function createApi(url: string, token: string, killed: () => boolean): Api {
  const call = async (method: string, path: string, body?: unknown) => {
    try {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    } catch (error) {
      if (killed()) return null;
      throw error;
    }
  };
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body) };
}

/** mulberry32: a small seeded generator, so a failing schedule can be run again. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
