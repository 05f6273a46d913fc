export { openSqliteStore } from './sqlite-store.js';
export type { SqliteStoreOptions } from './sqlite-store.js';
export { advanceMark, planIngest } from './plan.js';
export type { IngestInput, IngestPlan, SeqRange, StoredLink } from './plan.js';
export { forDialect, MIGRATIONS, placeholders } from './schema.js';
export type { Dialect, Migration } from './schema.js';
export { DEAD_LETTER_KEEP_BYTES } from './types.js';
export type * from './types.js';
