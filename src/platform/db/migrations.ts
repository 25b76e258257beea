/**
 * Schema migrations: numbered SQL files in `migrations/` (`0001-platform.sql`, `0002-directory.sql`, …),
 * the same files on PGlite and PostgreSQL. Applied in order, all pending ones in one transaction under
 * an advisory lock, so two processes starting together apply each migration once. An applied file
 * that has since been edited is refused: history is not rewritten, a new migration is added instead.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { ConflictError } from '../errors.js';
import type { Database, Executor } from './database.js';

/** The repository's `migrations/` folder, the same from `src/` (tests) and `dist/` (built). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

const FILE_NAME = /^(\d{4})-([a-z0-9-]+)\.sql$/;

export interface Migration {
  version: string;
  name: string;
  checksum: string;
  sql: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_NAME.exec(file);
    if (!match) throw new Error(`migration file ${file} must be named NNNN-name.sql`);
    const text = await readFile(`${dir}/${file}`, 'utf8');
    migrations.push({
      version: match[1]!,
      name: match[2]!,
      checksum: createHash('sha256').update(text).digest('hex'),
      sql: text,
    });
  }
  const versions = new Set(migrations.map((m) => m.version));
  if (versions.size !== migrations.length) throw new Error('two migration files share a number');
  return migrations;
}

/**
 * Applies every pending migration.
 * @param onApplied called after each one, for a progress bar
 */
export async function migrate(
  database: Database,
  options: { dir?: string; onApplied?: (migration: Migration, index: number, total: number) => void } = {},
): Promise<MigrationReport> {
  const migrations = await readMigrations(options.dir);
  return database.transaction(async (tx) => {
    // Two app processes starting against one PostgreSQL: the second waits here, then finds nothing to do.
    await sql`select pg_advisory_xact_lock(hashtext('huitong.migrate'))`.execute(tx);
    await ensureLedger(tx);
    const applied = await appliedChecksums(tx);
    const pending = migrations.filter((m) => !applied.has(m.version));
    checkHistory(migrations, applied);
    for (const [index, migration] of pending.entries()) {
      await sql.raw(migration.sql).execute(tx);
      await sql`insert into platform.schema_migration (version, name, checksum)
                values (${migration.version}, ${migration.name}, ${migration.checksum})`.execute(tx);
      options.onApplied?.(migration, index + 1, pending.length);
    }
    return { applied: pending.map((m) => `${m.version}-${m.name}`), alreadyApplied: applied.size };
  });
}

/**
 * The migrations present on disk but not applied to the database: none when it is ready to serve.
 * Pass the migrations read once at start to keep a frequent caller (the readiness probe) off the disk.
 */
export async function pendingMigrations(
  database: Database,
  migrations: Migration[] | Promise<Migration[]> = readMigrations(),
): Promise<string[]> {
  const known = await migrations;
  const ledger = await sql<{
    exists: boolean;
  }>`select to_regclass('platform.schema_migration') is not null as exists`.execute(database.kysely);
  if (!ledger.rows[0]?.exists) return known.map((m) => `${m.version}-${m.name}`);
  const applied = await appliedChecksums(database.kysely);
  return known.filter((m) => !applied.has(m.version)).map((m) => `${m.version}-${m.name}`);
}

async function ensureLedger(executor: Executor): Promise<void> {
  await sql`create schema if not exists platform`.execute(executor);
  await sql`create table if not exists platform.schema_migration (
      version text primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`.execute(executor);
}

async function appliedChecksums(executor: Executor): Promise<Map<string, string>> {
  const result = await sql<{ version: string; checksum: string }>`
    select version, checksum from platform.schema_migration`.execute(executor);
  return new Map(result.rows.map((row) => [row.version, row.checksum]));
}

function checkHistory(migrations: Migration[], applied: Map<string, string>): void {
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const [version, checksum] of applied) {
    const migration = known.get(version);
    if (!migration) continue; // applied by a newer build: tolerated, so a rollback of the code still starts
    if (migration.checksum !== checksum) {
      throw new ConflictError('db.migration_changed', { migration: `${version}-${migration.name}` });
    }
  }
}
