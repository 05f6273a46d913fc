import { randomBytes } from 'node:crypto';
import { CardRemovedError } from '../errors.js';
import { concat } from '../iso7816.js';
import { contentFromImage, imageFromContent, newSession, type EfState } from './card-state.js';
import type { CardBehaviour, CommandContext, Reply } from './command-context.js';
import { execute } from './dispatch.js';
import {
  armFaults,
  beginApdu,
  distortResponse,
  takeTearBeforeResponse,
  takeWriteLimit,
  type FaultPlan,
  type FaultState,
} from './faults.js';
import { parseCardImage, type CardImage } from './image.js';

/** An ISO 7816-4 card in memory: files are bytes, commands are APDUs. */
export interface EmulatedCard {
  readonly atr: Uint8Array;
  /** Powers the card (again): returns the ATR, clears the security state and the current selection. */
  powerOn(): Uint8Array;
  powerOff(): void;
  /** True while the card is powered and has not been torn away. */
  readonly present: boolean;
  /**
   * Executes one command APDU and returns the response APDU with its status word. Rejects
   * with `CardRemovedError` when the card is not powered or a tear fault fires; after a
   * tear the card stays gone until `powerOn()`.
   */
  process(apdu: Uint8Array): Promise<Uint8Array>;
  /** A deep copy of the current content. */
  image(): CardImage;
  /** Replaces the fault plan (null: no faults). APDU indexes in the plan count from now. */
  setFaults(plan: FaultPlan | null): void;
  /** Replaces the behaviour switches (61xx chaining, 6Cxx answers). */
  setBehaviour(behaviour: CardBehaviour): void;
  readonly stats: { readonly apdus: number; readonly bytesWritten: number };
}

export interface EmulatedCardOptions extends CardBehaviour {
  /** Source of challenges and garbled answers; cryptographic randomness by default. */
  random?: (n: number) => Uint8Array;
  /** Called with a copy of the content after every change, a torn partial write included. */
  onWrite?: (image: CardImage) => void;
  /** Waits for fault delays; `setTimeout` by default. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultRandom = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createEmulatedCard(image: CardImage, options: EmulatedCardOptions = {}): EmulatedCard {
  const content = contentFromImage(parseCardImage(image));
  const random = options.random ?? defaultRandom;
  const sleep = options.sleep ?? defaultSleep;
  const session = newSession();
  const stats = { apdus: 0, bytesWritten: 0 };
  let behaviour: CardBehaviour = pickBehaviour(options);
  let faults: FaultState | null = null;
  let powered = false;
  let torn = false;
  let queue: Promise<unknown> = Promise.resolve();

  const snapshot = (): CardImage => imageFromContent(content);
  const persist = () => options.onWrite?.(snapshot());
  const resetSession = () => Object.assign(session, newSession());
  const tear = (why: string): CardRemovedError => {
    torn = true;
    resetSession();
    return new CardRemovedError(`the emulated card left the field ${why}`);
  };

  const write = (ef: EfState, offset: number, bytes: Uint8Array) => {
    const limit = takeWriteLimit(faults);
    const landed = limit === null ? bytes : bytes.subarray(0, Math.min(limit, bytes.length));
    ef.data.set(landed, offset);
    stats.bytesWritten += landed.length;
    persist();
    if (limit !== null) throw tear(`during UPDATE BINARY, after ${landed.length} of ${bytes.length} bytes`);
  };

  const ctx: CommandContext = {
    content,
    session,
    get behaviour() {
      return behaviour;
    },
    random,
    write,
    changed: persist,
  };

  async function processNow(apdu: Uint8Array): Promise<Uint8Array> {
    if (!powered || torn) throw new CardRemovedError(powered ? 'the emulated card is gone (torn); power it on again' : 'the emulated card is not powered');
    const plan = faults;
    const step = plan && beginApdu(plan);
    if (step?.tear) throw tear(`before APDU ${step.index}`);
    if (step && step.delayMs > 0) {
      await sleep(step.delayMs);
      if (!powered || torn) throw new CardRemovedError('the emulated card was removed while answering');
    }
    stats.apdus += 1;
    const reply: Reply = step?.statusWord != null ? { data: new Uint8Array(0), sw: step.statusWord } : execute(ctx, apdu);
    if (takeTearBeforeResponse(plan)) throw tear('before its response was sent');
    const raw = concat([reply.data, Uint8Array.of(reply.sw >> 8, reply.sw & 0xff)]);
    return step ? distortResponse(plan, step.index, raw, random) : raw;
  }

  return {
    get atr() {
      return content.atr.slice();
    },
    get present() {
      return powered && !torn;
    },
    get stats() {
      return { ...stats };
    },
    powerOn() {
      powered = true;
      torn = false;
      resetSession();
      return content.atr.slice();
    },
    powerOff() {
      powered = false;
      resetSession();
    },
    process(apdu) {
      const run = queue.then(() => processNow(apdu.slice()));
      queue = run.catch(() => undefined);
      return run;
    },
    image: snapshot,
    setFaults(plan) {
      faults = armFaults(plan);
    },
    setBehaviour(next) {
      behaviour = pickBehaviour(next);
    },
  };
}

function pickBehaviour(b: CardBehaviour): CardBehaviour {
  const chain = b.chainResponses;
  if (chain !== undefined && (!Number.isInteger(chain) || chain < 1 || chain > 256)) {
    throw new RangeError(`chainResponses must be 1..256 bytes per 61xx, got ${chain}`);
  }
  return {
    ...(chain === undefined ? {} : { chainResponses: chain }),
    ...(b.wrongLeAs6C === undefined ? {} : { wrongLeAs6C: b.wrongLeAs6C }),
  };
}
