/**
 * The terminal's link to the office: the journal's outbox goes up, deny-list, configuration
 * and issuer keys come down. With no broker configured nothing connects and the journal queues.
 */
import type { Logger } from 'pino';
import { ed25519PublicKey, type KeyStore } from '../free-area/index.js';
import type { Journal } from '../journal/index.js';
// Direct module imports, not the sync index: a terminal never needs the demo broker (aedes).
import { appliedIssuerKeys } from '../sync/downlink.js';
import type { IssuerKey } from '../sync/schemas.js';
import { createTerminalSync, type TerminalSync } from '../sync/terminal-sync.js';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { appConfigSchema, type TerminalConfig } from './config.js';
import { packageVersion } from './version.js';

export type AppConfig = TerminalConfig['app'];

export function startTerminalSync(config: TerminalConfig, journal: Journal, logger: Logger, onAppConfig: (app: AppConfig, version: number) => void): TerminalSync<AppConfig> {
  const sync = config.sync;
  return createTerminalSync<AppConfig>({
    broker: sync
      ? {
          url: sync.url,
          protocolVersion: sync.protocolVersion,
          rejectUnauthorized: true,
          keepaliveSec: 30,
          connectTimeoutMs: 10_000,
          clientId: `${config.terminal.org}.${config.terminal.id}`,
          ...(sync.username === undefined ? {} : { username: sync.username }),
          ...(sync.password === undefined ? {} : { password: sync.password }),
          ...(sync.tls ? { ca: sync.tls.ca, cert: sync.tls.cert, key: sync.tls.key } : {}),
        }
      : undefined,
    org: config.terminal.org,
    terminal: config.terminal.id,
    prefix: sync?.prefix ?? 'fa/v1',
    journal,
    configSchema: appConfigSchema as never,
    softwareVersion: packageVersion(),
    uplink: { batchSize: sync?.batchSize ?? 500, ...(sync && sync.ratePerSecond > 0 ? { maxEventsPerSecond: sync.ratePerSecond } : {}) },
    onConfig: (app, version) => {
      logger.info({ version, app: app.kind }, 'configuration from the office applied');
      onAppConfig(app, version);
    },
    onKeys: (keys, version) => logger.info({ version, keys: keys.map((k) => k.version) }, 'issuer public keys from the office applied'),
    logger,
  });
}

/**
 * The terminal's key store plus the issuer public keys the office published through the
 * downlink (stored in the journal), so a key rotation reaches terminals without a visit.
 */
export function withPublishedIssuerKeys(base: KeyStore, journal: Pick<Journal, 'getMeta'>): KeyStore {
  let cachedFor: string | undefined;
  let cached = new Map<number, KeyObject>();
  const published = (): Map<number, KeyObject> => {
    const applied = appliedIssuerKeys(journal);
    const fingerprint = applied ? JSON.stringify(applied.keys) : '';
    if (fingerprint !== cachedFor) {
      cachedFor = fingerprint;
      cached = new Map((applied?.keys ?? []).map((k) => [k.version, publicKeyOf(k)]));
    }
    return cached;
  };
  return {
    currentMacKeyVersion: base.currentMacKeyVersion,
    currentAuthKeyVersion: base.currentAuthKeyVersion,
    issuerPublicKey(version) {
      return published().get(version) ?? base.issuerPublicKey(version);
    },
    macKeyFor: (cardId, version) => base.macKeyFor(cardId, version),
    authKeyFor: (cardId, version) => base.authKeyFor(cardId, version),
    versions: () => base.versions(),
  };
}

function publicKeyOf(key: IssuerKey): KeyObject {
  return key.publicKey.startsWith('-----') ? createPublicKey(key.publicKey) : ed25519PublicKey(Buffer.from(key.publicKey, 'hex'));
}
