import { randomBytes } from 'node:crypto';
import { CardRemovedError } from '../errors.js';
import { concat } from '../iso7816.js';
import { contentFromImage, imageFromContent, newSession, type CardContent, type EfState, type Session } from './card-state.js';
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

/** The mutable state of one card: content, session, power and the fault plan being played. */
interface CardRuntime {
  readonly content: CardContent;
  readonly session: Session;
  readonly stats: { apdus: number; bytesWritten: number };
  readonly random: (n: number) => Uint8Array;
  readonly sleep: (ms: number) => Promise<void>;
  readonly persist: () => void;
  behaviour: CardBehaviour;
  faults: FaultState | null;
  powered: boolean;
  torn: boolean;
}

export function createEmulatedCard(image: CardImage, options: EmulatedCardOptions = {}): EmulatedCard {
  const content = contentFromImage(parseCardImage(image));
  const snapshot = (): CardImage => imageFromContent(content);
  const rt: CardRuntime = {
    content,
    session: newSession(),
    stats: { apdus: 0, bytesWritten: 0 },
    random: options.random ?? defaultRandom,
    sleep: options.sleep ?? defaultSleep,
    persist: () => options.onWrite?.(snapshot()),
    behaviour: pickBehaviour(options),
    faults: null,
    powered: false,
    torn: false,
  };
  const ctx = commandContext(rt);
  let queue: Promise<unknown> = Promise.resolve();

  return {
    get atr() {
      return content.atr.slice();
    },
    get present() {
      return rt.powered && !rt.torn;
    },
    get stats() {
      return { ...rt.stats };
    },
    powerOn() {
      rt.powered = true;
      rt.torn = false;
      Object.assign(rt.session, newSession());
      return content.atr.slice();
    },
    powerOff() {
      rt.powered = false;
      Object.assign(rt.session, newSession());
    },
    process(apdu) {
      // One APDU at a time, as on a real contact or contactless link.
      const run = queue.then(() => processApdu(rt, ctx, apdu.slice()));
      queue = run.catch(() => undefined);
      return run;
    },
    image: snapshot,
    setFaults(plan) {
      rt.faults = armFaults(plan);
    },
    setBehaviour(next) {
      rt.behaviour = pickBehaviour(next);
    },
  };
}

function commandContext(rt: CardRuntime): CommandContext {
  return {
    content: rt.content,
    session: rt.session,
    get behaviour() {
      return rt.behaviour;
    },
    random: rt.random,
    write: (ef, offset, bytes) => writeEf(rt, ef, offset, bytes),
    changed: rt.persist,
  };
}

async function processApdu(rt: CardRuntime, ctx: CommandContext, apdu: Uint8Array): Promise<Uint8Array> {
  if (!rt.powered) throw new CardRemovedError('the emulated card is not powered');
  if (rt.torn) throw new CardRemovedError('the emulated card is gone (torn); power it on again');
  const plan = rt.faults;
  const step = plan && beginApdu(plan);
  if (step?.tear) throw tear(rt, `before APDU ${step.index} of the fault plan`);
  if (step && step.delayMs > 0) {
    await rt.sleep(step.delayMs);
    if (!rt.powered || rt.torn) throw new CardRemovedError('the emulated card was removed while answering');
  }
  rt.stats.apdus += 1;
  const reply: Reply = step?.statusWord != null ? { data: new Uint8Array(0), sw: step.statusWord } : execute(ctx, apdu);
  if (takeTearBeforeResponse(plan)) throw tear(rt, 'before its response was sent');
  const raw = concat([reply.data, Uint8Array.of(reply.sw >> 8, reply.sw & 0xff)]);
  return step ? distortResponse(plan, step.index, raw, rt.random) : raw;
}

/** Lands the bytes, or only the prefix a `tearAfterBytes` fault allows, persisting either way. */
function writeEf(rt: CardRuntime, ef: EfState, offset: number, bytes: Uint8Array): void {
  const limit = takeWriteLimit(rt.faults);
  const landed = limit === null ? bytes : bytes.subarray(0, Math.min(limit, bytes.length));
  ef.data.set(landed, offset);
  rt.stats.bytesWritten += landed.length;
  rt.persist();
  if (limit !== null) throw tear(rt, `during UPDATE BINARY, after ${landed.length} of ${bytes.length} bytes`);
}

function tear(rt: CardRuntime, why: string): CardRemovedError {
  rt.torn = true;
  Object.assign(rt.session, newSession());
  return new CardRemovedError(`the emulated card left the field ${why}`);
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
