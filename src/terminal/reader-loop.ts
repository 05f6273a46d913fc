/**
 * Connects a reader backend to the app: every card that arrives is handed to the app's tap
 * handler, one at a time per reader. Keeps what the status page shows about readers.
 */
import type { CardChannel } from '../reader/channel.js';
import type { ReaderBackend } from '../reader/monitor.js';

export interface ReaderState {
  readonly name: string;
  attached: boolean;
  present: boolean;
  lastTapAt: number | null;
}

export interface ReaderLoop<T> {
  readers(): ReaderState[];
  /** The outcome of the tap in progress (or last) on a reader. */
  lastTap(reader: string): Promise<T> | undefined;
  /** Resolves when no tap is in progress. */
  idle(): Promise<void>;
  backendUp(): boolean;
}

export interface ReaderLoopOptions<T> {
  readonly backend: ReaderBackend;
  readonly handle: (channel: CardChannel, reader: string) => Promise<T>;
  readonly now: () => number;
  readonly logger: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
  readonly onChange?: () => void;
}

export function attachReaderLoop<T>(options: ReaderLoopOptions<T>): ReaderLoop<T> {
  const { backend, logger } = options;
  const states = new Map<string, ReaderState>();
  const taps = new Map<string, Promise<T>>();
  let up = true;
  const state = (name: string): ReaderState => {
    let s = states.get(name);
    if (!s) states.set(name, (s = { name, attached: true, present: false, lastTapAt: null }));
    return s;
  };
  const changed = () => options.onChange?.();

  backend.on('reader-attached', ({ reader }) => {
    state(reader).attached = true;
    logger.info({ reader }, 'reader attached');
    changed();
  });
  backend.on('reader-detached', ({ reader }) => {
    Object.assign(state(reader), { attached: false, present: false });
    logger.warn({ reader }, 'reader detached');
    changed();
  });
  backend.on('card-present', ({ reader, channel }) => {
    const s = state(reader);
    s.present = true;
    s.lastTapAt = options.now();
    const tap = options.handle(channel, reader);
    taps.set(reader, tap);
    tap.catch((error: unknown) => logger.error({ err: error, reader }, 'tap handler failed'));
    changed();
  });
  backend.on('card-removed', ({ reader }) => {
    state(reader).present = false;
    changed();
  });
  backend.on('backend-down', ({ error, retryInMs }) => {
    up = false;
    logger.error({ err: error, retryInMs }, 'reader service lost; retrying');
    changed();
  });
  backend.on('backend-up', () => {
    up = true;
    logger.info({}, 'reader service back');
    changed();
  });
  backend.on('error', ({ reader, error }) => logger.warn({ err: error, reader }, 'reader error'));
  for (const name of backend.readers()) state(name);

  return {
    readers: () => [...states.values()].map((s) => ({ ...s })),
    lastTap: (reader) => taps.get(reader),
    idle: async () => {
      await Promise.allSettled([...taps.values()]);
    },
    backendUp: () => up,
  };
}
