/**
 * `huitong cases sweep`: raises today's deadline alerts now (the worker does it on its own every
 * interval), and `huitong cases recompute-deadlines`: recounts provisional deadlines after a new year's
 * holiday schedule was added (the sweep does it first too). Both with a progress bar on a terminal.
 */
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { loadCalendar, type WorkingDayCalendar } from '../../platform/calendar/working-days.js';
import type { Database } from '../../platform/db/database.js';
import { bilingual, registerMessages } from '../../platform/i18n/messages.js';
import { sweepDeadlines } from './alert.service.js';
import { type RecomputeReport, recomputeProvisionalDeadlines } from './provisional-deadlines.service.js';
import './supervision.messages.js';

registerMessages({
  'cases.recompute.done': {
    zh: '期限重算完成：{provisional} 件在办办件的期限为暂定，重算后变更 {recomputed} 件，仍为暂定 {stillProvisional} 件（工作日历收录至 {calendarTo} 年）。',
    en: 'Deadlines recomputed: {provisional} running case(s) had provisional deadlines, {recomputed} changed, {stillProvisional} still provisional (the calendar covers up to {calendarTo}).',
  },
});

export interface CommandOutput {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface DeadlineSettings {
  /** The calendar the platform runs on (HUITONG_CALENDAR_FILE). */
  calendar: WorkingDayCalendar;
  /** HUITONG_CASES_WARN_DAYS */
  warnDays: number;
}

/** The platform's defaults, for a caller that has no configuration at hand. */
const defaultSettings = async (): Promise<DeadlineSettings> => ({ calendar: await loadCalendar(), warnDays: 2 });

/**
 * @example program.addCommand(casesCommand(openMigratedDatabase, async () => ({ calendar: await loadCalendar(config.calendarFile), warnDays: config.casesWarnDays })));
 */
export function casesCommand(
  openDatabase: () => Promise<Database>,
  settings: () => Promise<DeadlineSettings> = defaultSettings,
  output: CommandOutput = { stdout: process.stdout, stderr: process.stderr },
  clock: () => Date = () => new Date(),
): Command {
  const cases = new Command('cases').description('办件 one-window cases');
  // A bar only for a person watching: in a log file or a pipe it would be noise.
  const progressBar = () =>
    output.stderr.isTTY
      ? new cliProgress.SingleBar({ stream: output.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic)
      : undefined;
  const recompute = async (database: Database, { calendar, warnDays }: DeadlineSettings) => {
    const bar = progressBar();
    try {
      return await recomputeProvisionalDeadlines(database.kysely, {
        calendar,
        warnDays,
        clock,
        onProgress: (checked, provisional) => {
          if (checked === 0) bar?.start(provisional, 0);
          else bar?.update(checked);
        },
      });
    } finally {
      bar?.stop();
    }
  };
  const recomputed = (report: RecomputeReport, calendar: WorkingDayCalendar) =>
    `${bilingual('cases.recompute.done', { ...report, calendarTo: calendar.coveredYears.to })}\n`;

  cases
    .command('sweep')
    .description('扫描在办办件的时限，生成黄灯、红灯预警 raise the deadline alerts due today')
    .action(async () => {
      const deadlineSettings = await settings();
      const database = await openDatabase();
      try {
        // On the corrected days, as the worker's sweeper does.
        const recount = await recompute(database, deadlineSettings);
        if (recount.recomputed > 0) output.stdout.write(recomputed(recount, deadlineSettings.calendar));
        const bar = progressBar();
        try {
          const report = await sweepDeadlines(database.kysely, {
            clock,
            onProgress: (raised, due) => {
              if (raised === 0) bar?.start(due, 0);
              else bar?.update(raised);
            },
          });
          bar?.stop();
          output.stdout.write(`${bilingual('cases.sweep.done', { ...report })}\n`);
        } finally {
          bar?.stop();
        }
      } finally {
        await database.close();
      }
    });
  cases
    .command('recompute-deadlines')
    .description(
      '按当前工作日历重算暂定期限（补充新一年节假日安排后运行）recompute provisional deadlines on the current calendar (run after adding a year’s holiday schedule)',
    )
    .action(async () => {
      const deadlineSettings = await settings();
      const database = await openDatabase();
      try {
        output.stdout.write(recomputed(await recompute(database, deadlineSettings), deadlineSettings.calendar));
      } finally {
        await database.close();
      }
    });
  return cases;
}
