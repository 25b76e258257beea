/**
 * LISTEN/NOTIFY through the Database: payloads arrive until the listener stops, and on PostgreSQL
 * a lost listening connection is made again (with a null call, since notifications were missed).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServerUrl } from '../../../test/support/database.js';

let testDatabase: TestDatabase;
const db = () => testDatabase.database.kysely;

beforeAll(async () => {
  testDatabase = await createTestDatabase({ migrate: false });
});
afterAll(() => testDatabase?.drop());

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a notification');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const notify = (channel: string, payload: string) => sql`select pg_notify(${channel}, ${payload})`.execute(db());

describe('Database.listen', () => {
  it('hands over each payload sent to its channel, and nothing after it stops', async () => {
    const received: Array<string | null> = [];
    const stop = await testDatabase.database.listen('huitong_test_channel', (payload) => received.push(payload));
    await notify('huitong_test_channel', 'one');
    await notify('other_channel', 'not this');
    await notify('huitong_test_channel', 'two');
    await until(() => received.length >= 2);
    expect(received).toEqual(['one', 'two']);
    await stop();
    await notify('huitong_test_channel', 'three');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual(['one', 'two']);
  });

  // PGlite has no connection to lose.
  it.skipIf(!testServerUrl)(
    'listens again after its connection is killed, and says that some may have been missed',
    async () => {
      const received: Array<string | null> = [];
      const stop = await testDatabase.database.listen('huitong_test_lost', (payload) => received.push(payload));
      try {
        await sql`select pg_terminate_backend(pid) from pg_stat_activity
                 where datname = current_database() and query = 'listen "huitong_test_lost"'`.execute(db());
        await until(() => received.includes(null));
        await notify('huitong_test_lost', 'after');
        await until(() => received.includes('after'));
      } finally {
        await stop();
      }
    },
  );
});
