/**
 * `huitong seed --demo`: loads the demo district, with a progress bar on a terminal and a summary
 * line in Chinese and English. Without `--demo` there is nothing else to seed yet: it says so and
 * exits 2 (a usage error), so a script that forgot the flag does not pass silently.
 */
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import type { Database } from '../../platform/db/database.js';
import { bilingual } from '../../platform/i18n/messages.js';
import './directory.messages.js';
import { seedDemoOrganisation } from './demo-seed.service.js';
import { seedDemoStaff } from './demo-staff-seed.service.js';

/**
 * The `seed` subcommand. `openDatabase` opens a migrated database; the command closes it.
 * @example program.addCommand(seedCommand(() => openMigratedDatabase(loadConfig())));
 */
export function seedCommand(openDatabase: () => Promise<Database>): Command {
  return new Command('seed')
    .description('load demonstration data into the database (idempotent)')
    .option(
      '--demo',
      'the fictional Huitong District: 47 departments, 23 towns and streets, the 1+23 service centres and their staff',
    )
    .action(async (options: { demo?: boolean }, command: Command) => {
      if (!options.demo) {
        command.error(bilingual('directory.seed.nothing_to_seed', {}, '\n'), {
          exitCode: 2,
          code: 'huitong.seed.nothing_to_seed',
        });
      }
      const database = await openDatabase();
      // A bar only for a person watching: in a log file or a pipe it would be noise.
      const bar = process.stderr.isTTY ? new SingleBar({ stream: process.stderr, hideCursor: true }) : undefined;
      let started = false;
      const onProgress = ({ done, total }: { done: number; total: number }) => {
        if (started) bar?.update(done);
        else bar?.start(total, done);
        started = true;
      };
      try {
        const report = await seedDemoOrganisation(database, { onProgress });
        bar?.stop();
        started = false;
        const staff = await seedDemoStaff(database, { onProgress });
        bar?.stop();
        const out = command.configureOutput().writeOut;
        out?.(`${bilingual('directory.seed.summary', { ...report }, '\n')}\n`);
        out?.(`${bilingual('directory.seed.staff_summary', { ...staff }, '\n')}\n`);
      } finally {
        bar?.stop();
        await database.close();
      }
    });
}
