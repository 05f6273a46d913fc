/**
 * The demo's counter station: what a station at the city office's window does with a card
 * held to its reader. It reads the card (its ID and the programmes on it), asks the office's
 * counter API for the grants of the order waiting at this station, writes them with the free
 * area's `issueCard` and tells the office whether the write landed. The signing key stays in
 * the office: the station only ever holds signed grants. The reader is emulated: a card is a
 * virtual card from the shared wallet.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { blankCardForLayout, decodeGrant, issueCard, newCardId, readCard, type CardContext, type ProgrammeRead, type SignedGrant } from '../free-area/index.js';
import { createEmulatorChannel, type Wallet } from '../reader/emulator/index.js';

export interface CounterStationOptions {
  readonly station: string;
  /** The office's base URL; the counter API is at `/api/counter`. */
  readonly officeUrl: string;
  /** This station's bearer token for the counter API. */
  readonly officeToken: string;
  readonly wallet: Wallet;
  /** Layout and keys: public issuer keys and the master keys, never the signing key. */
  readonly card: CardContext;
}

const message = z.object({ ja: z.string(), en: z.string() });
const answerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('grants'), orderId: z.number().int(), cardId: z.string(), grants: z.array(z.object({ programmeId: z.string(), grantHex: z.string().regex(/^[0-9a-fA-F]+$/) })) }),
  z.object({ kind: z.literal('no-order') }),
  z.object({ kind: z.literal('refused'), orderId: z.number().int(), reason: z.string(), message }),
]);
const ordersSchema = z.object({ orders: z.array(z.object({ id: z.number().int(), kind: z.string(), programmeId: z.string(), status: z.string(), cardId: z.string().nullable() })) });

export type CounterOutcome =
  | { readonly kind: 'written'; readonly card: string; readonly cardId: string; readonly orderId: number; readonly programmes: readonly string[] }
  | { readonly kind: 'no-order'; readonly card: string; readonly cardId: string }
  | { readonly kind: 'refused'; readonly card: string; readonly cardId: string; readonly orderId: number; readonly reason: string; readonly message: { ja: string; en: string } }
  | { readonly kind: 'failed'; readonly card: string; readonly message: string };

export type CounterOrder = z.infer<typeof ordersSchema>['orders'][number];

export interface CounterStation {
  readonly station: string;
  /** Holds the wallet's card `name` to the station's reader until the order is written. */
  present(name: string): Promise<CounterOutcome>;
  /** The orders waiting at this station (what to write, never who for). */
  orders(): Promise<CounterOrder[]>;
  /** Puts a new blank card (a fresh card ID, no programme) in the wallet; returns its name. */
  newBlankCard(): string;
}

/** Thrown when the office answers something a station cannot use. */
export class CounterApiError extends Error {
  override readonly name = 'CounterApiError';
}

function programmeState(p: ProgrammeRead): { programmeId: string; serial: number; used: number } | null {
  if (p.grant === null || p.status.kind !== 'ok') return null;
  const { municipality, number } = p.grant.programme;
  return { programmeId: `${String(municipality).padStart(6, '0')}-${number}`, serial: p.grant.serial, used: p.status.current.state.used };
}

export function createCounterStation(options: CounterStationOptions): CounterStation {
  const { station, wallet, card: ctx } = options;
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${options.officeUrl}/api/counter${path}`, {
      method,
      headers: { Authorization: `Bearer ${options.officeToken}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new CounterApiError(`the office's counter API answered ${res.status} to ${method} ${path}: ${await res.text()}`);
    return res.json();
  };

  const presentNow = async (name: string): Promise<CounterOutcome> => {
    const channel = createEmulatorChannel(wallet.loadCard(name), `${station}:${name}`);
    const read = await readCard(channel, ctx);
    const cardId = read.header.cardId;
    const programmes = read.programmes.map(programmeState).filter((p) => p !== null);
    const answer = answerSchema.parse(await call('POST', '/cards', { station, cardId, programmes }));
    if (answer.kind === 'no-order') return { kind: 'no-order', card: name, cardId };
    if (answer.kind === 'refused') return { kind: 'refused', card: name, cardId, orderId: answer.orderId, reason: answer.reason, message: answer.message };
    const grants: SignedGrant[] = answer.grants.map((g) => {
      const bytes = new Uint8Array(Buffer.from(g.grantHex, 'hex'));
      return { grant: decodeGrant(bytes).grant, bytes };
    });
    try {
      await issueCard(channel, ctx, grants);
    } catch (error) {
      await call('POST', `/orders/${answer.orderId}/written`, { station, cardId, ok: false, detail: (error as Error).message.slice(0, 500) });
      throw error;
    }
    await call('POST', `/orders/${answer.orderId}/written`, { station, cardId, ok: true });
    return { kind: 'written', card: name, cardId, orderId: answer.orderId, programmes: answer.grants.map((g) => g.programmeId) };
  };

  // One reader: a card is presented after the one before it has been written.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    station,
    present(name) {
      const next = queue.then(() =>
        presentNow(name).catch((error: unknown): CounterOutcome => ({ kind: 'failed', card: name, message: (error as Error).message })),
      );
      queue = next;
      return next;
    },
    async orders() {
      return ordersSchema.parse(await call('GET', '/orders')).orders;
    },
    newBlankCard() {
      const have = new Set(wallet.list());
      let n = 1;
      while (have.has(`blank-${n}`)) n += 1;
      const name = `blank-${n}`;
      const cardId = newCardId((k) => new Uint8Array(randomBytes(k)));
      wallet.save(name, blankCardForLayout(ctx.layout, ctx.keys, cardId, { label: `新しいカード ${n} (blank card)` }));
      return name;
    },
  };
}
