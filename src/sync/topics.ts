/**
 * The topic tree of docs/sync-protocol.md. Identifiers are checked by the schemas
 * (`topicIdSchema`) before they reach a topic, so no wildcard or separator can sneak in.
 */
export const DEFAULT_PREFIX = 'fa/v1';

export interface TerminalTopics {
  readonly events: string;
  readonly ack: string;
  readonly config: string;
  readonly status: string;
  readonly report: string;
  readonly denyList: string;
  readonly denyDelta: string;
  readonly keys: string;
}

export function terminalTopics(prefix: string, org: string, terminal: string): TerminalTopics {
  const t = `${prefix}/${org}/${terminal}`;
  return {
    events: `${t}/events`,
    ack: `${t}/ack`,
    config: `${t}/config`,
    status: `${t}/status`,
    report: `${t}/report`,
    ...orgTopics(prefix, org),
  };
}

export interface OrgTopics {
  readonly denyList: string;
  readonly denyDelta: string;
  readonly keys: string;
}

export function orgTopics(prefix: string, org: string): OrgTopics {
  return { denyList: `${prefix}/${org}/denylist`, denyDelta: `${prefix}/${org}/denylist/delta`, keys: `${prefix}/${org}/keys` };
}

/** What the office subscribes to; with a group, an MQTT 5 shared subscription. */
export function officeSubscriptions(prefix: string, group?: string): { events: string; status: string; report: string } {
  const share = (topic: string): string => (group === undefined ? topic : `$share/${group}/${topic}`);
  return { events: share(`${prefix}/+/+/events`), status: share(`${prefix}/+/+/status`), report: share(`${prefix}/+/+/report`) };
}

export type TerminalChannel = 'events' | 'status' | 'report';

/** Splits `{prefix}/{org}/{terminal}/{channel}`; anything else is `undefined`. */
export function parseTerminalTopic(prefix: string, topic: string): { org: string; terminal: string; channel: TerminalChannel } | undefined {
  if (!topic.startsWith(`${prefix}/`)) return undefined;
  const parts = topic.slice(prefix.length + 1).split('/');
  if (parts.length !== 3) return undefined;
  const [org, terminal, channel] = parts as [string, string, string];
  if (org === '' || terminal === '') return undefined;
  if (channel !== 'events' && channel !== 'status' && channel !== 'report') return undefined;
  return { org, terminal, channel };
}
