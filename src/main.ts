/**
 * The `huitong` command: serve, migrate, seed, audit, events, identity, access. One binary for every role.
 */
import { Command, Option } from 'commander';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { accessBootstrapCommand, createAccessPolicy } from './modules/access/index.js';
import { casesCommand, casesGenerateCommand } from './modules/cases/index.js';
import { directoryImportCommand, seedCommand } from './modules/directory/index.js';
import { exchangeCommand } from './modules/exchange/index.js';
import { identityCommand, oidcKeysCommand } from './modules/identity/index.js';
import { auditCommand } from './platform/audit/audit.command.js';
import { loadCalendar } from './platform/calendar/working-days.js';
import { openDatabase } from './platform/db/database.js';
import { migrate } from './platform/db/migrations.js';
import { DomainError } from './platform/errors.js';
import { eventsCommand } from './platform/events/events.command.js';
import { translate } from './platform/i18n/messages.js';
import { loadSecretKey, secretBox } from './platform/secrets/secret-box.js';
import { openRuntime, VERSION } from './runtime.js';

const program = new Command()
  .name('huitong')
  .description('汇通电子政务集成平台 Huitong e-government integration platform')
  .version(VERSION)
  .showHelpAfterError();

program
  .command('serve')
  .description('start the platform: HTTP server and background workers (migrates first)')
  .addOption(
    new Option('--role <role>', 'which part of the platform this process runs')
      .choices(['all', 'web', 'worker'])
      .default('all'),
  )
  .action(async (options: { role: 'all' | 'web' | 'worker' }) => {
    const config = loadConfig();
    const runtime = await openRuntime(config, { migrate: true });
    // A worker serves only health and docs, for its orchestrator; the pages and APIs are the web role's.
    if (options.role === 'worker') runtime.routes.splice(0);
    const app = await buildApp(runtime);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      app.log.info({ signal }, 'shutting down');
      const forced = setTimeout(() => {
        app.log.error('shutdown took longer than the grace period; exiting');
        process.exit(1);
      }, config.shutdownGraceMs).unref();
      await app.close();
      await runtime.close();
      clearTimeout(forced);
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    await app.listen({ port: config.port, host: config.host });
    if (options.role !== 'web') await runtime.startWorkers();
    app.log.info({ role: options.role, engine: runtime.database.engine, version: VERSION }, 'huitong ready');
    if (runtime.demoAccess) {
      // Where the demo password is, never the password itself: logs are collected and kept.
      const { accounts, credentialsFile } = runtime.demoAccess;
      app.log.info({ accounts, credentialsFile }, 'demo accounts made: see the file for how to sign in');
    }
  });

program
  .command('migrate')
  .description('apply pending database migrations, then exit')
  .action(async () => {
    const database = await openConfiguredDatabase();
    try {
      const report = await migrate(database, {
        onApplied: (migration, index, total) =>
          console.log(`[${index}/${total}] ${migration.version}-${migration.name}`),
      });
      console.log(
        report.applied.length
          ? `applied ${report.applied.length} migration(s)`
          : `up to date (${report.alreadyApplied} applied)`,
      );
    } finally {
      await database.close();
    }
  });

function openConfiguredDatabase() {
  const config = loadConfig();
  return openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
}

async function openMigratedDatabase() {
  const database = await openConfiguredDatabase();
  try {
    await migrate(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

program.addCommand(seedCommand(openMigratedDatabase));
program.addCommand(auditCommand(openConfiguredDatabase));
program.addCommand(eventsCommand(openConfiguredDatabase));
program.addCommand(
  oidcKeysCommand(async () => {
    const config = loadConfig();
    const secrets = secretBox(await loadSecretKey(config.secretKey, config.dataDir));
    return { database: await openMigratedDatabase(), secrets };
  }),
);
program.addCommand(identityCommand(openMigratedDatabase, (database) => createAccessPolicy({ database })));
async function casesSettings() {
  const config = loadConfig();
  return {
    calendar: await loadCalendar(config.calendarFile),
    warnDays: config.casesWarnDays,
    followUpDays: config.casesFollowUpDays,
  };
}
program.addCommand(
  casesCommand(openMigratedDatabase, casesSettings).addCommand(
    casesGenerateCommand(openMigratedDatabase, casesSettings),
  ),
);
program.addCommand(
  exchangeCommand(openConfiguredDatabase, async () => {
    const config = loadConfig();
    const secrets = secretBox(await loadSecretKey(config.secretKey, config.dataDir));
    return { database: await openMigratedDatabase(), secrets };
  }),
);

program
  .command('directory')
  .description('机构目录 directory')
  .command('import <file>')
  .description(
    '导入人员（CSV 或 XLSX，任何一行有误则不写入）import staff from CSV or XLSX (nothing is written if any row is bad)',
  )
  .option('--dry-run', 'check and report only; nothing is kept 只校验不写入')
  .action(async (file: string, options: { dryRun?: boolean }) => {
    process.exitCode = await directoryImportCommand(openMigratedDatabase, { file, dryRun: options.dryRun === true });
  });

program
  .command('access')
  .description('统一权限 access')
  .command('bootstrap')
  .description('指定首位安全管理员（三员之一）name the first security administrator (one of the three duties)')
  .requiredOption('--staff-no <staffNo>', 'the person’s HR number 工号')
  .action(async (options: { staffNo: string }) => {
    await accessBootstrapCommand(openMigratedDatabase, options);
  });

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    if (error instanceof DomainError) {
      console.error(
        `${translate(error.code, 'zh-CN', error.params)}\n${translate(`${error.code}.detail`, 'en', error.params)}`,
      );
      process.exit(1);
    }
    throw error;
  }
}

await main();
