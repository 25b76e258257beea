/**
 * The embedded database's maintenance: PGlite runs no autovacuum, so without it a table never has
 * statistics; after a run it does. On PostgreSQL nothing is run (autovacuum's job).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { maintainPGlite, startPGliteMaintenance } from './pglite-maintenance.js';

let testDatabase: TestDatabase;
const db = () => testDatabase.database.kysely;

beforeAll(async () => {
  testDatabase = await createTestDatabase({ migrate: false });
  await sql`create table maintained (id int primary key, note text)`.execute(db());
  await sql`insert into maintained select g, md5(g::text) from generate_series(1, 2000) g`.execute(db());
});
afterAll(() => testDatabase?.drop());

const statisticsRows = async () =>
  (await sql<{ n: number }>`select count(*)::int as n from pg_stats where tablename = 'maintained'`.execute(db()))
    .rows[0]!.n;

describe('PGlite maintenance', () => {
  it('gives the embedded database statistics, on a schedule; leaves a PostgreSQL server to autovacuum', async () => {
    if (testDatabase.database.engine === 'postgres') {
      await maintainPGlite(testDatabase.database);
      expect(await statisticsRows()).toBe(0);
      return;
    }
    expect(await statisticsRows()).toBe(0);
    const logged: string[] = [];
    const stop = startPGliteMaintenance({
      database: testDatabase.database,
      firstDelayMs: 10,
      intervalMs: 60_000,
      logger: { info: (_details: unknown, message: string) => logged.push(message), error: () => {} },
    });
    const deadline = Date.now() + 15_000;
    while (logged.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await stop();
    expect(logged).toEqual(['embedded database vacuumed and analysed']);
    expect(await statisticsRows()).toBe(2);
  });
});
