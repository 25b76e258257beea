import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaseWorld, createCaseWorld, newResidentId, TEST_FORM_DATA } from '../../../test/support/case-world.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import type { CaseDetail } from './case.js';
import { getCase, takeIn } from './case.service.js';
import { act } from './case-transition.service.js';
import { answerFollowUp, listFollowUps } from './follow-up.service.js';
import { rateCase, rateTrackedCase } from './rating.service.js';
import { insertTestCase } from './supervision.fixtures.js';

let test: TestDatabase;
let world: CaseWorld;
const db = () => test.database.kysely;
const deps = () => ({ ...world.deps, followUpDays: 5 });
const PUBLIC = '7f0c7a8e-5b1e-4c1d-9e55-0a1b2c3d4e5f';

beforeAll(async () => {
  test = await createTestDatabase();
  world = await createCaseWorld(db());
});
afterAll(async () => {
  await world.close();
  await test.drop();
});

const tally = async () =>
  (
    await sql<{ ratings: number; rating_sum: number; poor_ratings: number }>`select sum(ratings)::int as ratings,
      sum(rating_sum)::int as rating_sum, sum(poor_ratings)::int as poor_ratings from cases.daily_tally`.execute(db())
  ).rows[0]!;

describe('rating a case through the lifecycle', () => {
  it('takes a case in at XC1, completes it, and records the applicant’s rating at the window', async () => {
    world.setToday('2024-03-04');
    const d = deps();
    let c: CaseDetail = await takeIn(
      db(),
      world.actor('clerk1'),
      {
        itemCode: world.itemCode,
        centreCode: 'XC1',
        applicant: { kind: 'citizen', name: '王丽娟', idNumber: newResidentId(), mobile: '13912340001' },
        form: TEST_FORM_DATA,
      },
      d,
    );
    c = await act(db(), world.as('clerk1'), c.id, 'accept', { version: c.version }, d);
    await expect(rateCase(db(), world.as('clerk1'), c.id, { score: 5 }, d)).rejects.toMatchObject({
      code: 'cases.wrong_state',
      params: { status: 'accepted', action: 'rate' },
    });
    c = await act(db(), world.as('handler'), c.id, 'advance', { version: c.version, opinion: '材料齐全' }, d);
    c = await act(
      db(),
      world.as('approver'),
      c.id,
      'decide',
      { version: c.version, decision: 'granted', opinion: '同意' },
      d,
    );
    c = await act(db(), world.as('handler'), c.id, 'complete', { version: c.version }, d);
    expect(c.allowedActions).not.toContain('rate'); // the handler is not at the window
    expect((await getCase(db(), world.as('clerk1'), c.id, d)).allowedActions).toContain('rate');
    await expect(rateCase(db(), world.as('clerk2'), c.id, { score: 5 }, d)).rejects.toMatchObject({
      code: 'access.denied',
    });

    const before = await tally();
    const rating = await rateCase(db(), world.as('clerk1'), c.id, { score: 4, comment: '  服务热情  ' }, d);
    expect(rating).toMatchObject({ score: 4, channel: 'window', comment: '服务热情', followUpDueOn: null });
    const after = await getCase(db(), world.as('clerk1'), c.id, d);
    expect(after.rating).toMatchObject({ score: 4 });
    expect(after.allowedActions).not.toContain('rate');
    expect(after.steps.at(-1)).toMatchObject({ action: 'rate', actorPost: '综合窗口受理员 (XC1)', orgUnitCode: 'XC1' });
    expect(await tally()).toEqual({
      ratings: (before.ratings ?? 0) + 1,
      rating_sum: (before.rating_sum ?? 0) + 4,
      poor_ratings: before.poor_ratings ?? 0,
    });
    await expect(rateCase(db(), world.as('clerk1'), c.id, { score: 1 }, d)).rejects.toMatchObject({
      code: 'cases.already_rated',
    });
    const { rows } = await sql<{ details: Record<string, unknown> }>`select details from platform.audit_log
      where action = 'cases.case.rate' and target_id = ${c.id}`.execute(db());
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0]!.details)).not.toContain('服务热情');
  });
});

describe('ratings on cases in any state', () => {
  it('takes the five levels only, and names the bad fields', async () => {
    const { id } = await insertTestCase(db(), { status: 'completed', publicAccountId: PUBLIC });
    const owner = { kind: 'public' as const, accountId: PUBLIC };
    for (const [input, fields] of [
      [{}, [{ pointer: '/score', reason: 'required' }]],
      [{ score: 0 }, [{ pointer: '/score', reason: 'range' }]],
      [{ score: 6 }, [{ pointer: '/score', reason: 'range' }]],
      [
        { score: 2.5, comment: 7 },
        [
          { pointer: '/score', reason: 'type' },
          { pointer: '/comment', reason: 'type' },
        ],
      ],
      [{ score: 3, comment: '好'.repeat(1001) }, [{ pointer: '/comment', reason: 'too_long' }]],
    ] as const) {
      await expect(rateCase(db(), owner, id, input, deps())).rejects.toMatchObject({
        code: 'cases.rating_invalid',
        fields,
      });
    }
    await expect(
      rateCase(db(), { kind: 'public', accountId: '00000000-0000-4000-8000-000000000000' }, id, { score: 3 }, deps()),
    ).rejects.toMatchObject({ code: 'cases.case_not_found' });
    expect(await rateCase(db(), owner, id, { score: 3 }, deps())).toMatchObject({ score: 3, channel: 'online' });
  });

  it('rates by tracking number and id tail, the same 404 for a wrong number or tail', async () => {
    const { number } = await insertTestCase(db(), { status: 'delivered', idNumber: '11010519900101003X' });
    const wrong = [
      { number, idTail: '01003Y', score: 5 },
      { number: 'XC1-20240101-999999', idTail: '01003X', score: 5 },
    ];
    for (const input of wrong) {
      await expect(rateTrackedCase(db(), input, deps())).rejects.toMatchObject({
        code: 'cases.case_not_found',
        params: {},
      });
    }
    const rating = await rateTrackedCase(db(), { number: number.toLowerCase(), idTail: '01003x', score: 5 }, deps());
    expect(rating).toMatchObject({ score: 5, channel: 'online' });
  });
});

describe('follow-ups of poor ratings', () => {
  it('opens a follow-up due in working days across National Day, answered by the department', async () => {
    world.setToday('2024-09-30');
    const { id } = await insertTestCase(db(), { status: 'completed', publicAccountId: PUBLIC });
    const rating = await rateCase(
      db(),
      { kind: 'public', accountId: PUBLIC },
      id,
      { score: 1, comment: '等太久' },
      deps(),
    );
    // 10-01..07 off; 10-08, 09, 10, 11 and the worked Saturday 10-12.
    expect(rating.followUpDueOn).toBe('2024-10-12');
    const { rows } = await sql<{ poor: number }>`select poor_ratings::int as poor from cases.daily_tally
      where day = '2024-09-30'`.execute(db());
    expect(rows[0]!.poor).toBe(1);

    const handler = world.actor('handler');
    world.setToday('2024-10-12');
    expect((await listFollowUps(db(), handler, { state: 'overdue' }, deps())).total).toBe(0);
    world.setToday('2024-10-14');
    const overdue = await listFollowUps(db(), handler, { state: 'overdue' }, deps());
    expect(overdue.items.map((item) => [item.caseId, item.overdue, item.comment])).toEqual([[id, true, '等太久']]);
    expect((await listFollowUps(db(), world.actor('other'), { state: 'open' }, deps())).total).toBe(0);
    await expect(listFollowUps(db(), world.actor('clerk1'), {}, deps())).rejects.toMatchObject({
      code: 'access.denied',
    });

    await expect(answerFollowUp(db(), world.actor('other'), id, { answer: '已回访' }, deps())).rejects.toMatchObject({
      code: 'access.denied',
    });
    await expect(answerFollowUp(db(), handler, id, { answer: '  ' }, deps())).rejects.toMatchObject({
      fields: [{ pointer: '/answer', reason: 'required' }],
    });
    const answered = await answerFollowUp(db(), handler, id, { answer: '已电话回访并致歉，优化了排队流程。' }, deps());
    expect(answered).toMatchObject({ followUpAnswer: '已电话回访并致歉，优化了排队流程。' });
    await expect(answerFollowUp(db(), handler, id, { answer: '再答' }, deps())).rejects.toMatchObject({
      code: 'cases.follow_up_answered',
    });
    expect((await listFollowUps(db(), handler, { state: 'open' }, deps())).total).toBe(0);
    const done = await listFollowUps(db(), world.actor('supervisor'), { state: 'answered' }, deps());
    expect(done.items.map((item) => item.caseId)).toEqual([id]);
    const steps = await sql<{
      action: string;
    }>`select action from cases.step where case_id = ${id} order by seq`.execute(db());
    expect(steps.rows.map((row) => row.action)).toEqual(['rate', 'rating_answered']);
    const notified = await sql<{
      kind: string;
    }>`select kind from cases.notification where case_id = ${id} order by id`.execute(db());
    expect(notified.rows.map((row) => row.kind)).toEqual(['rate', 'rating_answered']);
  });

  it('has nothing to answer on a good rating', async () => {
    const { id } = await insertTestCase(db(), { status: 'completed', publicAccountId: PUBLIC });
    await rateCase(db(), { kind: 'public', accountId: PUBLIC }, id, { score: 5 }, deps());
    await expect(answerFollowUp(db(), world.actor('handler'), id, { answer: '无' }, deps())).rejects.toMatchObject({
      code: 'cases.follow_up_not_found',
    });
  });
});
