/**
 * A fresh, migrated database for one test file: PGlite in memory by default, or a new database on
 * a real PostgreSQL server when HUITONG_TEST_DATABASE_URL names one (CI does both). Dropped after.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/platform/db/database.js';
import { migrate } from '../../src/platform/db/migrations.js';

export interface TestDatabase {
  database: Database;
  /** The connection string of the test database on PostgreSQL; undefined on PGlite. */
  url: string | undefined;
  drop(): Promise<void>;
}

export const testServerUrl: string | undefined = process.env.HUITONG_TEST_DATABASE_URL || undefined;

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const { url, dropDatabase } = testServerUrl
    ? await createServerDatabase(testServerUrl)
    : { url: undefined, dropDatabase: async () => {} };
  const database = await openDatabase({ databaseUrl: url, poolSize: 5 });
  if (options.migrate ?? true) await migrate(database);
  return {
    database,
    url,
    async drop() {
      await database.close();
      await dropDatabase();
    },
  };
}

async function createServerDatabase(serverUrl: string) {
  const name = `huitong_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dropDatabase: () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`),
  };
}

async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
