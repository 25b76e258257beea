import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { makeOrgUnit, smallDistrict } from '../../../test/support/org-units.js';
import { makePerson, TEST_ACTOR } from '../../../test/support/people.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import { NotFoundError, ValidationError } from '../../platform/errors.js';
import { upsertOrgUnits } from './org-unit.service.js';
import { selectHistory } from './person.repository.js';
import { createPerson, findPersonByStaffNo, getPerson, listPeople, updatePerson } from './person.service.js';
import { assignPost } from './post.service.js';

const ACTING = {
  actor: TEST_ACTOR,
  policy: grantTablePolicy({ [TEST_ACTOR.id]: { 'directory.read': ['XX'], 'directory.manage': ['XX'] } }),
};

let testDatabase: TestDatabase;
const db = () => testDatabase.database.kysely;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await upsertOrgUnits(db(), [...smallDistrict(), makeOrgUnit({ code: 'XO1', parentCode: 'XT1', kind: 'office' })]);
});
afterAll(() => testDatabase.drop());

const eventsOf = async (personId: string) =>
  (
    await sql<{ type: string; payload: unknown }>`
      select type, payload from platform.outbox_event where aggregate_id = ${personId} order by id`.execute(db())
  ).rows;
const auditOf = async (personId: string) =>
  (await listAudit(db(), { targetType: 'person', targetId: personId, limit: 100 })).entries.reverse();
const fieldErrors = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fields.map(({ pointer, reason }) => `${pointer}:${reason}`);
};

describe('createPerson', () => {
  it('creates an active person, normalising mobile and e-mail, and leaves history, audit and event', async () => {
    const person = await createPerson(
      db(),
      makePerson({ staffNo: 'HT100001', name: '欧阳娜娜', mobile: '+86 139-0000-0001', email: ' Li@Example.GOV.cn ' }),
      ACTING,
    );
    expect(person).toMatchObject({
      staffNo: 'HT100001',
      name: '欧阳娜娜',
      mobile: '13900000001',
      email: 'li@example.gov.cn',
      status: 'active',
      statusFrom: '2024-01-01',
      posts: [],
    });
    const [history] = await selectHistory(db(), person.id);
    expect(history).toMatchObject({ change: 'created', actorType: 'user', actorId: 'test-user-1' });
    expect(history!.changes).toEqual(
      expect.arrayContaining([
        { field: 'name', from: null, to: '欧阳**' },
        { field: 'mobile', from: null, to: '139****0001' },
        { field: 'email', from: null, to: 'l***@example.gov.cn' },
        { field: 'staffNo', from: null, to: 'HT100001' },
      ]),
    );
    const [audit] = await auditOf(person.id);
    expect(audit).toMatchObject({ action: 'directory.person.create', actorId: 'test-user-1', outcome: 'success' });
    expect(audit!.details.fields).toEqual(['staffNo', 'name', 'mobile', 'email', 'status', 'statusFrom']);
    // Field names and ids only: no personal value, masked or not, in the audit entry or the event.
    const events = await eventsOf(person.id);
    expect(events).toEqual([
      {
        type: 'directory.person.changed',
        payload: { personId: person.id, change: 'created', fields: audit!.details.fields },
      },
    ]);
    for (const text of [JSON.stringify(audit), JSON.stringify(events)]) {
      expect(text).not.toMatch(/欧阳|0001|example\.gov/);
    }
  });

  it('names every field that fails, and taken HR and mobile numbers', async () => {
    const taken = await createPerson(db(), makePerson(), ACTING);
    expect(
      await fieldErrors(
        createPerson(db(), { staffNo: 'ht-1', name: ' ', mobile: '2390000000', email: 'nobody' }, ACTING),
      ),
    ).toEqual(['/staffNo:format', '/name:required', '/mobile:format', '/email:format']);
    expect(
      await fieldErrors(createPerson(db(), makePerson({ staffNo: taken.staffNo, mobile: taken.mobile }), ACTING)),
    ).toEqual(['/staffNo:taken', '/mobile:taken']);
    expect(await fieldErrors(createPerson(db(), makePerson({ statusFrom: '2024-02-30' }), ACTING))).toEqual([
      '/statusFrom:date',
    ]);
  });

  it('writes no person, history, audit or event when the caller’s transaction fails', async () => {
    const auditBefore = (await listAudit(db(), { limit: 500 })).entries.length;
    const input = makePerson();
    await expect(
      testDatabase.database.transaction(async (tx) => {
        await createPerson(tx, input, ACTING);
        throw new Error('something later in the transaction failed');
      }),
    ).rejects.toThrow('later');
    expect(await findPersonByStaffNo(db(), input.staffNo)).toBeUndefined();
    expect((await listAudit(db(), { limit: 500 })).entries).toHaveLength(auditBefore);
    const { rows } = await sql<{ count: number }>`
      select count(*)::int as count from directory.person_history h
      where not exists (select 1 from directory.person p where p.id = h.person_id)`.execute(db());
    expect(rows[0]!.count).toBe(0);
  });
});

describe('updatePerson', () => {
  it('records only what changed, masked, and nothing at all for a rewrite', async () => {
    const person = await createPerson(db(), makePerson({ name: '张三' }), ACTING);
    const updated = await updatePerson(db(), person.id, { name: '张三丰', email: 'z@example.gov.cn' }, ACTING);
    expect(updated).toMatchObject({ name: '张三丰', email: 'z@example.gov.cn' });
    await updatePerson(db(), person.id, { name: '张三丰', mobile: person.mobile }, ACTING);
    const history = await selectHistory(db(), person.id);
    expect(history.map((row) => row.change)).toEqual(['created', 'updated']);
    expect(history[1]!.changes).toEqual([
      { field: 'name', from: '张*', to: '张**' },
      { field: 'email', from: null, to: '***@example.gov.cn' },
    ]);
    expect((await auditOf(person.id)).at(-1)).toMatchObject({
      action: 'directory.person.update',
      details: { personId: person.id, fields: ['name', 'email'] },
    });
    expect((await eventsOf(person.id)).at(-1)!.payload).toEqual({
      personId: person.id,
      change: 'updated',
      fields: ['name', 'email'],
    });
  });

  it('suspends with the posts kept, and leaving ends every post on the day of leaving', async () => {
    const person = await createPerson(db(), makePerson(), ACTING);
    await assignPost(db(), person.id, { orgUnitCode: 'XD1', title: '科员', validFrom: '2024-01-01' }, ACTING);
    await assignPost(db(), person.id, { orgUnitCode: 'XC0', title: '窗口', validFrom: '2024-03-01' }, ACTING);
    const suspended = await updatePerson(db(), person.id, { status: 'suspended', statusFrom: '2024-05-01' }, ACTING);
    expect(suspended).toMatchObject({ status: 'suspended', statusFrom: '2024-05-01' });
    expect(suspended.posts).toHaveLength(2);

    await expect(
      updatePerson(db(), person.id, { status: 'left', statusFrom: '2024-02-01' }, ACTING),
    ).rejects.toMatchObject({ fields: [{ pointer: '/statusFrom', reason: 'before_post_start' }] });
    const left = await updatePerson(db(), person.id, { status: 'left', statusFrom: '2024-06-30' }, ACTING);
    expect(left).toMatchObject({ status: 'left', statusFrom: '2024-06-30', posts: [] });
    const { rows } = await sql<{ valid_to: string; is_primary: boolean }>`
      select to_char(valid_to, 'YYYY-MM-DD') as valid_to, is_primary from directory.post
      where person_id = ${person.id}`.execute(db());
    expect(rows).toEqual([
      { valid_to: '2024-06-30', is_primary: false },
      { valid_to: '2024-06-30', is_primary: false },
    ]);
    const changes = (await selectHistory(db(), person.id)).map((row) => row.change);
    expect(changes.slice(-3)).toEqual(['updated', 'post_ended', 'post_ended']);
  });

  it('refuses an unknown person and a mobile someone else holds', async () => {
    await expect(
      updatePerson(db(), '00000000-0000-4000-8000-000000000000', { name: '李四' }, ACTING),
    ).rejects.toBeInstanceOf(NotFoundError);
    const holder = await createPerson(db(), makePerson(), ACTING);
    const other = await createPerson(db(), makePerson(), ACTING);
    expect(await fieldErrors(updatePerson(db(), other.id, { mobile: holder.mobile }, ACTING))).toEqual([
      '/mobile:taken',
    ]);
    expect((await getPerson(db(), other.id)).mobile).toBe(other.mobile);
  });
});

describe('listPeople', () => {
  it('lists by unit, by subtree, by status and by text, with the total for paging', async () => {
    const tag = 'LP';
    const make = async (staffNo: string, orgUnitCode: string, name: string) => {
      const person = await createPerson(db(), makePerson({ staffNo, name }), ACTING);
      await assignPost(db(), person.id, { orgUnitCode, title: '科员' }, ACTING);
      return person;
    };
    await make(`${tag}0001`, 'XT1', '王一');
    await make(`${tag}0002`, 'XO1', '王二');
    await make(`${tag}0003`, 'XC1', '李三');
    const away = await make(`${tag}0004`, 'XD2', '王四');
    await updatePerson(db(), away.id, { status: 'suspended' }, ACTING);

    const staffNos = (list: { items: Array<{ staffNo: string }> }) => list.items.map((person) => person.staffNo);
    expect(staffNos(await listPeople(db(), { orgUnitCode: 'XT1', limit: 50, offset: 0 }))).toEqual(['LP0001']);
    const subtree = await listPeople(db(), { orgUnitCode: 'XT1', includeSubtree: true, limit: 50, offset: 0 });
    expect(staffNos(subtree)).toEqual(['LP0001', 'LP0002', 'LP0003']);
    expect(subtree.items[1]!.posts).toMatchObject([{ orgUnitCode: 'XO1', title: '科员', isPrimary: true }]);

    const page = await listPeople(db(), { orgUnitCode: 'XX', includeSubtree: true, q: 'LP', limit: 2, offset: 2 });
    expect(page).toMatchObject({ total: 4 });
    expect(staffNos(page)).toEqual(['LP0003', 'LP0004']);
    expect(staffNos(await listPeople(db(), { q: '王', status: 'active', limit: 50, offset: 0 }))).toEqual([
      'LP0001',
      'LP0002',
    ]);
    expect(staffNos(await listPeople(db(), { status: 'suspended', q: 'lp', limit: 50, offset: 0 }))).toEqual([
      'LP0004',
    ]);
    expect((await listPeople(db(), { q: '%', limit: 50, offset: 0 })).total).toBe(0);
  });

  it('refuses a bad page and an unknown unit', async () => {
    await expect(listPeople(db(), { limit: 0, offset: -1 })).rejects.toMatchObject({
      fields: [
        { pointer: '/limit', reason: 'range' },
        { pointer: '/offset', reason: 'range' },
      ],
    });
    await expect(listPeople(db(), { orgUnitCode: 'NOPE', limit: 10, offset: 0 })).rejects.toBeInstanceOf(NotFoundError);
  });
});
