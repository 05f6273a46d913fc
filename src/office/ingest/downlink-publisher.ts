import type { MqttClient } from 'mqtt';
import {
  configMessageSchema,
  DEFAULT_PREFIX,
  denyListDeltaSchema,
  denyListSnapshotSchema,
  issuerKeysSchema,
  orgTopics,
  SCHEMA_VERSION,
  terminalTopics,
} from '../../sync/index.js';
import type { DenyListDelta, DenyListSnapshot, IssuerKeys, JsonValue } from '../../sync/index.js';

export interface DownlinkPublisherOptions {
  readonly client: MqttClient;
  readonly prefix?: string;
}

type Unversioned<T> = Omit<T, 'v'>;

export interface DownlinkPublisher {
  /** The whole deny-list, retained: what a terminal gets on every (re)connect. */
  publishDenyList(snapshot: Unversioned<DenyListSnapshot>): Promise<void>;
  /** A change for connected terminals; publish the new snapshot too, for the others. */
  publishDenyDelta(delta: Unversioned<DenyListDelta>): Promise<void>;
  publishConfig(org: string, terminal: string, version: number, config: JsonValue): Promise<void>;
  publishIssuerKeys(org: string, keys: Unversioned<IssuerKeys>): Promise<void>;
}

/**
 * The office's downlink: every message is checked against its schema before it leaves, so
 * the office cannot publish what terminals would refuse for its shape.
 */
export function createDownlinkPublisher(options: DownlinkPublisherOptions): DownlinkPublisher {
  const { client } = options;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const send = async (topic: string, body: unknown, retain: boolean): Promise<void> => {
    await client.publishAsync(topic, JSON.stringify(body), { qos: 1, retain });
  };
  return {
    publishDenyList: (snapshot) =>
      send(orgTopics(prefix, snapshot.org).denyList, denyListSnapshotSchema.parse({ ...snapshot, v: SCHEMA_VERSION }), true),
    publishDenyDelta: (delta) => send(orgTopics(prefix, delta.org).denyDelta, denyListDeltaSchema.parse({ ...delta, v: SCHEMA_VERSION }), false),
    publishConfig: (org, terminal, version, config) =>
      send(terminalTopics(prefix, org, terminal).config, configMessageSchema.parse({ v: SCHEMA_VERSION, version, config }), true),
    publishIssuerKeys: (org, keys) => send(orgTopics(prefix, org).keys, issuerKeysSchema.parse({ ...keys, v: SCHEMA_VERSION }), true),
  };
}
