/**
 * `huitong directory import <file> [--dry-run]`: an operator on the host imports a staff file (CSV or
 * XLSX, by extension, else by its first bytes) as the platform itself. A progress bar on a terminal,
 * plain progress lines in a log; a file with bad rows is refused whole and its rows are printed as a
 * table of row, column and reason (exit code 1), never with the values in them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Actor } from '../../platform/authorization.js';
import type { Database } from '../../platform/db/database.js';
import { NotFoundError } from '../../platform/errors.js';
import { bilingual, translate } from '../../platform/i18n/messages.js';
import './directory.messages.js';
import {
  importStaffFile,
  type StaffFileFormat,
  type StaffImportError,
  type StaffImportProgress,
} from './staff-import.service.js';
import { SYSTEM_ONLY_POLICY } from './system-only-policy.js';

/** The operator at the host's command line, as history and audit name them. */
const CLI_ACTOR: Actor = { type: 'system', id: 'huitong.cli' };
/** How often a log gets a progress line: every tenth of the people. */
const LINES_PER_RUN = 10;

export interface ImportCommandOutput {
  stdout: NodeJS.WritableStream;
  /** Progress goes here: a bar when it is a terminal, lines otherwise. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * Imports a staff file and prints the outcome; resolves to the exit code (0 imported or checked, 1
 * refused for bad rows). `openDatabase` opens a migrated database; the command closes it.
 * @throws NotFoundError `directory.staff_import_file_not_found`; the import's errors for an unreadable or oversized file
 * @example
 * program.command('import <file>').option('--dry-run').action(async (file, options) => {
 *   process.exitCode = await directoryImportCommand(openMigratedDatabase, { file, dryRun: options.dryRun === true });
 * });
 */
export async function directoryImportCommand(
  openDatabase: () => Promise<Database>,
  options: { file: string; dryRun?: boolean | undefined },
  output: ImportCommandOutput = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const data = await readFile(options.file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'EISDIR') {
      throw new NotFoundError('directory.staff_import_file_not_found', { file: options.file });
    }
    throw error;
  });
  const dryRun = options.dryRun === true;
  const progress = progressReporter(output.stderr);
  const database = await openDatabase();
  try {
    const report = await importStaffFile(database, data, {
      actor: CLI_ACTOR,
      policy: SYSTEM_ONLY_POLICY,
      format: formatByExtension(options.file),
      dryRun,
      onProgress: progress.update,
    });
    progress.stop();
    if (!report.ok) {
      output.stdout.write(`${bilingual('directory.import.refused', { count: report.errors.length }, '\n')}\n`);
      output.stdout.write(errorTable(report.errors));
      return 1;
    }
    const key = dryRun ? 'directory.import.dry_run_summary' : 'directory.import.summary';
    output.stdout.write(`${bilingual(key, { ...report }, '\n')}\n`);
    return 0;
  } finally {
    progress.stop();
    await database.close();
  }
}

function formatByExtension(file: string): StaffFileFormat | undefined {
  const extension = path.extname(file).toLowerCase();
  return extension === '.xlsx' ? 'xlsx' : extension === '.csv' ? 'csv' : undefined;
}

/** A bar for a person at a terminal; for a log, a line at start and after each tenth of the people. */
function progressReporter(stream: ImportCommandOutput['stderr']) {
  const bar = stream.isTTY ? new SingleBar({ stream, hideCursor: true, clearOnComplete: true }) : undefined;
  let started = false;
  let nextLine = 0;
  return {
    update({ done, total }: StaffImportProgress) {
      if (bar) {
        if (started) bar.update(done);
        else bar.start(total, done);
        started = true;
        return;
      }
      if (done < nextLine && done !== total) return;
      stream.write(`${bilingual('directory.import.progress', { done, total })}\n`);
      nextLine = done + Math.max(1, Math.ceil(total / LINES_PER_RUN));
    },
    stop() {
      if (started) bar?.stop();
      started = false;
    },
  };
}

/**
 * The refused rows as a plain-text table: row, column (as the file heads it), reason code, and what
 * the reason means in Chinese and English.
 */
function errorTable(errors: readonly StaffImportError[]): string {
  const rows = [
    ['行 row', '列 column', '原因 reason', '说明 explanation'],
    ...errors.map((error) => [
      String(error.row),
      error.header && error.header !== error.field ? `${error.header} (${error.field})` : error.field || '-',
      error.reason,
      reasonText(error.reason),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => displayWidth(row[column]!))));
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell + ' '.repeat(widths[column]! - displayWidth(cell)),
        )
        .join('  '),
    )
    .join('\n')
    .concat('\n');
}

function reasonText(reason: string): string {
  const key = `directory.import.reason.${reason}`;
  const zh = translate(key, 'zh-CN');
  return zh === key ? '' : `${zh} / ${translate(key, 'en')}`;
}

/** Columns a terminal gives the text: two for each wide (CJK, full-width) character. */
function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) {
    width += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u.test(
      character,
    )
      ? 2
      : 1;
  }
  return width;
}
