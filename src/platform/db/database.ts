/**
 * The platform's one storage handle: PGlite by default (embedded, under the data dir), PostgreSQL
 * when DATABASE_URL is set. Both speak the same SQL through Kysely; each module views the handle
 * through its own table types with `tablesOf`.
 */
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { type DataDirLock, lockDataDir } from './data-dir-lock.js';
import { PGliteDialect } from './pglite-dialect.js';

// biome-ignore lint/suspicious/noExplicitAny: the shared handle is untyped; modules type it with `tablesOf`.
export type AnyKysely = Kysely<any>;

/** A query executor: the database handle or a transaction. Repositories take one of these. */
export type Executor = AnyKysely;

export type Engine = 'pglite' | 'postgres';

export interface Database {
  readonly engine: Engine;
  readonly kysely: AnyKysely;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Transaction<unknown>) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent, PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite's home; absent means in memory (tests). */
  dataDir?: string | undefined;
  /** Connections in the PostgreSQL pool. */
  poolSize?: number;
  /**
   * PGlite only: a data directory dumped by PGlite (`dumpDataDir`) to start a new database from,
   * instead of running initdb (about 2 s of CPU). Test databases start from a migrated dump this way.
   */
  initialData?: Blob | undefined;
}

/**
 * Views a handle through a module's table types.
 * @example const db = tablesOf<DirectoryTables>(database.kysely);
 */
export function tablesOf<Tables>(executor: AnyKysely | Transaction<unknown>): Kysely<Tables> {
  return executor as unknown as Kysely<Tables>;
}

/**
 * Runs `work` in the caller's transaction, or in a new one when the caller has none, so a service
 * can be called alone or as one step of a larger command.
 * @example await inTransaction(executor, async (tx) => { await insertThing(tx); await recordAudit(tx, entry); });
 */
export function inTransaction<T>(executor: Executor, work: (tx: Executor) => Promise<T>): Promise<T> {
  return executor.isTransaction ? work(executor) : executor.transaction().execute(work);
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : openPGlite(options.dataDir, options.initialData);
}

async function openPostgres(databaseUrl: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    // No JIT: the platform's queries are short, and the planner prices some of them (a queue walked in
    // order over a deep backlog) above the JIT threshold, then spends ~45 ms compiling a query that
    // reads a few hundred index entries. Server-wide settings are the operator's; this is per session.
    options: '-c jit=off',
    // bigint as number, as PGlite returns it: ids and counts stay far below 2^53.
    types: { getTypeParser: (oid, format) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format)) },
  });
  // An idle connection can die under the pool (server restart, an administrator's terminate): the pool
  // drops it and the next query gets a fresh one. Without a listener that error would end the process.
  pool.on('error', () => {});
  const kysely: AnyKysely = new Kysely({ dialect: new PostgresDialect({ pool }) });
  return wrap('postgres', kysely, async () => {
    await kysely.destroy();
  });
}

async function openPGlite(dataDir: string | undefined, initialData: Blob | undefined): Promise<Database> {
  let lock: DataDirLock | undefined;
  if (dataDir) lock = await lockDataDir(dataDir);
  try {
    const options = initialData ? { loadDataDir: initialData } : {};
    const pglite = dataDir ? new PGlite(path.join(dataDir, 'pgdata'), options) : new PGlite(options);
    await pglite.waitReady;
    const kysely: AnyKysely = new Kysely({ dialect: new PGliteDialect(pglite) });
    return wrap('pglite', kysely, async () => {
      await kysely.destroy();
      await pglite.close();
      await lock?.release();
    });
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

function wrap(engine: Engine, kysely: AnyKysely, close: () => Promise<void>): Database {
  let closed: Promise<void> | undefined;
  return {
    engine,
    kysely,
    transaction: (work) => kysely.transaction().execute(work as (tx: Transaction<unknown>) => Promise<never>),
    async ping() {
      await sql`select 1`.execute(kysely);
    },
    close() {
      closed ??= close();
      return closed;
    },
  };
}
