export { createIngest } from './ingest.js';
export type { Ingest, IngestHooks, IngestOptions, IngestStats } from './ingest.js';
export { createDownlinkPublisher } from './downlink-publisher.js';
export type { DownlinkPublisher, DownlinkPublisherOptions } from './downlink-publisher.js';
export { startOfficeSync } from './office-sync.js';
export type { OfficeSync, OfficeSyncOptions } from './office-sync.js';
