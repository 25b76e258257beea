/**
 * What only a real PostgreSQL server can show: several sessions at once. Transactions that commit
 * out of id order, or record an aggregate's events out of transaction-id order, and two worker
 * processes (here two connection pools) delivering to one subscriber. Skipped on PGlite, which is
 * one session.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServerUrl } from '../../../test/support/database.js';
import {
  collectingLogger,
  createEffectTable,
  effectHandler,
  effectsOf,
  recordTestEvent,
  recordTestEventIn,
  seqsByAggregate,
} from '../../../test/support/events.js';
import { type Database, openDatabase } from '../db/database.js';
import { EventDispatcher } from './dispatcher.js';

describe.skipIf(!testServerUrl)('delivery with concurrent sessions on PostgreSQL', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = testDatabase.database;
    await createEffectTable(database);
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  afterAll(() => testDatabase.drop());

  function makeDispatcher(on: Database, subscriber: string, type: string, batchSize = 100): EventDispatcher {
    const dispatcher = new EventDispatcher(on, { logger: collectingLogger(), batchSize, pollIntervalMs: 5 });
    dispatcher.subscribe(subscriber, { types: [type] }, effectHandler(subscriber));
    closers.push(() => dispatcher.stop());
    return dispatcher;
  }

  it('does not skip an event whose transaction commits after one holding a higher id', async () => {
    const dispatcher = makeDispatcher(database, 'test.late-commit', 'test.late.changed');
    const slow = await database.kysely.startTransaction().execute();
    const lowerId = await recordTestEventIn(slow, 'x', 1, 'test.late.changed');
    const higherId = await recordTestEvent(database, 'y', 1, 'test.late.changed');
    expect(lowerId).toBeLessThan(higherId);

    // The dispatcher runs while the lower id is still uncommitted: it must not move past it.
    await dispatcher.deliverAvailable();
    await slow.commit().execute();
    await dispatcher.drain();

    const delivered = (await effectsOf(database, 'test.late-commit')).map((effect) => effect.eventId);
    expect(delivered.sort((a, b) => a - b)).toEqual([lowerId, higherId]);
  });

  it('delivers an aggregate in recording order when the later event belongs to the older transaction', async () => {
    const dispatcher = makeDispatcher(database, 'test.inverted', 'test.inverted.changed');
    const older = await database.kysely.startTransaction().execute();
    // The older transaction takes its id first (any write would), then records after the younger one.
    await sql`select pg_current_xact_id()`.execute(older);
    await recordTestEvent(database, 'case-1', 1, 'test.inverted.changed');
    await recordTestEventIn(older, 'case-1', 2, 'test.inverted.changed');
    await older.commit().execute();
    await recordTestEvent(database, 'case-1', 3, 'test.inverted.changed');
    await dispatcher.drain();

    expect(seqsByAggregate(await effectsOf(database, 'test.inverted'))).toEqual({ 'case-1': [1, 2, 3] });
  });

  it('delivers an event kept back by an older open transaction soon after it ends, without waiting a whole poll', async () => {
    // A poll interval far beyond the test's patience: only the short recheck can explain the delivery.
    const dispatcher = new EventDispatcher(database, { logger: collectingLogger(), pollIntervalMs: 600_000 });
    dispatcher.subscribe('test.horizon', { types: ['test.horizon.changed'] }, effectHandler('test.horizon'));
    closers.push(() => dispatcher.stop());
    dispatcher.start();
    // Any transaction with an id, even in another database of the server, holds the delivery horizon.
    const older = await database.kysely.startTransaction().execute();
    await sql`select pg_current_xact_id()`.execute(older);
    await recordTestEvent(database, 'h', 1, 'test.horizon.changed');
    dispatcher.nudge();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await effectsOf(database, 'test.horizon')).toEqual([]);
    await older.commit().execute();
    for (let tries = 0; tries < 100 && (await effectsOf(database, 'test.horizon')).length === 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await effectsOf(database, 'test.horizon')).map((effect) => effect.seq)).toEqual([1]);
  });

  it('never applies an event twice when two workers deliver to the same subscriber', async () => {
    const second = await openDatabase({ databaseUrl: testDatabase.url, poolSize: 5 });
    closers.push(() => second.close());
    const workers = [
      makeDispatcher(database, 'test.shared', 'test.shared.changed', 7),
      makeDispatcher(second, 'test.shared', 'test.shared.changed', 7),
    ];
    for (const worker of workers) worker.start();
    const recorded: number[] = [];
    for (let seq = 1; seq <= 20; seq++) {
      recorded.push(
        ...(await database.transaction(async (tx) => {
          const ids: number[] = [];
          for (let aggregate = 0; aggregate < 10; aggregate++) {
            ids.push(await recordTestEventIn(tx, `agg-${aggregate}`, seq, 'test.shared.changed'));
          }
          return ids;
        })),
      );
      for (const worker of workers) worker.nudge();
    }
    await Promise.all(workers.map((worker) => worker.drain()));

    const effects = await effectsOf(database, 'test.shared');
    expect(effects.map((effect) => effect.eventId).sort((a, b) => a - b)).toEqual(recorded);
    const inOrder = Array.from({ length: 20 }, (_, index) => index + 1);
    expect(Object.values(seqsByAggregate(effects))).toEqual(Array.from({ length: 10 }, () => inOrder));
  });
});
