import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { loadCalendar, type WorkingDayCalendar } from '../../platform/calendar/working-days.js';
import { startDeadlineSweeper } from './alert-sweeper.js';
import { casesCommand } from './supervision.command.js';
import { insertTestCase } from './supervision.fixtures.js';

let test: TestDatabase;
let calendar: WorkingDayCalendar;
const db = () => test.database.kysely;
const clock = () => new Date('2024-02-18T04:00:00Z');
const alertCount = async () =>
  (await sql<{ n: number }>`select count(*)::int as n from cases.alert`.execute(db())).rows[0]!.n;

beforeAll(async () => {
  test = await createTestDatabase();
  calendar = await loadCalendar();
  await insertTestCase(db(), { dueOn: '2024-02-19', warnOn: '2024-02-09' });
});
afterAll(() => test.drop());

/** Runs `huitong cases <args>` and returns what it wrote to stdout. */
async function run(...args: string[]): Promise<string> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  // The command closes the database it opens: hand it one that closes nothing.
  const database = { ...test.database, close: async () => {} };
  const settings = async () => ({ calendar, warnDays: 2 });
  const command = casesCommand(async () => database, settings, { stdout, stderr: new PassThrough() }, clock);
  await command.parseAsync(args, { from: 'user' });
  return text;
}

describe('huitong cases sweep', () => {
  it('raises the alerts due and says how many, in both languages', async () => {
    const text = await run('sweep');
    expect(text).toBe(
      '时限扫描完成（2024-02-18）：新增黄灯预警 1 条，红灯预警 0 条。 / Deadline sweep done (2024-02-18): 1 yellow and 0 red alert(s) raised.\n',
    );
  });
});

describe('the sweeper of the worker role', () => {
  it('sweeps at start and stops after the run in progress', async () => {
    await insertTestCase(db(), { dueOn: '2024-02-08', warnOn: '2024-02-06' });
    const stop = startDeadlineSweeper({ database: test.database, calendar, warnDays: 2, intervalMs: 3_600_000, clock });
    await stop();
    expect(await alertCount()).toBe(2);
  });
});

describe('huitong cases recompute-deadlines', () => {
  it('recounts provisional deadlines on the calendar in use and says how many moved', async () => {
    // Accepted 2025-12-22 while the calendar ended in 2025: the statutory 20 days were counted
    // Monday–Friday to 2026-01-19. The calendar now has 2026 (元旦 01-01…01-03, Sunday 01-04 worked).
    const { id } = await insertTestCase(db(), { acceptedOn: '2025-12-22', dueOn: '2025-12-29', warnOn: '2025-12-25' });
    await sql`update cases."case" set statutory_due_on = '2026-01-19', deadline_provisional = true
               where id = ${id}`.execute(db());
    expect(await run('recompute-deadlines')).toBe(
      '期限重算完成：1 件在办办件的期限为暂定，重算后变更 1 件，仍为暂定 0 件（工作日历收录至 2026 年）。 / Deadlines recomputed: 1 running case(s) had provisional deadlines, 1 changed, 0 still provisional (the calendar covers up to 2026).\n',
    );
    const { rows } = await sql<{ due: string; statutory: string; provisional: boolean }>`
      select to_char(due_on, 'YYYY-MM-DD') as due, to_char(statutory_due_on, 'YYYY-MM-DD') as statutory,
             deadline_provisional as provisional from cases."case" where id = ${id}`.execute(db());
    expect(rows).toEqual([{ due: '2025-12-29', statutory: '2026-01-20', provisional: false }]);
    expect(await run('recompute-deadlines')).toContain('0 running case(s) had provisional deadlines, 0 changed');
  });
});
