/**
 * The counter station: a terminal in `issuer` mode at the city office. When a card is put on
 * its reader it reads the card, asks the office to sign the grants of the clerk's order for
 * that card ID, writes them with `issueCard` and tells the office it did. The station holds no
 * signing key: the office signs; the station verifies what it writes with the issuer public
 * keys it has (from its key files and the downlink), as every terminal does.
 *
 * The office API is documented in docs/office.md ("Counter API"); its shapes are declared here
 * again because a terminal never imports the office.
 */
import { z } from 'zod';
import { decodeGrant, issueCard, readCard } from '../free-area/index.js';
import type { CardContext, CardRead, IssuedProgramme, SignedGrant } from '../free-area/index.js';
import type { CardChannel } from '../reader/channel.js';

export const issuerAppSchema = z.strictObject({
  kind: z.literal('issuer'),
  office: z.strictObject({
    /** The office's counter API, e.g. `https://office.example/api/counter`. */
    url: z.string().url(),
    /** This station's bearer token at the office. */
    token: z.string().min(16),
  }),
  /** The station's ID at the office; the terminal ID when omitted. */
  station: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
  /** Abandons a request to the office after this long. */
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
});
export type IssuerAppConfig = z.output<typeof issuerAppSchema>;

const grantSchema = z.object({
  programmeId: z.string(),
  serial: z.number().int(),
  keyVersion: z.number().int(),
  amount: z.number().int(),
  validFrom: z.string(),
  validUntil: z.string(),
  grantHex: z.string().regex(/^[0-9A-Fa-f]+$/),
});
const answerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('grants'), orderId: z.number().int(), cardId: z.string(), grants: z.array(grantSchema) }),
  z.object({ kind: z.literal('no-order'), station: z.string() }),
  z.object({ kind: z.literal('refused'), orderId: z.number().int(), reason: z.string(), message: z.object({ ja: z.string(), en: z.string() }) }),
]);
export type CounterAnswer = z.output<typeof answerSchema>;

/** What the station reports for each programme on the card: the office takes the larger of this and its events. */
export interface ProgrammeOnCard {
  readonly programmeId: string;
  readonly serial: number;
  readonly used: number;
}

export interface CounterOffice {
  cardPresented(body: { station: string; cardId: string; programmes: readonly ProgrammeOnCard[] }): Promise<CounterAnswer>;
  written(orderId: number, body: { station: string; cardId: string; ok: boolean; detail: string }): Promise<void>;
}

export class OfficeUnavailableError extends Error {
  override readonly name = 'OfficeUnavailableError';
}

/** The office's counter API over HTTP, with the station's bearer token. */
export function createCounterOfficeClient(options: { url: string; token: string; timeoutMs?: number; fetch?: typeof fetch }): CounterOffice {
  const doFetch = options.fetch ?? fetch;
  const base = options.url.replace(/\/+$/, '');
  const post = async (path: string, body: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (cause) {
      throw new OfficeUnavailableError(`the office at ${base} cannot be reached: ${(cause as Error).message}`, { cause });
    }
    const text = await response.text();
    if (!response.ok) throw new OfficeUnavailableError(`the office answered ${response.status} to ${path}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  };
  return {
    cardPresented: async (body) => answerSchema.parse(await post('/cards', body)),
    written: async (orderId, body) => void (await post(`/orders/${orderId}/written`, body)),
  };
}

export type CounterOutcome =
  | { readonly kind: 'issued'; readonly cardId: string; readonly orderId: number; readonly programmes: readonly IssuedProgramme[]; readonly apdus: number }
  | { readonly kind: 'no-order'; readonly cardId: string }
  | { readonly kind: 'refused'; readonly cardId: string; readonly orderId: number; readonly reason: string; readonly message: { ja: string; en: string } }
  | { readonly kind: 'failed'; readonly cardId: string | null; readonly step: 'read' | 'office' | 'write'; readonly error: string };

export interface CounterStation {
  handleCard(channel: CardChannel): Promise<CounterOutcome>;
}

/** The station's steps for one card: read it, ask the office, write, confirm. */
export function createCounterStation(options: { card: CardContext; office: CounterOffice; station: string }): CounterStation {
  const { card, office, station } = options;
  return {
    async handleCard(channel) {
      let read: CardRead;
      try {
        read = await readCard(channel, card);
      } catch (error) {
        return { kind: 'failed', cardId: null, step: 'read', error: (error as Error).message };
      }
      const cardId = read.header.cardId;
      let answer: CounterAnswer;
      try {
        answer = await office.cardPresented({ station, cardId, programmes: programmesOn(read) });
      } catch (error) {
        return { kind: 'failed', cardId, step: 'office', error: (error as Error).message };
      }
      if (answer.kind === 'no-order') return { kind: 'no-order', cardId };
      if (answer.kind === 'refused') return { kind: 'refused', cardId, orderId: answer.orderId, reason: answer.reason, message: answer.message };
      return write(channel, cardId, answer.orderId, answer.grants.map(toSignedGrant));
    },
  };

  async function write(channel: CardChannel, cardId: string, orderId: number, grants: SignedGrant[]): Promise<CounterOutcome> {
    try {
      const result = await issueCard(channel, card, grants);
      await office.written(orderId, { station, cardId, ok: true, detail: result.programmes.map((p) => `${p.serial}:${p.action}`).join(' ') }).catch(() => undefined);
      return { kind: 'issued', cardId, orderId, programmes: result.programmes, apdus: result.apdus };
    } catch (error) {
      const message = (error as Error).message;
      // The order stays signed at the office: putting the same card back writes the same grants.
      await office.written(orderId, { station, cardId, ok: false, detail: message.slice(0, 400) }).catch(() => undefined);
      return { kind: 'failed', cardId, step: 'write', error: message };
    }
  }
}

/** Each programme whose grant and current slot verify, with the units its slot has used. */
export function programmesOn(read: CardRead): ProgrammeOnCard[] {
  return read.programmes.flatMap((p) => {
    if (p.status.kind !== 'ok' || p.grant === null || p.grant === undefined) return [];
    const { municipality, number } = p.grant.programme;
    return [{ programmeId: `${String(municipality).padStart(6, '0')}-${number}`, serial: p.grant.serial, used: p.status.current.state.used }];
  });
}

function toSignedGrant(g: z.output<typeof grantSchema>): SignedGrant {
  const bytes = Uint8Array.from(Buffer.from(g.grantHex, 'hex'));
  return { grant: decodeGrant(bytes).grant, bytes };
}
