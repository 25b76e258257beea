/**
 * Statements marked PREPARED: on PostgreSQL prepared once per connection under a name and reused,
 * with their parameters bound each time; on PGlite run as they are.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { PREPARED } from './database.js';

let testDatabase: TestDatabase;

beforeAll(async () => {
  testDatabase = await createTestDatabase({ migrate: false });
});
afterAll(() => testDatabase?.drop());

describe('PREPARED', () => {
  it('binds new parameters on every run, and on PostgreSQL prepares the statement once on the connection', async () => {
    const { database } = testDatabase;
    const twice = (n: number) => sql<{ twice: number }>`${PREPARED} select ${n}::int * 2 as twice`;
    const prepared = await database.transaction(async (tx) => {
      // One transaction, so one connection: the second run reuses what the first prepared.
      const results = [await twice(2).execute(tx), await twice(21).execute(tx)];
      expect(results.map((result) => result.rows[0]!.twice)).toEqual([4, 42]);
      const { rows } = await sql<{ name: string; statement: string }>`
        select name, statement from pg_prepared_statements where statement like '/* prepared */%'`.execute(tx);
      return rows;
    });
    if (database.engine === 'postgres') {
      expect(prepared).toHaveLength(1);
      expect(prepared[0]!.name).toMatch(/^huitong_[0-9a-f]{24}$/);
    } else {
      expect(prepared).toEqual([]);
    }
    // Unmarked statements are not prepared.
    await database.transaction(async (tx) => {
      await sql`select 1 as one`.execute(tx);
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_prepared_statements where statement like 'select 1 as one%'`.execute(tx);
      expect(rows[0]!.n).toBe(0);
    });
  });
});
