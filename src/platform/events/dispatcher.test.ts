import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import {
  collectingLogger,
  createEffectTable,
  effectHandler,
  effectsOf,
  recordTestEvent,
  recordTestEventIn,
  seqsByAggregate,
} from '../../../test/support/events.js';
import type { Database } from '../db/database.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { EventDispatcher, type EventDispatcherOptions } from './dispatcher.js';

let testDatabase: TestDatabase;
let database: Database;
const dispatchers: EventDispatcher[] = [];

// One database for the file (a fresh one per test costs seconds); each test keeps to event types of
// its own and subscribes to those alone, so the tests do not see each other's events.
beforeAll(async () => {
  testDatabase = await createTestDatabase();
  database = testDatabase.database;
  await createEffectTable(database);
});
afterEach(async () => {
  for (const dispatcher of dispatchers.splice(0)) await dispatcher.stop();
});
afterAll(() => testDatabase.drop());

let typesIssued = 0;
/** An event type no other test uses. */
function freshType(): string {
  typesIssued += 1;
  return `test.thing${typesIssued}.changed`;
}

/** A dispatcher that retries at once and keeps its log to itself. */
function makeDispatcher(options: EventDispatcherOptions = {}): EventDispatcher {
  const dispatcher = new EventDispatcher(database, {
    backoff: { baseMs: 0, maxMs: 0 },
    logger: collectingLogger(),
    ...options,
  });
  dispatchers.push(dispatcher);
  return dispatcher;
}

async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(10);
  }
}

describe('delivery', () => {
  it('delivers every event once, each aggregate in the order it was recorded', async () => {
    const type = freshType();
    const ids: number[] = [];
    for (let seq = 1; seq <= 5; seq++) {
      ids.push(
        ...(await database.transaction(async (tx) => [
          await recordTestEventIn(tx, 'a', seq, type),
          await recordTestEventIn(tx, 'b', seq, type),
        ])),
      );
      ids.push(await recordTestEvent(database, 'c', seq, type));
    }
    const dispatcher = makeDispatcher({ batchSize: 4 });
    dispatcher.subscribe('test.all', { types: [type] }, effectHandler('test.all'));
    await dispatcher.drain();

    const effects = await effectsOf(database, 'test.all');
    expect(effects.map((effect) => effect.eventId).sort((x, y) => x - y)).toEqual(ids);
    expect(seqsByAggregate(effects)).toEqual({ a: [1, 2, 3, 4, 5], b: [1, 2, 3, 4, 5], c: [1, 2, 3, 4, 5] });
  });

  it('delivers only the types a subscriber asks for, and does not read the others again', async () => {
    const [changed, removed] = [freshType(), freshType()];
    for (let seq = 1; seq <= 3; seq++) {
      await recordTestEvent(database, 'a', seq, changed);
      await recordTestEvent(database, 'a', seq, removed);
    }
    const dispatcher = makeDispatcher({ batchSize: 2 });
    dispatcher.subscribe('test.removals', { types: [removed] }, effectHandler('test.removals'));
    await dispatcher.drain();

    expect(seqsByAggregate(await effectsOf(database, 'test.removals'))).toEqual({ a: [1, 2, 3] });
    const unread = await sql<{ count: number }>`
      select count(*)::int as count from platform.outbox_event e
      join platform.outbox_cursor c on c.subscriber = 'test.removals'
      where (e.xid, e.id) > (c.xid, c.event_id)`.execute(database.kysely);
    expect(unread.rows[0]!.count).toBe(0);
  });

  it('keeps subscribers apart: one that always fails holds no other up', async () => {
    const type = freshType();
    for (let seq = 1; seq <= 3; seq++) await recordTestEvent(database, 'a', seq, type);
    const dispatcher = makeDispatcher({ maxAttempts: 2 });
    dispatcher.subscribe(
      'test.broken',
      { types: [type] },
      effectHandler('test.broken', () => {
        throw new Error('downstream refused');
      }),
    );
    dispatcher.subscribe('test.working', { types: [type] }, effectHandler('test.working'));
    await dispatcher.drain();

    expect(seqsByAggregate(await effectsOf(database, 'test.working'))).toEqual({ a: [1, 2, 3] });
    expect(await effectsOf(database, 'test.broken')).toEqual([]);
    const parked = await dispatcher.listParked('test.broken');
    expect(parked.map((entry) => [entry.event.payload, entry.attempts])).toEqual([
      [{ seq: 1 }, 2],
      [{ seq: 2 }, 0],
      [{ seq: 3 }, 0],
    ]);
    expect(parked[0]!.lastError).toBe('Error: downstream refused');
  });

  it('hands a handler the delivery transaction, so the events it records go out after it commits', async () => {
    const [completed, archived] = [freshType(), freshType()];
    await recordTestEvent(database, 'a', 1, completed);
    const dispatcher = makeDispatcher();
    dispatcher.subscribe('test.archiver', { types: [completed] }, async (event, tx) => {
      await recordTestEventIn(tx, event.aggregateId, 1, archived);
    });
    dispatcher.subscribe('test.notifier', { types: [archived] }, effectHandler('test.notifier'));
    await dispatcher.drain();

    expect(seqsByAggregate(await effectsOf(database, 'test.notifier'))).toEqual({ a: [1] });
  });
});

describe('failures', () => {
  it('rolls a failed batch back with the database writes its handlers made', async () => {
    const type = freshType();
    const ids = [
      await recordTestEvent(database, 'a', 1, type),
      await recordTestEvent(database, 'b', 1, type),
      await recordTestEvent(database, 'a', 2, type),
    ];
    let failuresLeft = 1;
    const dispatcher = makeDispatcher({ maxAttempts: 5 });
    dispatcher.subscribe(
      'test.flaky',
      { types: [type] },
      effectHandler('test.flaky', (event) => {
        if (event.id === ids[2] && failuresLeft-- > 0) throw new Error('timeout');
      }),
    );
    await dispatcher.drain();

    // The failed batch wrote effects for a1, b1 and a2 before a2 threw; none of those stayed.
    const effects = await effectsOf(database, 'test.flaky');
    expect(effects.map((effect) => effect.eventId).sort((x, y) => x - y)).toEqual(ids);
    expect(seqsByAggregate(effects)).toEqual({ a: [1, 2], b: [1] });
    expect(await dispatcher.listParked('test.flaky')).toEqual([]);
  });

  it('parks an event out of attempts with the later events of its aggregate, lets others flow, and delivers them in order once retried', async () => {
    const type = freshType();
    let broken = true;
    const logger = collectingLogger();
    const dispatcher = makeDispatcher({ maxAttempts: 3, logger });
    dispatcher.subscribe(
      'test.archive',
      { types: [type] },
      effectHandler('test.archive', (event) => {
        if (broken && event.aggregateId === 'a') throw new Error(`cannot archive ${event.aggregateId}`);
      }),
    );
    const a1 = await recordTestEvent(database, 'a', 1, type);
    await recordTestEvent(database, 'b', 1, type);
    const a2 = await recordTestEvent(database, 'a', 2, type);
    await recordTestEvent(database, 'b', 2, type);
    await recordTestEvent(database, 'a', 3, type);
    await dispatcher.drain();

    expect(seqsByAggregate(await effectsOf(database, 'test.archive'))).toEqual({ b: [1, 2] });
    const parked = await dispatcher.listParked('test.archive');
    expect(parked.map((entry) => [entry.event.aggregateId, entry.event.payload, entry.attempts])).toEqual([
      ['a', { seq: 1 }, 3],
      ['a', { seq: 2 }, 0],
      ['a', { seq: 3 }, 0],
    ]);
    expect(logger.lines).toEqual([
      'warn event delivery failed; will retry',
      'warn event delivery failed; will retry',
      'warn event parked after failed deliveries',
    ]);

    // A later event of the parked aggregate is parked behind it; other aggregates still flow.
    await recordTestEvent(database, 'a', 4, type);
    await recordTestEvent(database, 'b', 3, type);
    await dispatcher.drain();
    expect(seqsByAggregate(await effectsOf(database, 'test.archive'))).toEqual({ b: [1, 2, 3] });
    expect((await dispatcher.listParked('test.archive')).map((entry) => entry.event.payload)).toEqual([
      { seq: 1 },
      { seq: 2 },
      { seq: 3 },
      { seq: 4 },
    ]);

    // An operator may only retry an aggregate from its first parked event.
    await expect(dispatcher.retryParked('test.archive', a2)).rejects.toBeInstanceOf(ConflictError);
    await expect(dispatcher.retryParked('test.archive', a2 + 1000)).rejects.toBeInstanceOf(NotFoundError);
    await expect(dispatcher.retryParked('test.nobody')).rejects.toBeInstanceOf(NotFoundError);

    broken = false;
    expect(await dispatcher.retryParked('test.archive', a1)).toBe(4);
    await dispatcher.drain();
    await recordTestEvent(database, 'a', 5, type);
    await dispatcher.drain();
    expect(seqsByAggregate(await effectsOf(database, 'test.archive'))).toEqual({ a: [1, 2, 3, 4, 5], b: [1, 2, 3] });
    expect(await dispatcher.listParked('test.archive')).toEqual([]);
  });

  it('retries all of a subscriber’s parked events, and parks them again if they fail again', async () => {
    const type = freshType();
    let broken = true;
    const dispatcher = makeDispatcher({ maxAttempts: 2 });
    dispatcher.subscribe(
      'test.index',
      { types: [type] },
      effectHandler('test.index', () => {
        if (broken) throw new Error('index offline');
      }),
    );
    await recordTestEvent(database, 'a', 1, type);
    await recordTestEvent(database, 'b', 1, type);
    await dispatcher.drain();
    expect((await dispatcher.listParked('test.index')).map((entry) => entry.event.aggregateId)).toEqual(['a', 'b']);

    expect(await dispatcher.retryParked('test.index')).toBe(2);
    await dispatcher.drain();
    expect((await dispatcher.listParked('test.index')).map((entry) => entry.attempts)).toEqual([2, 2]);

    broken = false;
    await dispatcher.retryParked('test.index');
    await dispatcher.drain();
    expect(seqsByAggregate(await effectsOf(database, 'test.index'))).toEqual({ a: [1], b: [1] });
    expect(await dispatcher.listParked('test.index')).toEqual([]);
  });
});

describe('running', () => {
  it('resumes in a new dispatcher from the last committed position, without delivering anything twice', async () => {
    const type = freshType();
    await recordTestEvent(database, 'a', 1, type);
    await recordTestEvent(database, 'a', 2, type);
    const first = makeDispatcher();
    first.subscribe('test.sync', { types: [type] }, effectHandler('test.sync'));
    await first.drain();
    await first.stop();

    await recordTestEvent(database, 'a', 3, type);
    const second = makeDispatcher();
    second.subscribe('test.sync', { types: [type] }, effectHandler('test.sync'));
    await second.drain();

    expect((await effectsOf(database, 'test.sync')).map((effect) => effect.seq)).toEqual([1, 2, 3]);
  });

  it('delivers in the background, at once when nudged, and finishes the batch in hand when stopped', async () => {
    const type = freshType();
    let entered!: () => void;
    const handlerEntered = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A poll interval far beyond the test's patience: only a nudge can explain a prompt delivery.
    const dispatcher = makeDispatcher({ pollIntervalMs: 600_000 });
    const handle = effectHandler('test.live');
    dispatcher.subscribe('test.live', { types: [type] }, async (event, tx) => {
      await handle(event, tx);
      if ((event.payload as { seq: number }).seq === 3) {
        entered();
        await gate;
      }
    });
    await recordTestEvent(database, 'a', 1, type);
    dispatcher.start();
    await waitFor(async () => (await effectsOf(database, 'test.live')).length === 1, 'the first delivery');

    await recordTestEvent(database, 'a', 2, type);
    dispatcher.nudge();
    await waitFor(async () => (await effectsOf(database, 'test.live')).length === 2, 'the nudged delivery');

    await recordTestEvent(database, 'a', 3, type);
    dispatcher.nudge();
    await handlerEntered;
    let stopped = false;
    const stopping = dispatcher.stop().then(() => {
      stopped = true;
    });
    await sleep(50);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await effectsOf(database, 'test.live')).map((effect) => effect.seq)).toEqual([1, 2, 3]);
  });

  it('checks subscriptions', () => {
    const dispatcher = makeDispatcher();
    const handler = effectHandler('x');
    expect(() => dispatcher.subscribe('Bad Name', {}, handler)).toThrow(ValidationError);
    expect(() => dispatcher.subscribe('test.none', { types: [] }, handler)).toThrow(ValidationError);
    expect(() => dispatcher.subscribe('test.typo', { types: ['completed'] }, handler)).toThrow(ValidationError);
    dispatcher.subscribe('test.one', { types: [freshType()] }, handler);
    expect(() => dispatcher.subscribe('test.one', {}, handler)).toThrow(ConflictError);
    dispatcher.start();
    expect(() => dispatcher.subscribe('test.late', {}, handler)).toThrow(ConflictError);
  });
});
