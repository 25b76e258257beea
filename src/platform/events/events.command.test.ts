import { PassThrough } from 'node:stream';
import { type Command, CommanderError } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import {
  collectingLogger,
  createEffectTable,
  effectHandler,
  effectsOf,
  recordTestEvent,
  seqsByAggregate,
} from '../../../test/support/events.js';
import type { Database } from '../db/database.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { EventDispatcher } from './dispatcher.js';
import { eventsCommand } from './events.command.js';

let testDatabase: TestDatabase;
let database: Database;
const dispatchers: EventDispatcher[] = [];

// One database for the file; each test keeps to subscriber names of its own.
beforeAll(async () => {
  testDatabase = await createTestDatabase();
  database = testDatabase.database;
  await createEffectTable(database);
});
afterEach(async () => {
  for (const dispatcher of dispatchers.splice(0)) await dispatcher.stop();
});
afterAll(() => testDatabase.drop());

/** A dispatcher that parks at the first failure and retries at once, as an operator would meet it. */
function makeDispatcher(): EventDispatcher {
  const dispatcher = new EventDispatcher(database, {
    maxAttempts: 1,
    backoff: { baseMs: 0, maxMs: 0 },
    logger: collectingLogger(),
  });
  dispatchers.push(dispatcher);
  return dispatcher;
}

/** Commander errors throw instead of exiting, and keep quiet, in the group and its subcommands. */
function quiet(command: Command): Command {
  command.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  for (const sub of command.commands) quiet(sub);
  return command;
}

/** Runs `events <args>`; the command closes what it opens, so it gets a view whose close does nothing. */
async function run(...args: string[]): Promise<string> {
  const stdout = new PassThrough();
  const view: Database = { ...database, close: async () => {} };
  await quiet(eventsCommand(async () => view, { stdout })).parseAsync(args, { from: 'user' });
  stdout.end();
  let text = '';
  for await (const chunk of stdout) text += String(chunk);
  return text;
}

describe('huitong events', () => {
  it('says so when nothing is parked', async () => {
    expect(await run('parked', '--subscriber', 'test.nobody')).toBe('没有搁置的投递 / no parked deliveries\n');
  });

  it('lists parked deliveries, releases them, and a dispatcher then delivers them in order', async () => {
    let broken = true;
    const dispatcher = makeDispatcher();
    dispatcher.subscribe(
      'test.cli',
      { types: ['test.cli.changed'] },
      effectHandler('test.cli', () => {
        if (broken) throw new Error('archive offline\n    at somewhere (file.ts:1:1)');
      }),
    );
    const a1 = await recordTestEvent(database, 'a', 1, 'test.cli.changed');
    const a2 = await recordTestEvent(database, 'a', 2, 'test.cli.changed');
    const b1 = await recordTestEvent(database, 'b', 1, 'test.cli.changed');
    await dispatcher.drain();
    expect(await effectsOf(database, 'test.cli')).toEqual([]);

    const listing = (await run('parked', '--subscriber', 'test.cli')).trimEnd().split('\n');
    expect(listing[0]).toBe('搁置的投递：3 条 / 3 parked delivery(ies)');
    expect(listing[1]).toMatch(/^subscriber +event +type +aggregate +attempts +held since +last error$/);
    expect(listing.slice(2).map((line) => line.split(/ {2,}/))).toEqual([
      [
        'test.cli',
        String(a1),
        'test.cli.changed',
        'thing:a',
        '1',
        expect.stringMatching(/^\d{4}-/),
        'Error: archive offline',
      ],
      ['test.cli', String(a2), 'test.cli.changed', 'thing:a', '0', expect.stringMatching(/^\d{4}-/), '-'],
      [
        'test.cli',
        String(b1),
        'test.cli.changed',
        'thing:b',
        '1',
        expect.stringMatching(/^\d{4}-/),
        'Error: archive offline',
      ],
    ]);
    const limited = (await run('parked', '--subscriber', 'test.cli', '--limit', '1')).trimEnd().split('\n');
    expect(limited).toHaveLength(4);
    expect(limited[2]).toContain(String(a1));
    expect(limited[3]).toBe('还有更多未列出，可加大 --limit / more are not shown; raise --limit');

    // The domain's rules, surfaced as its errors: from an aggregate's first parked event only.
    await expect(run('retry', 'test.cli', '--event', String(a2))).rejects.toBeInstanceOf(ConflictError);
    await expect(run('retry', 'test.cli', '--event', String(b1 + 1000))).rejects.toBeInstanceOf(NotFoundError);
    await expect(run('retry', 'test.nobody')).rejects.toMatchObject({ code: 'events.subscriber_unknown' });

    broken = false;
    expect(await run('retry', 'test.cli', '--event', String(a1))).toBe(
      '已解除搁置 2 个事件，运行中的 worker 会按顺序投递 / released 2 parked event(s); a running worker will deliver them in order\n',
    );
    expect(await run('retry', 'test.cli')).toContain('released 1 parked event(s)');
    expect(await run('retry', 'test.cli')).toBe(
      '订阅者 test.cli 没有搁置的事件 / subscriber test.cli has no parked events\n',
    );
    expect(await run('parked', '--subscriber', 'test.cli')).toBe('没有搁置的投递 / no parked deliveries\n');

    await dispatcher.drain();
    expect(seqsByAggregate(await effectsOf(database, 'test.cli'))).toEqual({ a: [1, 2], b: [1] });
  });

  it('takes only positive whole numbers for --limit and --event', async () => {
    for (const limit of ['abc', '1.5', '0', '1e3', '-1']) {
      await expect(run('parked', '--limit', limit)).rejects.toMatchObject({ code: 'commander.invalidArgument' });
    }
    await expect(run('retry', 'test.cli', '--event', 'x')).rejects.toBeInstanceOf(CommanderError);
  });
});
