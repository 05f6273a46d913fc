export { openJournal } from './open.js';
export type { JournalOptions } from './open.js';
export { RESERVED_EVENT_TYPES } from './journal.js';
export type { Journal } from './journal.js';
export { canonicalJson, eventHash, verifyChain, GENESIS_HASH } from './hash.js';
export type { ChainedEvent, HashedEvent } from './hash.js';
export { SCHEMA_VERSION } from './migrations.js';
export {
  AckBeyondJournalError,
  DenyListVersionError,
  IntentResolvedError,
  JournalError,
  JournalOwnerError,
  JournalSchemaError,
  JournalUnavailableError,
  UnknownIntentError,
} from './errors.js';
export type * from './types.js';
