import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { loadCalendar, type WorkingDayCalendar } from '../../platform/calendar/working-days.js';
import { ConflictError } from '../../platform/errors.js';
import { isValidCreditCode } from '../../platform/identifiers/credit-code.js';
import { isValidResidentId } from '../../platform/identifiers/resident-id.js';
import { seedDemoOrganisation, seedDemoStaff } from '../directory/index.js';
import { getPublishedItem, seedDemoServices } from '../services/index.js';
import { formErrors } from './application-form.js';
import { type CaseStatus, lightOf } from './case.js';
import { type GenerateOptions, type GenerateReport, generateCases } from './case-generator.js';
import { addWorkingDays, chinaDateOf } from './deadline.js';

let test: TestDatabase;
let calendar: WorkingDayCalendar;
let report: GenerateReport;
const db = () => test.database.kysely;
/** 2026-06-15 12:00 in China: the history runs from 2024-06-15 to 2026-06-14. */
const NOW = new Date('2026-06-15T04:00:00Z');
const TODAY = '2026-06-15';
const COUNT = 3_000;

function options(overrides: Partial<GenerateOptions> = {}): GenerateOptions {
  return {
    count: COUNT,
    years: 2,
    seed: 7,
    batchSize: 700,
    append: false,
    calendar,
    warnDays: 2,
    followUpDays: 5,
    clock: () => NOW,
    ...overrides,
  };
}

beforeAll(async () => {
  test = await createTestDatabase();
  calendar = await loadCalendar();
  await seedDemoOrganisation(test.database);
  await seedDemoStaff(test.database);
  await seedDemoServices(db());
  report = await generateCases(test.database, options());
}, 300_000);
afterAll(() => test.drop());

interface Row {
  id: string;
  number: string;
  item_code: string;
  item_version: number;
  centre_code: string | null;
  channel: string;
  applicant_kind: string;
  applicant_id: string;
  id_tail: string;
  form: Record<string, unknown>;
  status: CaseStatus;
  stages: unknown[];
  submitted_at: Date;
  completed_at: Date | null;
  accepted_on: string | null;
  due_on: string | null;
  warn_on: string | null;
  promised_limit_days: number;
  paused_days: number;
  working_days_used: number | null;
  on_time: boolean | null;
  version: number;
}

async function cases(): Promise<Row[]> {
  const { rows } = await sql<Row>`select id, number, item_code, item_version, centre_code, channel, applicant_kind,
      applicant_id, id_tail, form, status, stages, submitted_at, completed_at, paused_days, promised_limit_days,
      working_days_used, on_time, version, to_char(accepted_on, 'YYYY-MM-DD') as accepted_on,
      to_char(due_on, 'YYYY-MM-DD') as due_on, to_char(warn_on, 'YYYY-MM-DD') as warn_on
    from cases."case"`.execute(db());
  return rows;
}

describe('generateCases', () => {
  it('writes the cases it reports, in realistic proportions, all in the period', async () => {
    const rows = await cases();
    expect(rows).toHaveLength(COUNT);
    expect(report).toMatchObject({ cases: COUNT, from: '2024-06-15', to: '2026-06-14' });
    const byStatus = new Map<string, number>();
    for (const row of rows) byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + 1);
    expect(Object.fromEntries(byStatus)).toEqual(report.statuses);
    expect(byStatus.get('delivered')! / COUNT).toBeGreaterThan(0.7);
    for (const status of ['rejected', 'withdrawn', 'completed', 'accepted'] as const) {
      expect(byStatus.get(status) ?? 0, status).toBeGreaterThan(0);
    }
    expect(rows.filter((row) => row.channel === 'online').length).toBeGreaterThan(COUNT * 0.1);
    expect(new Set(rows.map((row) => row.centre_code)).size).toBeGreaterThan(20);
    for (const row of rows) {
      const day = chinaDateOf(row.submitted_at);
      expect(day >= report.from && day <= report.to).toBe(true);
      expect(row.number).toMatch(new RegExp(`^${row.centre_code ?? 'WS'}-${day.replaceAll('-', '')}-\\d{6}$`));
    }
  });

  it('gives every applicant a valid identifier and every case form data its item accepts', async () => {
    const rows = await cases();
    const items = new Map<string, Awaited<ReturnType<typeof getPublishedItem>>>();
    for (const row of rows) {
      if (row.applicant_kind === 'citizen') expect(isValidResidentId(row.applicant_id), row.applicant_id).toBe(true);
      else expect(isValidCreditCode(row.applicant_id), row.applicant_id).toBe(true);
      expect(row.id_tail).toBe(row.applicant_id.slice(-6));
      if (!items.has(row.item_code)) items.set(row.item_code, await getPublishedItem(db(), row.item_code));
      expect(formErrors(items.get(row.item_code)!, row.form), row.item_code).toEqual([]);
    }
  });

  it('computes deadlines, working days used and on-time on the platform calendar, pauses included', async () => {
    const rows = (await cases()).filter((row) => row.accepted_on !== null);
    expect(rows.some((row) => row.paused_days > 0)).toBe(true);
    for (const row of rows) {
      expect(row.due_on).toBe(
        addWorkingDays(calendar, row.accepted_on!, row.promised_limit_days + row.paused_days).day,
      );
      expect(row.stages).toHaveLength(2);
      if (row.completed_at) {
        const completedOn = chinaDateOf(row.completed_at);
        expect(row.working_days_used).toBe(
          calendar.workingDaysBetween(row.accepted_on!, completedOn) - row.paused_days,
        );
        expect(row.on_time).toBe(completedOn <= row.due_on!);
      }
    }
    const open = rows.filter((row) => !row.completed_at && ['accepted', 'decided'].includes(row.status));
    const lights = new Set(
      open.map((row) => lightOf({ status: row.status, dueOn: row.due_on, warnOn: row.warn_on }, TODAY)),
    );
    expect(lights).toContain('green');
    expect(lights.has('yellow') || lights.has('red')).toBe(true);
    expect(rows.some((row) => row.on_time === false)).toBe(true);
  });

  it('writes steps in order that end in the case status, all before today, with a version per transition', async () => {
    const { rows } = await sql<{ case_id: string; actions: string[]; tos: string[]; ats: Date[] }>`
      select case_id, array_agg(action order by seq) as actions, array_agg(to_status order by seq) as tos,
             array_agg(at order by seq) as ats
        from cases.step group by case_id`.execute(db());
    expect(rows).toHaveLength(COUNT);
    expect(rows.reduce((sum, row) => sum + row.actions.length, 0)).toBe(report.steps);
    const byId = new Map((await cases()).map((row) => [row.id, row]));
    for (const row of rows) {
      const c = byId.get(row.case_id)!;
      expect(row.actions[0]).toBe('submit');
      expect(row.tos[row.tos.length - 1]).toBe(c.status);
      for (let i = 1; i < row.ats.length; i++) expect(row.ats[i]!.getTime()).toBeGreaterThan(row.ats[i - 1]!.getTime());
      expect(chinaDateOf(row.ats[row.ats.length - 1]!) < TODAY).toBe(true);
      const transitions = row.actions.filter((action) => !['submit', 'rate', 'rating_answered'].includes(action));
      expect(c.version).toBe(1 + transitions.length);
      if (c.status === 'delivered')
        expect(row.actions).toEqual(expect.arrayContaining(['accept', 'decide', 'complete', 'deliver']));
    }
  });

  it('rates about 40 % of completed cases, only after 办结, poor ones with a follow-up', async () => {
    const { rows } = await sql<{
      status: string;
      score: number;
      follow_up_due_on: string | null;
      answered_at: Date | null;
    }>`
      select c.status, g.score, to_char(g.follow_up_due_on, 'YYYY-MM-DD') as follow_up_due_on, g.answered_at
        from cases.rating g join cases."case" c on c.id = g.case_id`.execute(db());
    const completed = Object.entries(report.statuses)
      .filter(([status]) => status === 'completed' || status === 'delivered')
      .reduce((sum, [, n]) => sum + n, 0);
    expect(rows.length / completed).toBeGreaterThan(0.3);
    expect(rows.length / completed).toBeLessThan(0.5);
    expect(rows.every((row) => row.status === 'completed' || row.status === 'delivered')).toBe(true);
    const poor = rows.filter((row) => row.score <= 2);
    expect(poor.length).toBeGreaterThan(0);
    expect(poor.every((row) => row.follow_up_due_on !== null)).toBe(true);
    expect(poor.some((row) => row.answered_at !== null)).toBe(true);
  });

  it('keeps the daily tally the lifecycle keeps: the same counts as the steps, day by day', async () => {
    const { rows: fromSteps } = await sql<{ key: string; n: number }>`
      select concat_ws('|', to_char((s.at at time zone 'UTC') + interval '8 hours', 'YYYY-MM-DD'),
               coalesce(c.centre_code, ''), c.item_code, s.action) as key, count(*)::int as n
        from cases.step s join cases."case" c on c.id = s.case_id
       where s.action in ('submit', 'accept', 'reject', 'withdraw', 'complete', 'rate')
       group by 1`.execute(db());
    const { rows: tallies } = await sql<Record<string, number | string>>`
      select to_char(day, 'YYYY-MM-DD') as day, centre_code, item_code, submitted, accepted, rejected, withdrawn,
             completed, ratings
        from cases.daily_tally`.execute(db());
    const fromTally = new Map<string, number>();
    const names = {
      submitted: 'submit',
      accepted: 'accept',
      rejected: 'reject',
      withdrawn: 'withdraw',
      completed: 'complete',
      ratings: 'rate',
    };
    for (const tally of tallies) {
      for (const [column, action] of Object.entries(names)) {
        if (Number(tally[column]) > 0)
          fromTally.set(`${tally.day}|${tally.centre_code}|${tally.item_code}|${action}`, Number(tally[column]));
      }
    }
    expect(fromTally).toEqual(new Map(fromSteps.map((row) => [row.key, row.n])));
    const { rows: sums } = await sql<{
      on_time: number;
      days: number;
      granted: number;
      refused: number;
      rating_sum: number;
      poor: number;
    }>`
      select (select sum(completed_on_time)::int from cases.daily_tally) as on_time,
             (select sum(working_days_sum)::int from cases.daily_tally) as days,
             (select sum(granted)::int from cases.daily_tally) as granted,
             (select sum(refused)::int from cases.daily_tally) as refused,
             (select sum(rating_sum)::int from cases.daily_tally) as rating_sum,
             (select sum(poor_ratings)::int from cases.daily_tally) as poor`.execute(db());
    const { rows: truth } = await sql<{
      on_time: number;
      days: number;
      granted: number;
      refused: number;
      rating_sum: number;
      poor: number;
    }>`
      select (select count(*)::int from cases."case" where on_time) as on_time,
             (select sum(working_days_used)::int from cases."case") as days,
             (select count(*)::int from cases."case" where completed_at is not null and decision = 'granted') as granted,
             (select count(*)::int from cases."case" where completed_at is not null and decision = 'refused') as refused,
             (select sum(score)::int from cases.rating) as rating_sum,
             (select count(*)::int from cases.rating where score <= 2) as poor`.execute(db());
    expect(sums[0]).toEqual(truth[0]);
  });

  it('raises the alerts the daily sweep would have raised, and marks the load in the audit log', async () => {
    const { rows } = await sql<{ level: string; n: number; unacknowledged: number }>`
      select level, count(*)::int as n, count(*) filter (where acknowledged_at is null)::int as unacknowledged
        from cases.alert group by level order by level`.execute(db());
    expect(rows.map((row) => row.level)).toEqual(['red', 'yellow']);
    expect(rows.reduce((sum, row) => sum + row.n, 0)).toBe(
      (await sql<{ n: number }>`select count(*)::int as n from cases.alert`.execute(db())).rows[0]!.n,
    );
    const { rows: audit } = await sql<{ details: Record<string, unknown> }>`
      select details from platform.audit_log where action = 'cases.case.generate'`.execute(db());
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ loadData: true, count: COUNT, seed: 7 });
  });

  it('refuses a database with cases unless appending, and appends with numbers that go on', async () => {
    await expect(() => generateCases(test.database, options({ count: 10 }))).rejects.toThrow(ConflictError);
    const before = await sql<{ n: number }>`select count(*)::int as n from cases."case"`.execute(db());
    await generateCases(test.database, options({ count: 200, seed: 8, append: true }));
    const after = await sql<{ n: number }>`select count(*)::int as n from cases."case"`.execute(db());
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n + 200);
    const { rows } = await sql<{ behind: number }>`
      select count(*)::int as behind from cases.number_sequence s
       where s.last < (select max(split_part(number, '-', 3)::int) from cases."case"
                        where split_part(number, '-', 1) = s.prefix
                          and split_part(number, '-', 2) = to_char(s.day, 'YYYYMMDD'))`.execute(db());
    expect(rows[0]!.behind).toBe(0);
    const { rows: submitted } = await sql<{ tallied: number; cases: number }>`
      select (select sum(submitted)::int from cases.daily_tally) as tallied,
             (select count(*)::int from cases."case") as cases`.execute(db());
    expect(submitted[0]!.tallied).toBe(submitted[0]!.cases);
  });

  it('generates up to the end of the calendar: what would fall past it stays in the future', async () => {
    const lateInTheYear = new Date('2026-12-28T04:00:00Z');
    const appended = await generateCases(
      test.database,
      options({ count: 400, seed: 9, append: true, clock: () => lateInTheYear }),
    );
    expect(appended.cases).toBe(400);
    const { rows } = await sql<{
      accepted_on: string;
      due_on: string;
      promised: number;
      statutory: number;
      paused: number;
      provisional: boolean;
    }>`
      select to_char(accepted_on, 'YYYY-MM-DD') as accepted_on, to_char(due_on, 'YYYY-MM-DD') as due_on,
             promised_limit_days as promised, statutory_limit_days as statutory, paused_days as paused,
             deadline_provisional as provisional
        from cases."case"
       where submitted_at >= '2026-12-01' and closed_at is null and completed_at is null and accepted_on is not null`.execute(
      db(),
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const due = addWorkingDays(calendar, row.accepted_on, row.promised + row.paused);
      const statutory = addWorkingDays(calendar, row.accepted_on, row.statutory + row.paused);
      expect(row.due_on).toBe(due.day);
      expect(row.provisional).toBe(due.provisional || statutory.provisional);
    }
    expect(rows.some((row) => row.provisional)).toBe(true);
  });

  it('keeps the monthly roll-ups equal to the daily tally after the first run and the appends', async () => {
    const totals = async (table: string) =>
      (
        await sql<Record<string, number>>`
          select sum(submitted)::int as submitted, sum(accepted)::int as accepted, sum(rejected)::int as rejected,
                 sum(completed)::int as completed, sum(completed_on_time)::int as on_time,
                 sum(working_days_sum)::int as days, sum(granted)::int as granted, sum(refused)::int as refused,
                 sum(withdrawn)::int as withdrawn, sum(ratings)::int as ratings, sum(rating_sum)::int as rating_sum,
                 sum(poor_ratings)::int as poor
            from ${sql.table(table)}`.execute(db())
      ).rows[0];
    const rowsOf = async (table: string) =>
      (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db())).rows[0]!.n;
    const daily = await totals('cases.daily_tally');
    for (const table of ['cases.monthly_tally', 'cases.monthly_unit_tally', 'cases.monthly_item_tally']) {
      expect({ table, ...(await totals(table)) }).toEqual({ table, ...daily });
    }
    // Each coarser table holds fewer rows than the one per month, centre, department and item.
    const full = await rowsOf('cases.monthly_tally');
    expect(await rowsOf('cases.monthly_unit_tally')).toBeLessThan(full);
    expect(await rowsOf('cases.monthly_item_tally')).toBeLessThan(full);
  });
});
