/**
 * The platform's one storage handle: PGlite by default (embedded, under the data dir), PostgreSQL
 * when DATABASE_URL is set. Both speak the same SQL through Kysely; each module views the handle
 * through its own table types with `tablesOf`.
 */
import { createHash } from 'node:crypto';
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
  /**
   * Calls `onNotify` with each payload sent to `channel` (`select pg_notify(channel, payload)`, from any
   * process on the same database) until the returned stop is called. On PostgreSQL this holds a
   * connection of its own, outside the pool, and reconnects after losing it; since notifications sent
   * meanwhile are gone, `onNotify` is then called once with null.
   */
  listen(channel: string, onNotify: (payload: string | null) => void): Promise<() => Promise<void>>;
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
 * Put first in a statement's SQL (`sql\`${PREPARED} select …\``) for PostgreSQL to plan it once per
 * connection instead of on every execution. For a few hot statements of constant text (the delivery
 * queue's lease: ~5 ms of planning against ~1 ms of execution). PGlite reads it as a comment.
 */
const PREPARED_MARK = '/* prepared */';
export const PREPARED = sql.raw(PREPARED_MARK);

/**
 * A pool client that sends marked statements as named prepared statements, named after their text
 * (pg prepares a name once per connection and reuses it after).
 */
class PreparingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query has a dozen overloads; this passes all of them through.
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && config.startsWith(PREPARED_MARK) && Array.isArray(values)) {
      return super.query({ name: statementName(config), text: config, values }, callback);
    }
    return super.query(config, values, callback);
  }
}

const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `huitong_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
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
    Client: PreparingClient,
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
  const listen = (channel: string, onNotify: (payload: string | null) => void) =>
    listenPostgres(databaseUrl, channel, onNotify);
  return wrap('postgres', kysely, listen, async () => {
    await kysely.destroy();
  });
}

/** LISTEN on a connection of its own, made again (after 1 s, 2 s, … up to 30 s) whenever it is lost. */
async function listenPostgres(
  databaseUrl: string,
  channel: string,
  onNotify: (payload: string | null) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;
  const open = async (): Promise<pg.Client> => {
    const next = new pg.Client({ connectionString: databaseUrl });
    next.on('notification', (message) => onNotify(message.payload ?? ''));
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    try {
      await next.connect();
      await next.query(`listen ${escapeIdentifier(channel)}`);
      return next;
    } catch (error) {
      void next.end().catch(() => {});
      throw error;
    }
  };
  const reconnect = (failures: number) => {
    timer = setTimeout(
      async () => {
        timer = null;
        if (stopped) return;
        try {
          client = await open();
          if (stopped) await client.end();
          else onNotify(null);
        } catch {
          reconnect(failures + 1);
        }
      },
      Math.min(1_000 * 2 ** failures, 30_000),
    );
  };
  const lost = (which: pg.Client) => {
    if (which !== client || stopped) return;
    client = null;
    void which.end().catch(() => {});
    reconnect(0);
  };
  // The first connection's failure is the caller's to see.
  client = await open();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await client?.end().catch(() => {});
  };
}

function escapeIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function openPGlite(dataDir: string | undefined, initialData: Blob | undefined): Promise<Database> {
  let lock: DataDirLock | undefined;
  if (dataDir) lock = await lockDataDir(dataDir);
  try {
    const options = initialData ? { loadDataDir: initialData } : {};
    const pglite = dataDir ? new PGlite(path.join(dataDir, 'pgdata'), options) : new PGlite(options);
    await pglite.waitReady;
    const kysely: AnyKysely = new Kysely({ dialect: new PGliteDialect(pglite) });
    const listen = async (channel: string, onNotify: (payload: string | null) => void) => {
      const unlisten = await pglite.listen(channel, onNotify);
      return () => unlisten();
    };
    return wrap('pglite', kysely, listen, async () => {
      await kysely.destroy();
      await pglite.close();
      await lock?.release();
    });
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

function wrap(engine: Engine, kysely: AnyKysely, listen: Database['listen'], close: () => Promise<void>): Database {
  let closed: Promise<void> | undefined;
  return {
    engine,
    kysely,
    listen,
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
