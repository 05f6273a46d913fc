import type { CardChannel } from './channel.js';

/** What a reader backend reports. Every event names its reader. */
export interface ReaderEvents {
  'reader-attached': { reader: string };
  'reader-detached': { reader: string };
  /** A card entered the field and was connected; `channel` is valid until `card-removed`. */
  'card-present': { reader: string; atr: Uint8Array; channel: CardChannel };
  'card-removed': { reader: string };
  /** The backend lost its service (e.g. pcscd stopped) and is retrying with backoff. */
  'backend-down': { error: Error; retryInMs: number };
  'backend-up': Record<string, never>;
  /** A failure that did not stop the backend (a reader that could not be connected, say). */
  'error': { reader?: string; error: Error };
}

export type ReaderEventName = keyof ReaderEvents;
export type ReaderListener<K extends ReaderEventName> = (event: ReaderEvents[K]) => void;

/** A source of cards: PC/SC, the in-process emulator, or anything else that yields channels. */
export interface ReaderBackend {
  on<K extends ReaderEventName>(name: K, listener: ReaderListener<K>): this;
  off<K extends ReaderEventName>(name: K, listener: ReaderListener<K>): this;
  /** Begins watching readers. Events may fire before the promise settles. */
  start(): Promise<void>;
  /** Stops watching and releases every reader; no event fires after it resolves. */
  stop(): Promise<void>;
  /** Names of the readers attached right now. */
  readers(): string[];
}
