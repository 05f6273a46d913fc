/** Builds the terminal's HTTP app from its parts: status, health, app routes, emulator routes. */
import type { CardContext } from '../free-area/index.js';
import type { Journal } from '../journal/index.js';
import type { ReaderBackend } from '../reader/monitor.js';
import type { EmulatorBackend, Wallet } from '../reader/emulator/index.js';
import { packageVersion } from './version.js';
import type { TerminalConfig } from './config.js';
import { createEmulatorRoutes } from './emulator-routes.js';
import { createTerminalHttp } from './http/app.js';
import type { EventHub } from './http/event-hub.js';
import type { TerminalMetrics } from './metrics.js';
import type { ReaderLoop } from './reader-loop.js';
import type { TerminalApp } from './taxi.js';

export interface HttpWiring {
  readonly config: TerminalConfig;
  readonly journal: Journal;
  readonly metrics: TerminalMetrics;
  readonly hub: EventHub;
  readonly token: string;
  readonly app: TerminalApp;
  readonly loop: ReaderLoop<unknown>;
  readonly backend: ReaderBackend;
  readonly wallet: Wallet | null;
  readonly card: CardContext;
  readonly startedAt: number;
  /** Extra status sections (sync adds its own). */
  readonly extraStatus?: () => Record<string, unknown>;
}

export function buildHttp(w: HttpWiring) {
  const emulatorMount = w.wallet
    ? [{ prefix: '/api/emulator', app: createEmulatorRoutes({ wallet: w.wallet, backend: w.backend as EmulatorBackend, loop: w.loop, card: w.card, defaultReader: w.config.reader.kind === 'emulator' ? (w.config.reader.readers[0] ?? '') : '' }) }]
    : [];
  const status = () => ({
    terminal: w.config.terminal,
    app: w.app.status(),
    readers: w.loop.readers(),
    readerService: w.loop.backendUp() ? 'up' : 'down',
    journal: { ...w.journal.syncState(), health: w.journal.health(), inDoubt: w.journal.openIntents().length, denyListVersion: w.journal.denyListVersion() },
    sync: { configured: w.config.sync !== undefined },
    versions: { software: packageVersion(), node: process.version, denyList: w.journal.denyListVersion(), config: w.journal.getMeta('config.version') ?? null },
    uptimeS: Math.round((Date.now() - w.startedAt) / 1000),
    ...(w.extraStatus?.() ?? {}),
  });
  const health = () => {
    const problems: string[] = [];
    const h = w.journal.health();
    if (!h.writable) problems.push(`journal not writable: ${h.reason ?? 'unknown'}`);
    if (!w.loop.backendUp()) problems.push('reader service down');
    if (w.loop.readers().every((r) => !r.attached)) problems.push('no reader attached');
    return { ok: problems.length === 0, problems };
  };
  return createTerminalHttp({
    token: w.token,
    journal: w.journal,
    metrics: w.metrics,
    hub: w.hub,
    status,
    health,
    mounts: [...w.app.mounts, ...emulatorMount],
    extend: (http) => {
      const page = w.app.page?.bind(w.app);
      if (!page) return;
      // The token is put in the page only when the service listens on loopback: then only this
      // device's own screen can load it. Otherwise the page asks for it once.
      const token = isLoopback(w.config.http.host) ? w.token : null;
      http.get('/', (c) => c.html(page({ token, emulator: w.wallet !== null })));
    },
    title: `fa terminal ${w.config.terminal.id}`,
  });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
