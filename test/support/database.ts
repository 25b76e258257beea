/**
 * A fresh, migrated database for one test file: PGlite in memory by default, or a new database on
 * a real PostgreSQL server when HUITONG_TEST_DATABASE_URL names one (CI does both). Dropped after.
 *
 * A new PGlite runs initdb (about 2 s of CPU) and then the migrations; with ~100 test files that was
 * minutes of every run. So PGlite test databases start from a dump of a fresh (or freshly migrated)
 * one, made once and kept under node_modules/.cache keyed by PGlite's version and the migrations'
 * text: a changed migration makes a new dump, and `migrate` still runs over it (then a no-op).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/platform/db/database.js';
import { MIGRATIONS_DIR, migrate } from '../../src/platform/db/migrations.js';

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
  const migrated = options.migrate ?? true;
  const initialData = url ? undefined : await pgliteDump(migrated);
  const database = await openDatabase({ databaseUrl: url, poolSize: 5, initialData });
  if (migrated) await migrate(database);
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

const dumps = new Map<boolean, Promise<Blob>>();

/** A dump of a new PGlite database, migrated or not: from the cache, or made and cached now. */
function pgliteDump(migrated: boolean): Promise<Blob> {
  let dump = dumps.get(migrated);
  if (!dump) {
    dump = loadOrMakeDump(migrated);
    dumps.set(migrated, dump);
  }
  return dump;
}

async function loadOrMakeDump(migrated: boolean): Promise<Blob> {
  const file = path.join(DUMP_DIR, `pglite-${await dumpKey(migrated)}.tar`);
  const cached = await readFile(file).catch(() => undefined);
  if (cached) return new Blob([cached]);
  // Made on disk, so the platform's own open and migrate make it, then dumped by PGlite itself.
  const dataDir = await mkdtemp(path.join(tmpdir(), 'huitong-test-dump-'));
  try {
    const database = await openDatabase({ dataDir });
    if (migrated) await migrate(database);
    await database.close();
    const pglite = await PGlite.create(path.join(dataDir, 'pgdata'));
    const dump = await pglite.dumpDataDir('none');
    await pglite.close();
    // Written aside and renamed: a parallel worker never reads half a file.
    await mkdir(DUMP_DIR, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
    return dump;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const DUMP_DIR = path.resolve('node_modules/.cache/huitong-tests');

async function dumpKey(migrated: boolean): Promise<string> {
  const hash = createHash('sha256');
  const { version } = JSON.parse(
    await readFile(path.resolve('node_modules/@electric-sql/pglite/package.json'), 'utf8'),
  ) as { version: string };
  hash.update(`pglite ${version} migrated ${migrated}\n`);
  if (migrated) {
    for (const name of (await readdir(MIGRATIONS_DIR)).sort()) {
      hash.update(name);
      hash.update(await readFile(path.join(MIGRATIONS_DIR, name)));
    }
  }
  return hash.digest('hex').slice(0, 16);
}
