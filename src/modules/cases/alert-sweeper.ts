/**
 * The deadline sweeper of the worker role: sweeps at start and then every `intervalMs`, one run at a
 * time. Each run first recounts provisional deadlines on the calendar the process started with, so a
 * restart with a new year's holiday schedule corrects them within one interval, and only then raises
 * alerts, on the corrected days. A failed run is logged (no personal data: the sweep handles none)
 * and the next one tries again.
 */
import type { Logger } from 'pino';
import type { WorkingDayCalendar } from '../../platform/calendar/working-days.js';
import type { Database } from '../../platform/db/database.js';
import { startPeriodicTask } from '../../platform/periodic-task.js';
import { sweepDeadlines } from './alert.service.js';
import { recomputeProvisionalDeadlines } from './provisional-deadlines.service.js';

export interface DeadlineSweeperOptions {
  database: Database;
  calendar: WorkingDayCalendar;
  /** HUITONG_CASES_WARN_DAYS, as the lifecycle uses it. */
  warnDays: number;
  intervalMs: number;
  clock?: () => Date;
  logger?: Pick<Logger, 'info' | 'error'>;
}

/**
 * Starts sweeping; the returned function stops it and resolves once a run in progress has ended.
 * @example const stop = startDeadlineSweeper({ database, calendar, warnDays: 2, intervalMs: 15 * 60_000, logger }); … await stop();
 */
export function startDeadlineSweeper(options: DeadlineSweeperOptions): () => Promise<void> {
  const clock = options.clock ?? (() => new Date());
  const { database, calendar, warnDays } = options;
  const sweep = async () => {
    const recount = await recomputeProvisionalDeadlines(database.kysely, { calendar, warnDays, clock });
    if (recount.recomputed > 0) options.logger?.info(recount, 'provisional deadlines recomputed');
    const report = await sweepDeadlines(database.kysely, { clock });
    if (report.yellow + report.red > 0) options.logger?.info(report, 'deadline alerts raised');
  };
  return startPeriodicTask(sweep, {
    intervalMs: options.intervalMs,
    onError: (error) => options.logger?.error({ err: error }, 'deadline sweep failed'),
  });
}
