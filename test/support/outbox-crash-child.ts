/**
 * The process that src/platform/events/dispatch-crash.test.ts kills. It records events over a
 * number of aggregates (carrying on after the last committed transaction if an earlier run was
 * killed) while a dispatcher delivers them slowly to a handler with an outside effect: a line
 * `eventId aggregateId seq` appended to a file and fsynced. Prints `done` once all are delivered.
 *
 * Usage: tsx outbox-crash-child.ts <output file> <PGlite data dir | PostgreSQL URL> <events> <aggregates>
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrate } from '../../src/platform/db/migrations.js';
import { EventDispatcher } from '../../src/platform/events/dispatcher.js';
import { recordEvent } from '../../src/platform/events/outbox.js';

const [outputFile, target, eventsText, aggregatesText] = process.argv.slice(2);
if (!outputFile || !target || !eventsText || !aggregatesText) {
  throw new Error('usage: outbox-crash-child.ts <output file> <data dir | url> <events> <aggregates>');
}
const totalEvents = Number(eventsText);
/** The test kills this process when the file's line count is not a multiple of it: inside a batch. */
const BATCH_SIZE = 10;
const aggregates = Number(aggregatesText);

const database = await openDatabase(/^postgres(ql)?:/.test(target) ? { databaseUrl: target } : { dataDir: target });
await migrate(database);

const output = openSync(outputFile, 'a');
const dispatcher = new EventDispatcher(database, { batchSize: BATCH_SIZE, pollIntervalMs: 10 });
dispatcher.subscribe('test.crash-witness', { types: ['test.crash.recorded'] }, async (event) => {
  // Slow on purpose, so that the kill lands in the middle of the run.
  await sleep(5);
  writeSync(output, `${event.id} ${event.aggregateId} ${(event.payload as { seq: number }).seq}\n`);
  fsyncSync(output);
});
dispatcher.start();

// One transaction records one event for every aggregate, so a killed run leaves whole rounds.
const recorded = await sql<{ count: number }>`
  select count(*)::int as count from platform.outbox_event where type = 'test.crash.recorded'`.execute(database.kysely);
for (let index = recorded.rows[0]!.count; index < totalEvents; index += aggregates) {
  await database.transaction(async (tx) => {
    for (let aggregate = 0; aggregate < aggregates; aggregate++) {
      await recordEvent(tx, {
        aggregateType: 'thing',
        aggregateId: `agg-${aggregate}`,
        type: 'test.crash.recorded',
        payload: { seq: index / aggregates },
      });
    }
  });
  dispatcher.nudge();
}

await dispatcher.drain({ timeoutMs: 120_000 });
await dispatcher.stop();
closeSync(output);
await database.close();
console.log('done');
