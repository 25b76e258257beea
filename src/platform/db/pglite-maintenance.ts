/**
 * Vacuum and statistics for the embedded database. PGlite runs PostgreSQL in single-user mode, where
 * no autovacuum runs: without this its tables would never be analysed (the planner would go on
 * guessing row counts however large they grew) and dead rows would never be reclaimed. So the process
 * that does the background work runs `vacuum (analyze)` itself: first `firstDelayMs` after it starts,
 * then every `intervalMs`, one run at a time. PGlite serves one statement at a time, so a run holds
 * up requests while it lasts; the interval keeps that rare, and each run's duration is logged.
 * PostgreSQL servers have autovacuum and are left to it.
 */

import { sql } from 'kysely';
import type { Logger } from 'pino';
import { startPeriodicTask } from '../periodic-task.js';
import type { Database } from './database.js';

export interface PGliteMaintenanceOptions {
  database: Database;
  firstDelayMs: number;
  intervalMs: number;
  logger?: Pick<Logger, 'info' | 'error'>;
}

/** Vacuums and analyses every table of a PGlite database once; on PostgreSQL does nothing. */
export async function maintainPGlite(database: Database): Promise<void> {
  if (database.engine !== 'pglite') return;
  await sql`vacuum (analyze)`.execute(database.kysely);
}

/**
 * Starts the maintenance runs (PGlite only); the returned function stops them and resolves once a run
 * in progress has ended.
 * @example const stop = startPGliteMaintenance({ database, firstDelayMs: 10 * 60_000, intervalMs: 60 * 60_000, logger });
 */
export function startPGliteMaintenance(options: PGliteMaintenanceOptions): () => Promise<void> {
  const { database, logger } = options;
  if (database.engine !== 'pglite') return async () => {};
  return startPeriodicTask(
    async () => {
      const started = performance.now();
      await maintainPGlite(database);
      logger?.info({ ms: Math.round(performance.now() - started) }, 'embedded database vacuumed and analysed');
    },
    {
      firstDelayMs: options.firstDelayMs,
      intervalMs: options.intervalMs,
      onError: (error) => logger?.error({ err: error }, 'embedded database maintenance failed'),
    },
  );
}
