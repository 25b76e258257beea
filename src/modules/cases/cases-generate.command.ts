/**
 * `huitong cases generate`: fills a database with load and demo data — a million cases of the demo
 * district over three years by default (case-generator.ts) — with a progress bar on a terminal and a
 * summary line in Chinese and English. Refuses a database that holds cases unless `--append`.
 */
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { loadCalendar, type WorkingDayCalendar } from '../../platform/calendar/working-days.js';
import type { Database } from '../../platform/db/database.js';
import { bilingual, registerMessages } from '../../platform/i18n/messages.js';
import {
  DEFAULT_GENERATE_BATCH,
  DEFAULT_GENERATE_COUNT,
  type GenerateProgress,
  generateCases,
} from './case-generator.js';

registerMessages({
  'cases.generate.done': {
    zh: '已生成 {cases} 件办件（{from} 至 {to}）、{steps} 个步骤、{ratings} 条评价、{alerts} 条预警、{tallyRows} 行日统计，用时 {seconds} 秒（{perSecond} 件/秒）',
    en: 'generated {cases} cases ({from} to {to}), {steps} steps, {ratings} ratings, {alerts} alerts and {tallyRows} daily tally rows in {seconds} s ({perSecond} cases/s)',
  },
});

export interface GenerateSettings {
  calendar: WorkingDayCalendar;
  /** HUITONG_CASES_WARN_DAYS */
  warnDays: number;
  /** HUITONG_CASES_FOLLOW_UP_DAYS */
  followUpDays: number;
}

export interface CommandOutput {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** The platform's defaults, for a caller that has no configuration at hand. */
const defaultSettings = async (): Promise<GenerateSettings> => ({
  calendar: await loadCalendar(),
  warnDays: 2,
  followUpDays: 5,
});

/**
 * The `generate` subcommand (mounted under `huitong cases`). `openDatabase` opens a migrated database;
 * the command closes it.
 * @example cases.addCommand(casesGenerateCommand(openMigratedDatabase, async () => ({ calendar: await loadCalendar(config.calendarFile), warnDays: config.casesWarnDays, followUpDays: config.casesFollowUpDays })));
 */
export function casesGenerateCommand(
  openDatabase: () => Promise<Database>,
  settings: () => Promise<GenerateSettings> = defaultSettings,
  output: CommandOutput = { stdout: process.stdout, stderr: process.stderr },
  clock: () => Date = () => new Date(),
): Command {
  return new Command('generate')
    .description(
      '生成压测和演示用办件数据（示范区，默认三年一百万件）generate load and demo cases for the demo district (1,000,000 over three years by default)',
    )
    .option('--count <n>', 'cases to generate 办件数', wholeNumber, DEFAULT_GENERATE_COUNT)
    .option('--years <n>', 'years of history, ending yesterday 覆盖年数', wholeNumber, 3)
    .option('--seed <n>', 'seed of the random numbers: the same seed gives the same cases 随机种子', wholeNumber, 1)
    .option('--batch <n>', 'cases per insert 每批写入件数', wholeNumber, DEFAULT_GENERATE_BATCH)
    .option('--append', 'add to a database that already holds cases 追加到已有办件的库')
    .option('--with-demo-catalogue', 'publish the demo service catalogue first where it is missing 先发布示范事项目录')
    .action(
      async (options: {
        count: number;
        years: number;
        seed: number;
        batch: number;
        append?: boolean;
        withDemoCatalogue?: boolean;
      }) => {
        const { calendar, warnDays, followUpDays } = await settings();
        const database = await openDatabase();
        // A bar only for a person watching: in a log file or a pipe it would be noise.
        const bars = output.stderr.isTTY
          ? new cliProgress.MultiBar(
              {
                stream: output.stderr,
                clearOnComplete: true,
                format: ' {phase} [{bar}] {percentage}% | {value}/{total} | {eta_formatted}',
              },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
        const shown = new Map<GenerateProgress['phase'], cliProgress.SingleBar>();
        const started = performance.now();
        try {
          const report = await generateCases(database, {
            count: options.count,
            years: options.years,
            seed: options.seed,
            batchSize: options.batch,
            append: options.append === true,
            demoCatalogue: options.withDemoCatalogue === true,
            calendar,
            warnDays,
            followUpDays,
            clock,
            onProgress: ({ phase, done, total }) => {
              if (!bars) return;
              let bar = shown.get(phase);
              if (!bar) {
                bar = bars.create(total, 0, { phase: phase === 'cases' ? '办件 cases      ' : '统计 tallies    ' });
                shown.set(phase, bar);
              }
              bar.update(done);
            },
          });
          bars?.stop();
          const seconds = (performance.now() - started) / 1000;
          output.stdout.write(
            `${bilingual('cases.generate.done', {
              ...report,
              seconds: seconds.toFixed(1),
              perSecond: Math.round(report.cases / seconds),
            })}\n`,
          );
        } finally {
          bars?.stop();
          await database.close();
        }
      },
    );
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value.replaceAll('_', ''))) throw new InvalidArgumentError('a whole number 整数');
  return Number(value.replaceAll('_', ''));
}
