import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CaseWorld,
  createCaseWorld,
  newResidentId,
  publishTestItem,
  TEST_FORM_DATA,
} from '../../../test/support/case-world.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import {
  BUNDLED_CALENDAR_FILE,
  type CalendarData,
  loadCalendar,
  parseCalendar,
  type WorkingDayCalendar,
} from '../../platform/calendar/working-days.js';
import type { CaseDetail } from './case.js';
import { getCase, takeIn } from './case.service.js';
import { act } from './case-transition.service.js';
import { addWorkingDays, chinaDateOf, deadlinesOf, workingDaysBefore, workingDaysBetween } from './deadline.js';
import { recomputeProvisionalDeadlines } from './provisional-deadlines.service.js';

// 2024 (国办发明电〔2023〕7号): 春节 02-10…02-17 off, Sundays 02-04 and 02-18 worked;
// 国庆节 10-01…10-07 off, Sunday 09-29 and Saturday 10-12 worked.
let calendar: WorkingDayCalendar;

describe('deadlines on the calendar', () => {
  beforeAll(async () => {
    calendar = await loadCalendar();
  });

  it('counts across the Spring Festival with its 调休 days', () => {
    // From Thursday 02-08: 02-09, then the make-up Sunday 02-18, 02-19, 02-20, 02-21.
    expect(
      deadlinesOf(
        calendar,
        { acceptedOn: '2024-02-08', promisedLimitDays: 5, statutoryLimitDays: 20, pausedDays: 0 },
        2,
      ),
    ).toEqual({
      dueOn: '2024-02-21',
      statutoryDueOn: '2024-03-13',
      warnOn: '2024-02-19',
      provisional: false,
    });
    // A deadline may fall on a make-up Sunday: it is a working day.
    expect(calendar.addWorkingDays('2024-02-05', 5)).toBe('2024-02-18');
    // From the holiday's eve, 2 working days back is before the holiday and the make-up Sunday 02-04.
    expect(workingDaysBefore(calendar, '2024-02-18', 2)).toBe('2024-02-08');
    expect(workingDaysBefore(calendar, '2024-02-06', 2)).toBe('2024-02-04');
    expect(workingDaysBefore(calendar, '2024-02-21', 0)).toBe('2024-02-21');
  });

  it('counts across National Day with its 调休 days', () => {
    // From Friday 09-27: the make-up Sunday 09-29, 09-30, then 10-08, 10-09, 10-10.
    expect(
      deadlinesOf(
        calendar,
        { acceptedOn: '2024-09-27', promisedLimitDays: 5, statutoryLimitDays: 20, pausedDays: 0 },
        2,
      ),
    ).toEqual({
      dueOn: '2024-10-10',
      statutoryDueOn: '2024-10-30',
      warnOn: '2024-10-08',
      provisional: false,
    });
    expect(workingDaysBefore(calendar, '2024-10-08', 1)).toBe('2024-09-30');
    expect(workingDaysBefore(calendar, '2024-10-14', 1)).toBe('2024-10-12');
  });

  it('counts Monday–Friday past the calendar’s last year, and says the result is provisional', () => {
    expect(calendar.coveredYears.to).toBe(2026);
    // From Sunday 2026-12-20: 9 working days left in 2026, then 11 weekdays of 2027 (01-01 a Friday).
    expect(addWorkingDays(calendar, '2026-12-20', 20)).toEqual({ day: '2027-01-15', provisional: true });
    expect(addWorkingDays(calendar, '2026-12-20', 9)).toEqual({ day: '2026-12-31', provisional: false });
    expect(addWorkingDays(calendar, '2027-01-01', 1)).toEqual({ day: '2027-01-04', provisional: true });
    expect(
      deadlinesOf(
        calendar,
        { acceptedOn: '2026-12-20', promisedLimitDays: 5, statutoryLimitDays: 20, pausedDays: 0 },
        2,
      ),
    ).toEqual({ dueOn: '2026-12-25', statutoryDueOn: '2027-01-15', warnOn: '2026-12-23', provisional: true });
    // The warning day walks back over the weekend of 2027 as weekdays count.
    expect(workingDaysBefore(calendar, '2027-01-04', 2)).toBe('2026-12-31');
    expect(workingDaysBetween(calendar, '2026-12-30', '2027-01-04')).toEqual({ days: 3, provisional: true });
    expect(workingDaysBetween(calendar, '2027-01-04', '2026-12-30')).toEqual({ days: -3, provisional: true });
    // 10-08, 10-09 and the make-up Saturday 10-10: within the calendar, exact.
    expect(workingDaysBetween(calendar, '2026-09-30', '2026-10-10')).toEqual({ days: 3, provisional: false });
    // Before the calendar's first year it is still an error, never a guess.
    expect(() => addWorkingDays(calendar, '2019-12-30', 3)).toThrow(
      expect.objectContaining({ code: 'calendar.date_out_of_range' }),
    );
  });

  it('takes the civil date in China', () => {
    expect(chinaDateOf(new Date('2024-02-09T15:59:59Z'))).toBe('2024-02-09');
    expect(chinaDateOf(new Date('2024-02-09T16:00:00Z'))).toBe('2024-02-10');
  });
});

describe('cases across the holidays', () => {
  let test: TestDatabase;
  let world: CaseWorld;
  const db = () => test.database.kysely;

  beforeAll(async () => {
    test = await createTestDatabase();
    world = await createCaseWorld(db());
  });
  afterAll(async () => {
    await world.close();
    await test.drop();
  });

  async function acceptOn(day: string): Promise<CaseDetail> {
    world.setToday(day);
    const c = await takeIn(
      db(),
      world.actor('clerk1'),
      {
        itemCode: world.itemCode,
        centreCode: 'XC1',
        applicant: { kind: 'citizen', name: '李明', idNumber: newResidentId() },
        form: TEST_FORM_DATA,
      },
      world.deps,
    );
    return act(db(), world.as('clerk1'), c.id, 'accept', { version: c.version }, world.deps);
  }

  async function decideAndComplete(c: CaseDetail, day: string): Promise<CaseDetail> {
    let d = await act(db(), world.as('handler'), c.id, 'advance', { version: c.version, opinion: '可' }, world.deps);
    d = await act(
      db(),
      world.as('approver'),
      d.id,
      'decide',
      { version: d.version, decision: 'granted', opinion: '同意' },
      world.deps,
    );
    world.setToday(day);
    return act(db(), world.as('handler'), d.id, 'complete', { version: d.version }, world.deps);
  }

  it('runs a case over the Spring Festival without a pause: due on the 5th working day, yellow, then red', async () => {
    const c = await acceptOn('2024-02-08');
    expect(c).toMatchObject({
      dueOn: '2024-02-21',
      statutoryDueOn: '2024-03-13',
      warnOn: '2024-02-19',
      light: 'green',
    });
    world.setToday('2024-02-18');
    expect((await getCase(db(), world.as('handler'), c.id, world.deps)).light).toBe('green');
    world.setToday('2024-02-19');
    expect((await getCase(db(), world.as('handler'), c.id, world.deps)).light).toBe('yellow');
    world.setToday('2024-02-22');
    expect((await getCase(db(), world.as('handler'), c.id, world.deps)).light).toBe('red');
    const done = await decideAndComplete(c, '2024-02-22');
    // 02-09, 02-18, 02-19, 02-20, 02-21, 02-22: one day late.
    expect(done).toMatchObject({ workingDaysUsed: 6, onTime: false, light: null });
  });

  it('moves the deadline on by the working days of a 补正 over the Spring Festival', async () => {
    const c = await acceptOn('2024-02-05');
    // Due on the make-up Sunday 02-18.
    expect(c).toMatchObject({ dueOn: '2024-02-18', warnOn: '2024-02-08' });
    world.setToday('2024-02-07');
    const paused = await act(
      db(),
      world.as('handler'),
      c.id,
      'supplement',
      { version: c.version, reason: '缺少身份证复印件', materialIndexes: [1] },
      world.deps,
    );
    expect(paused).toMatchObject({ status: 'supplement', pausedSince: '2024-02-07', light: null });
    expect(paused.pauses).toEqual([
      {
        seq: 1,
        kind: 'supplement',
        reason: '缺少身份证复印件',
        startedOn: '2024-02-07',
        endedOn: null,
        workingDays: null,
      },
    ]);
    world.setToday('2024-02-19');
    const resumed = await act(
      db(),
      world.as('clerk1'),
      c.id,
      'supplement_complete',
      { version: paused.version },
      world.deps,
    );
    // Paused over 02-08, 02-09, 02-18, 02-19: 4 working days; 5 + 4 from 02-05 is 02-22.
    expect(resumed).toMatchObject({
      status: 'accepted',
      pausedDays: 4,
      pausedSince: null,
      dueOn: '2024-02-22',
      statutoryDueOn: '2024-03-14',
      warnOn: '2024-02-20',
      light: 'green',
    });
    expect(resumed.pauses[0]).toMatchObject({ endedOn: '2024-02-19', workingDays: 4 });
    const done = await decideAndComplete(resumed, '2024-02-21');
    // 02-06 … 02-21 is 8 working days, 4 of them paused.
    expect(done).toMatchObject({ workingDaysUsed: 4, onTime: true });
  });

  it('runs a case over National Day without a pause', async () => {
    const c = await acceptOn('2024-09-27');
    expect(c).toMatchObject({ dueOn: '2024-10-10', statutoryDueOn: '2024-10-30', warnOn: '2024-10-08' });
    const done = await decideAndComplete(c, '2024-10-12');
    // 09-29, 09-30, 10-08 … 10-12: the make-up Saturday 10-12 counts.
    expect(done).toMatchObject({ workingDaysUsed: 7, onTime: false });
  });

  it('moves the deadline on by the working days of an inspection over National Day', async () => {
    const c = await acceptOn('2024-09-26');
    expect(c.dueOn).toBe('2024-10-09');
    world.setToday('2024-09-27');
    const special = await act(
      db(),
      world.as('handler'),
      c.id,
      'special',
      { version: c.version, kind: 'inspection', reason: '现场核查经营场所' },
      world.deps,
    );
    expect(special).toMatchObject({ status: 'special', allowedActions: ['special_end', 'receive_material'] });
    world.setToday('2024-10-12');
    const resumed = await act(
      db(),
      world.as('handler'),
      c.id,
      'special_end',
      { version: special.version, opinion: '核查合格' },
      world.deps,
    );
    // Paused over 09-29, 09-30, 10-08 … 10-12: 7 working days; 5 + 7 from 09-26 is 10-17.
    expect(resumed).toMatchObject({ pausedDays: 7, dueOn: '2024-10-17', warnOn: '2024-10-15' });
    expect(resumed.pauses).toEqual([
      {
        seq: 1,
        kind: 'inspection',
        reason: '现场核查经营场所',
        startedOn: '2024-09-27',
        endedOn: '2024-10-12',
        workingDays: 7,
      },
    ]);
    const done = await decideAndComplete(resumed, '2024-10-14');
    expect(done).toMatchObject({ workingDaysUsed: 2, onTime: true });
  });

  it('refuses to resume a case that is not paused, and to pause one twice', async () => {
    const c = await acceptOn('2024-03-11');
    await expect(
      act(db(), world.as('handler'), c.id, 'special_end', { version: c.version, opinion: '结束' }, world.deps),
    ).rejects.toMatchObject({ code: 'cases.wrong_state' });
    const paused = await act(
      db(),
      world.as('handler'),
      c.id,
      'supplement',
      { version: c.version, reason: '补正', materialIndexes: [0] },
      world.deps,
    );
    await expect(
      act(
        db(),
        world.as('handler'),
        c.id,
        'special',
        { version: paused.version, kind: 'hearing', reason: '听证' },
        world.deps,
      ),
    ).rejects.toMatchObject({ code: 'cases.wrong_state', params: { status: 'supplement' } });
  });
});

/**
 * TEST DATA, NOT A SCHEDULE: the bundled calendar plus a made-up 2027 with only a 元旦 of 01-01…01-03,
 * standing in for the State Council's notice, which is not yet published. Never copy it into a data file.
 */
async function calendarWithMadeUp2027(): Promise<WorkingDayCalendar> {
  const bundled = JSON.parse(await readFile(BUNDLED_CALENDAR_FILE, 'utf8')) as CalendarData;
  bundled.years['2027'] = {
    notice: 'TEST DATA: a made-up 2027 for tests, not a State Council notice',
    holidays: [{ name: '元旦', nameEn: "New Year's Day", from: '2027-01-01', to: '2027-01-03' }],
    makeupWorkdays: [],
  };
  return parseCalendar(bundled, 'test calendar with a made-up 2027');
}

describe('cases whose deadlines run past the calendar', () => {
  let test: TestDatabase;
  let world: CaseWorld;
  let twentyDayItem: string;
  const db = () => test.database.kysely;

  beforeAll(async () => {
    test = await createTestDatabase();
    world = await createCaseWorld(db());
    twentyDayItem = await publishTestItem(db(), { promisedLimitDays: 20, statutoryLimitDays: 20 });
  });
  afterAll(async () => {
    await world.close();
    await test.drop();
  });

  async function acceptOn(day: string, itemCode = world.itemCode): Promise<CaseDetail> {
    world.setToday(day);
    const c = await takeIn(
      db(),
      world.actor('clerk1'),
      {
        itemCode,
        centreCode: 'XC1',
        applicant: { kind: 'citizen', name: '李明', idNumber: newResidentId() },
        form: TEST_FORM_DATA,
      },
      world.deps,
    );
    return act(db(), world.as('clerk1'), c.id, 'accept', { version: c.version }, world.deps);
  }

  async function pauseAndResume(c: CaseDetail, from: string, to: string): Promise<CaseDetail> {
    world.setToday(from);
    const paused = await act(
      db(),
      world.as('handler'),
      c.id,
      'supplement',
      { version: c.version, reason: '缺少身份证复印件', materialIndexes: [1] },
      world.deps,
    );
    world.setToday(to);
    return act(db(), world.as('clerk1'), c.id, 'supplement_complete', { version: paused.version }, world.deps);
  }

  let provisionalTwenty: CaseDetail;
  let provisionalPaused: CaseDetail;
  let completed: CaseDetail;

  it('accepts a case on 2026-12-20 with 20 working days: due on a provisional day counted Monday–Friday into 2027', async () => {
    provisionalTwenty = await acceptOn('2026-12-20', twentyDayItem);
    expect(provisionalTwenty).toMatchObject({
      status: 'accepted',
      dueOn: '2027-01-15',
      statutoryDueOn: '2027-01-15',
      warnOn: '2027-01-13',
      deadlineProvisional: true,
      light: 'green',
    });
    // A case whose deadlines stay in the calendar's years is not provisional.
    world.setToday('2026-06-01');
    expect(await acceptOn('2026-06-01')).toMatchObject({ dueOn: '2026-06-08', deadlineProvisional: false });
  });

  it('pauses, resumes and completes across the year boundary', async () => {
    const c = await acceptOn('2026-12-28');
    // 12-29, 12-30, 12-31, then Friday 01-01 and Monday 01-04 as weekdays.
    expect(c).toMatchObject({ dueOn: '2027-01-04', statutoryDueOn: '2027-01-25', deadlineProvisional: true });
    const resumed = await pauseAndResume(c, '2026-12-30', '2027-01-06');
    // Paused over 12-31, 01-01, 01-04, 01-05, 01-06: 5 days; 5 + 5 from 12-28 is Monday 01-11.
    expect(resumed).toMatchObject({
      status: 'accepted',
      pausedDays: 5,
      dueOn: '2027-01-11',
      statutoryDueOn: '2027-02-01',
      warnOn: '2027-01-07',
      deadlineProvisional: true,
    });
    expect(resumed.pauses[0]).toMatchObject({ endedOn: '2027-01-06', workingDays: 5 });
    provisionalPaused = resumed;

    const other = await pauseAndResume(await acceptOn('2026-12-28'), '2026-12-30', '2027-01-06');
    let d = await act(
      db(),
      world.as('handler'),
      other.id,
      'advance',
      { version: other.version, opinion: '可' },
      world.deps,
    );
    d = await act(
      db(),
      world.as('approver'),
      d.id,
      'decide',
      { version: d.version, decision: 'granted', opinion: '同意' },
      world.deps,
    );
    world.setToday('2027-01-12');
    completed = await act(db(), world.as('handler'), d.id, 'complete', { version: d.version }, world.deps);
    // (12-28, 01-12] is 11 weekdays, 5 of them paused: one day past 01-11.
    expect(completed).toMatchObject({ status: 'completed', workingDaysUsed: 6, onTime: false });
  });

  it('recomputes them once the calendar has the year, and says so in the case history', async () => {
    const stillBundled = await recomputeProvisionalDeadlines(db(), {
      calendar: world.deps.calendar,
      warnDays: 2,
      clock: world.deps.clock,
    });
    // The calendar still ends in 2026: nothing to change.
    expect(stillBundled).toEqual({ provisional: 2, recomputed: 0, stillProvisional: 2 });

    world.setToday('2027-01-08');
    const progress: Array<[number, number]> = [];
    const report = await recomputeProvisionalDeadlines(db(), {
      calendar: await calendarWithMadeUp2027(),
      warnDays: 2,
      clock: world.deps.clock,
      batchSize: 1,
      onProgress: (checked, total) => progress.push([checked, total]),
    });
    expect(report).toEqual({ provisional: 2, recomputed: 2, stillProvisional: 0 });
    expect(progress).toEqual([
      [0, 2],
      [1, 2],
      [2, 2],
      [2, 2],
    ]);

    // 01-01 is now a holiday: the 20th working day is Monday 01-18.
    const moved = await getCase(db(), world.as('handler'), provisionalTwenty.id, world.deps);
    expect(moved).toMatchObject({
      dueOn: '2027-01-18',
      statutoryDueOn: '2027-01-18',
      warnOn: '2027-01-14',
      deadlineProvisional: false,
      version: provisionalTwenty.version + 1,
    });
    const step = moved.steps.at(-1)!;
    expect(step).toMatchObject({
      action: 'deadline_recomputed',
      fromStatus: 'accepted',
      toStatus: 'accepted',
      actor: { type: 'system' },
    });
    const [details] = (
      await db()
        .selectFrom('cases.step')
        .select('details')
        .where('case_id', '=', moved.id)
        .where('action', '=', 'deadline_recomputed')
        .execute()
    ).map((row) => row.details);
    expect(details).toMatchObject({ previousDueOn: '2027-01-15', dueOn: '2027-01-18', provisional: false });

    // The pause is recounted without 01-01 (4 days, not 5); one paused day fewer and one holiday more
    // leave the due days where they were, now certain.
    const recounted = await getCase(db(), world.as('handler'), provisionalPaused.id, world.deps);
    expect(recounted).toMatchObject({
      pausedDays: 4,
      dueOn: '2027-01-11',
      statutoryDueOn: '2027-02-01',
      deadlineProvisional: false,
    });
    expect(recounted.pauses[0]).toMatchObject({ workingDays: 4 });

    // A completed case keeps the due day it was judged against.
    expect(await getCase(db(), world.as('handler'), completed.id, world.deps)).toMatchObject({
      dueOn: '2027-01-11',
      workingDaysUsed: 6,
      deadlineProvisional: true,
    });

    // One audit entry per batch that changed something (a batch of one here), with the count.
    const { rows: audits } = await sql<{ details: Record<string, unknown> }>`
      select details from platform.audit_log where action = 'cases.case.deadline_recompute' order by seq`.execute(db());
    expect(audits.map((row) => row.details)).toEqual([
      { recomputed: 1, calendarTo: 2027 },
      { recomputed: 1, calendarTo: 2027 },
    ]);

    // With the same calendar a second run changes nothing.
    expect(
      await recomputeProvisionalDeadlines(db(), {
        calendar: await calendarWithMadeUp2027(),
        warnDays: 2,
        clock: world.deps.clock,
      }),
    ).toEqual({ provisional: 0, recomputed: 0, stillProvisional: 0 });
  });
});
