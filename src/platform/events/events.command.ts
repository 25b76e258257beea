/**
 * `huitong events parked` and `huitong events retry`: an operator's view of the deliveries the
 * dispatcher parked (see docs/events.md), and the way to release them.
 *
 * No EventDispatcher here: it refuses a subscriber not registered in its own process (this command
 * runs no modules), and its first call creates a cursor for whatever name it is given, so a mistyped
 * name would leave a stray cursor and report "0 released". The release (parked-release.ts, shared
 * with `retryParked`) instead requires the subscriber's cursor to exist, so a typo is an error.
 */
import { Command, InvalidArgumentError } from 'commander';
import type { Database } from '../db/database.js';
import { bilingual, registerMessages } from '../i18n/messages.js';
import { listParked, type ParkedEvent } from './delivery.repository.js';
import { releaseParkedEvents } from './parked-release.js';
import './events.messages.js';

registerMessages({
  'events.cli.parked.header': { zh: '搁置的投递：{count} 条', en: '{count} parked delivery(ies)' },
  'events.cli.parked.more': {
    zh: '还有更多未列出，可加大 --limit',
    en: 'more are not shown; raise --limit',
  },
  'events.cli.parked.none': { zh: '没有搁置的投递', en: 'no parked deliveries' },
  'events.cli.retry.released': {
    zh: '已解除搁置 {released} 个事件，运行中的 worker 会按顺序投递',
    en: 'released {released} parked event(s); a running worker will deliver them in order',
  },
  'events.cli.retry.none': {
    zh: '订阅者 {subscriber} 没有搁置的事件',
    en: 'subscriber {subscriber} has no parked events',
  },
  'events.cli.positive_integer': { zh: '须为正整数', en: 'must be a positive whole number' },
  'events.subscriber_unknown': { zh: '没有这个事件订阅者', en: 'No such event subscriber' },
  'events.subscriber_unknown.detail': {
    zh: '数据库中没有订阅者 {subscriber} 的投递记录：从未有进程注册过这个名称，请检查拼写。',
    en: 'The database has no cursor for subscriber {subscriber}: no process ever registered that name; check the spelling.',
  },
});

/** Where the command writes: the process's stream, or a test's. */
export interface EventsCommandOutput {
  stdout: NodeJS.WritableStream;
}

const DEFAULT_LIMIT = 100;
const MAX_ERROR_WIDTH = 80;

/**
 * The `events` command group. It opens the database itself (and closes it), so it runs without
 * the rest of the platform.
 * @example program.addCommand(eventsCommand(openConfiguredDatabase));
 */
export function eventsCommand(
  openDatabase: () => Promise<Database>,
  output: EventsCommandOutput = { stdout: process.stdout },
): Command {
  const events = new Command('events').description('领域事件 domain events');
  events
    .command('parked')
    .description('列出搁置的投递 list parked deliveries, oldest first')
    .option('--subscriber <name>', 'only this subscriber')
    .option('--limit <n>', `at most this many rows (default ${DEFAULT_LIMIT})`, positiveInteger)
    .action(async (options: { subscriber?: string; limit?: number }) => {
      const limit = options.limit ?? DEFAULT_LIMIT;
      const database = await openDatabase();
      let parked: ParkedEvent[];
      try {
        // One more than shown, to tell whether there are more.
        parked = await listParked(database.kysely, options.subscriber, limit + 1);
      } finally {
        await database.close();
      }
      output.stdout.write(`${parkedReport(parked, limit)}\n`);
    });
  events
    .command('retry')
    .description(
      '解除搁置，交由运行中的 worker 投递 release parked events for a running worker to deliver: all of the subscriber’s, or with --event that event’s aggregate (it must be the aggregate’s first parked event)',
    )
    .argument('<subscriber>', 'subscriber name, e.g. archives.completed-cases')
    .option('--event <id>', 'first parked event of the aggregate to release', positiveInteger)
    .action(async (subscriber: string, options: { event?: number }) => {
      const database = await openDatabase();
      let released: number;
      try {
        released = await releaseParkedEvents(database, subscriber, options.event);
      } finally {
        await database.close();
      }
      output.stdout.write(
        `${released === 0 ? bilingual('events.cli.retry.none', { subscriber }) : bilingual('events.cli.retry.released', { released })}\n`,
      );
    });
  return events;
}

function parkedReport(parked: readonly ParkedEvent[], limit: number): string {
  if (parked.length === 0) return bilingual('events.cli.parked.none', {});
  const shown = parked.slice(0, limit);
  // The last error goes last: it is the one column of free text, so it is never padded.
  const rows = [
    ['subscriber', 'event', 'type', 'aggregate', 'attempts', 'held since', 'last error'],
    ...shown.map((entry) => [
      entry.subscriber,
      String(entry.event.id),
      entry.event.type,
      `${entry.event.aggregateType}:${entry.event.aggregateId}`,
      String(entry.attempts),
      new Date(entry.heldAt).toISOString(),
      oneLine(entry.lastError),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = [
    bilingual('events.cli.parked.header', { count: shown.length }),
    ...rows.map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
        .join('  ')
        .trimEnd(),
    ),
  ];
  if (parked.length > limit) lines.push(bilingual('events.cli.parked.more', {}));
  return lines.join('\n');
}

/** The first line of an error, cut to a table cell; '-' for an event parked behind another. */
function oneLine(error: string | null): string {
  const line = (error ?? '').trim().split(/\r?\n/, 1)[0]!.trim();
  if (line === '') return '-';
  return line.length > MAX_ERROR_WIDTH ? `${line.slice(0, MAX_ERROR_WIDTH - 1)}…` : line;
}

/** Commander parser for --limit and --event: digits only (Number('1e3') and Number(' 7') are numbers too). */
function positiveInteger(value: string): number {
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError(bilingual('events.cli.positive_integer', {}));
  }
  return number;
}
