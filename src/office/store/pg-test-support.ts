import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore } from './pg-store.js';
import type { OfficeStore } from './types.js';

/** The CI database (trust auth); `FA_TEST_POSTGRES` overrides it. */
export const TEST_POSTGRES_URL = process.env['FA_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A store in a schema of its own (`fa_<random>`), dropped again on `close()`, so test runs
 * never see each other's rows. A PostgreSQL that cannot be reached is an error, never a skip.
 */
export async function openTestPostgresStore(options: { url?: string; max?: number } = {}): Promise<OfficeStore> {
  const url = options.url ?? TEST_POSTGRES_URL;
  const schema = `fa_${randomBytes(6).toString('hex')}`;
  let store: OfficeStore;
  try {
    store = await openPostgresStore({ connectionString: url, schema, max: options.max ?? 4 });
  } catch (error) {
    throw new Error(`PostgreSQL at ${url} is needed for this test (CI starts it; locally: a server with trust auth and database "test"): ${(error as Error).message}`, { cause: error });
  }
  return { ...store, close: async () => {
    await store.close();
    await dropSchema(url, schema);
  } };
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
