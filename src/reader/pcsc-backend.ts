import type { ReaderBackend, ReaderEventName, ReaderEvents, ReaderListener } from './monitor.js';
import { createBackoff, DEFAULT_BACKOFF, type Backoff, type BackoffOptions } from './pcsc-backoff.js';
import { createTypedEmitter, type TypedEmitter } from './pcsc-emitter.js';
import { classifyPcscError } from './pcsc-errors.js';
import { watchPcscReader, type ReaderWatcher } from './pcsc-reader.js';
import { closeLater, silentLogger, type PcscLiteContext, type PcscLiteFactory, type PcscLiteReader, type ReaderLogger } from './pcsc-types.js';
import { ReaderUnavailableError } from './errors.js';

export interface PcscBackendOptions {
  logger?: ReaderLogger;
  /** Readers to watch; others are released at once. Default: all. */
  readerFilter?: (name: string) => boolean;
  /** Delays between attempts to reach pcscd again after it went away. */
  backoff?: BackoffOptions;
  /** Source of jitter; injected by tests that need fixed delays. */
  random?: () => number;
}

type Phase = 'idle' | 'up' | 'down' | 'stopped';

/**
 * A `ReaderBackend` over one PC/SC context at a time. The binding's context dies for good when
 * pcscd stops (its watcher thread exits after the first RPC error), so recovery is a new context
 * after a backoff delay; readers and cards already present are then reported again.
 */
class PcscBackend implements ReaderBackend {
  private readonly events: TypedEmitter<ReaderEvents>;
  private readonly logger: ReaderLogger;
  private readonly backoff: Backoff;
  private readonly watchers = new Map<string, ReaderWatcher>();
  /**
   * Readers the filter leaves out, closed with their context. Closing one inside the binding's
   * 'reader' event, while its status thread is starting, leaves a native handle that keeps the
   * process from exiting after stop().
   */
  private ignored: PcscLiteReader[] = [];
  private context: PcscLiteContext | undefined;
  private retry: NodeJS.Timeout | undefined;
  private phase: Phase = 'idle';
  private starting: Promise<void> | undefined;

  constructor(
    private readonly load: () => Promise<PcscLiteFactory>,
    private readonly options: PcscBackendOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.events = createTypedEmitter<ReaderEvents>(this.logger);
    this.backoff = createBackoff(options.backoff ?? DEFAULT_BACKOFF, options.random);
  }

  on<K extends ReaderEventName>(name: K, listener: ReaderListener<K>): this {
    this.events.on(name, listener);
    return this;
  }

  off<K extends ReaderEventName>(name: K, listener: ReaderListener<K>): this {
    this.events.off(name, listener);
    return this;
  }

  readers(): string[] {
    return [...this.watchers.keys()];
  }

  start(): Promise<void> {
    this.starting ??= this.load().then((factory) => {
      if (this.phase === 'stopped') return;
      this.openContext(factory);
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    this.phase = 'stopped';
    clearTimeout(this.retry);
    await this.starting?.catch(() => undefined);
    await this.closeContext();
  }

  private emit<K extends ReaderEventName>(name: K, event: ReaderEvents[K]): void {
    if (this.phase === 'stopped') return;
    if (name === 'error' && this.events.count('error') === 0) {
      this.logger.warn({ err: (event as ReaderEvents['error']).error }, 'reader error with no listener');
      return;
    }
    this.events.emit(name, event);
  }

  private openContext(factory: PcscLiteFactory): void {
    let context: PcscLiteContext;
    try {
      context = factory();
    } catch (error) {
      this.goDown(classifyPcscError(error, { operation: 'context' }), factory);
      return;
    }
    this.context = context;
    context.on('error', (error) => this.goDown(classifyPcscError(error, { operation: 'context' }), factory, context));
    context.on('reader', (reader) => this.attach(reader, factory));
    const recovered = this.phase === 'down';
    this.phase = 'up';
    this.backoff.reset();
    this.logger.info({}, recovered ? 'PC/SC service reachable again' : 'PC/SC service reachable');
    if (recovered) this.emit('backend-up', {});
  }

  /** The context is dead: report every card and reader gone, then try again after a delay. */
  private goDown(error: Error, factory: PcscLiteFactory, context?: PcscLiteContext): void {
    if (this.phase === 'stopped' || (context !== undefined && context !== this.context)) return;
    const firstFailure = this.phase !== 'down';
    this.phase = 'down';
    const delay = this.backoff.next();
    void this.closeContext(true).then(() => {
      if (this.phase !== 'down') return;
      this.logger[firstFailure ? 'warn' : 'debug']({ err: error, retryInMs: delay }, 'PC/SC service unreachable, retrying');
      this.emit('backend-down', { error, retryInMs: delay });
      this.retry = setTimeout(() => {
        if (this.phase === 'down') this.openContext(factory);
      }, delay);
    });
  }

  private async closeContext(report = false): Promise<void> {
    const context = this.context;
    this.context = undefined;
    const watchers = [...this.watchers.values()];
    this.watchers.clear();
    const ignored = this.ignored;
    this.ignored = [];
    const closingIgnored = Promise.all(ignored.map((reader) => this.close(reader, 'an ignored reader')));
    for (const watcher of watchers) {
      const hadCard = watcher.hasCard;
      await watcher.detach();
      if (report && hadCard) this.emit('card-removed', { reader: watcher.name });
      if (report) this.emit('reader-detached', { reader: watcher.name });
    }
    await closingIgnored;
    if (context === undefined) return;
    context.removeAllListeners('reader');
    await this.close(context, 'a dead PC/SC context');
  }

  private async close(handle: PcscLiteReader | PcscLiteContext, what: string): Promise<void> {
    await closeLater(handle).catch((error: unknown) => this.logger.debug({ err: error }, `closing ${what} failed`));
  }

  private attach(reader: PcscLiteReader, factory: PcscLiteFactory): void {
    const name = reader.name;
    if (this.phase !== 'up') {
      reader.on('error', () => undefined);
      void this.close(reader, 'a reader that came while the service was away');
      return;
    }
    if (this.options.readerFilter?.(name) === false) {
      reader.on('error', () => undefined);
      this.ignored.push(reader);
      return;
    }
    void this.watchers.get(name)?.detach();
    const watcher = watchPcscReader(reader, this.sink(name, factory), this.logger);
    this.watchers.set(name, watcher);
    this.logger.info({ reader: name }, 'reader attached');
    this.emit('reader-attached', { reader: name });
  }

  private sink(name: string, factory: PcscLiteFactory) {
    return {
      cardPresent: (atr: Uint8Array, channel: ReaderEvents['card-present']['channel']) =>
        this.emit('card-present', { reader: name, atr, channel }),
      cardRemoved: () => this.emit('card-removed', { reader: name }),
      error: (error: Error) => this.emit('error', { reader: name, error }),
      ended: (lastError: Error | undefined) => {
        this.watchers.delete(name);
        this.logger.info({ reader: name }, 'reader detached');
        this.emit('reader-detached', { reader: name });
        // Usually the context reports a dead pcscd itself; this covers a reader that hears it first.
        if (lastError instanceof ReaderUnavailableError) this.goDown(lastError, factory, this.context);
      },
    };
  }
}

/** A PC/SC backend over an already chosen binding loader (see `createPcscBackend` in `pcsc.ts`). */
export function createPcscBackendWith(load: () => Promise<PcscLiteFactory>, options: PcscBackendOptions = {}): ReaderBackend {
  return new PcscBackend(load, { ...options });
}
