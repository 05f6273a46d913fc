import type { CardChannel } from './channel.js';
import { ReaderError, ReaderUnavailableError } from './errors.js';
import type { ReaderBackend } from './monitor.js';
import { createPcscBackendWith, type PcscBackendOptions } from './pcsc-backend.js';
import { PCSCLITE_HINT } from './pcsc-errors.js';
import type { PcscLiteFactory, ReaderLogger } from './pcsc-types.js';

export type { PcscBackendOptions } from './pcsc-backend.js';

/** The optional dependency; held in a variable so the type-checker does not require it installed. */
const PCSCLITE_MODULE = 'pcsclite';

/**
 * Loads the `pcsclite` binding on first use. It is an optional dependency with a native part
 * built against libpcsclite, so it may be missing or unbuildable; that is reported as what to
 * install rather than as a module-resolution stack trace.
 */
export async function loadPcsclite(specifier: string = PCSCLITE_MODULE): Promise<PcscLiteFactory> {
  try {
    const mod = (await import(specifier)) as { default?: unknown };
    if (typeof mod.default !== 'function') throw new TypeError('pcsclite does not export a function');
    return mod.default as PcscLiteFactory;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ReaderUnavailableError(`the PC/SC binding \`${specifier}\` could not be loaded (${reason}); ${PCSCLITE_HINT}`, {
      cause: error,
    });
  }
}

/**
 * The real PC/SC backend. Nothing touches the binding until `start()`: it rejects with
 * `ReaderUnavailableError` when `pcsclite` cannot load; when pcscd is not running it resolves,
 * emits `backend-down` (whose error says how to start pcscd) and keeps retrying.
 */
export function createPcscBackend(options: PcscBackendOptions = {}): ReaderBackend {
  return createPcscBackendWith(() => loadPcsclite(), options);
}

export interface PcscOneShotOptions {
  logger?: ReaderLogger;
  /** How long to wait for the reader and a card on it. Default 10 s. */
  timeoutMs?: number;
  /** The binding loader; tests pass a simulated one. Default: the real `pcsclite`. */
  load?: () => Promise<PcscLiteFactory>;
}

/** How long a reader listing waits for pcscd to stop announcing readers. */
const LIST_SETTLE_MS = 200;

/** Names of the PC/SC readers attached now, for `fa card readers`. Rejects if pcscd is unreachable. */
export async function listPcscReaders(options: PcscOneShotOptions = {}): Promise<string[]> {
  const seen: string[] = [];
  let settle: () => void = () => undefined;
  const backend = createPcscBackendWith(options.load ?? (() => loadPcsclite()), {
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    readerFilter: (name) => {
      if (!seen.includes(name)) seen.push(name);
      settle();
      return false;
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let timer = setTimeout(resolve, LIST_SETTLE_MS);
      settle = () => {
        clearTimeout(timer);
        timer = setTimeout(resolve, LIST_SETTLE_MS);
      };
      backend.on('backend-down', ({ error }) => reject(error));
      backend.start().catch(reject);
    });
    return seen;
  } finally {
    await backend.stop();
  }
}

/** A card connected for one command-line operation; `close()` releases the reader. */
export interface PcscOneShot {
  readonly channel: CardChannel;
  readonly atr: Uint8Array;
  close(): Promise<void>;
}

/**
 * Waits for a card on the named reader and connects it, for one-shot use by `fa card ...`.
 * Fails fast, with what to do, if pcscd is unreachable, the reader is not there, or no card
 * arrives within `timeoutMs`.
 */
export async function openPcscChannel(readerName: string, options: PcscOneShotOptions = {}): Promise<PcscOneShot> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const seen: string[] = [];
  const backend = createPcscBackendWith(options.load ?? (() => loadPcsclite()), {
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    readerFilter: (name) => {
      if (!seen.includes(name)) seen.push(name);
      return name === readerName;
    },
  });
  try {
    return await new Promise<PcscOneShot>((resolve, reject) => {
      const timer = setTimeout(() => reject(waitFailure(readerName, seen, timeoutMs)), timeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      backend.on('card-present', ({ channel, atr }) => {
        clearTimeout(timer);
        resolve({ channel, atr, close: () => backend.stop() });
      });
      backend.on('backend-down', ({ error }) => fail(error));
      backend.on('error', ({ error }) => fail(error));
      backend.start().catch(fail);
    });
  } catch (error) {
    await backend.stop();
    throw error;
  }
}

function waitFailure(readerName: string, seen: readonly string[], timeoutMs: number): ReaderError {
  if (seen.includes(readerName)) {
    return new ReaderError(`no card on reader "${readerName}" within ${timeoutMs} ms: present a card and try again`);
  }
  const known = seen.length === 0 ? 'pcscd reports no reader at all (is it plugged in?)' : `readers: ${seen.map((n) => `"${n}"`).join(', ')}`;
  return new ReaderError(`reader "${readerName}" not found; ${known}`);
}
