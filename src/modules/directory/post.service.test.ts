import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { makeOrgUnit, smallDistrict } from '../../../test/support/org-units.js';
import { makePerson, TEST_ACTOR } from '../../../test/support/people.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import { ConflictError, ValidationError } from '../../platform/errors.js';
import { upsertOrgUnits } from './org-unit.service.js';
import { selectHistory } from './person.repository.js';
import { createPerson, getPerson, updatePerson } from './person.service.js';
import { assignPost, endPost, setPrimaryPost } from './post.service.js';

const ACTING = {
  actor: TEST_ACTOR,
  policy: grantTablePolicy({ [TEST_ACTOR.id]: { 'directory.read': ['XX'], 'directory.manage': ['XX'] } }),
};

let testDatabase: TestDatabase;
const db = () => testDatabase.database.kysely;
const newPerson = () => createPerson(db(), makePerson(), ACTING);
const primaries = async (personId: string) =>
  (await getPerson(db(), personId)).posts.filter((post) => post.isPrimary).map((post) => post.orgUnitCode);

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await upsertOrgUnits(db(), [...smallDistrict(), makeOrgUnit({ code: 'XD9', status: 'dissolved' })]);
});
afterAll(() => testDatabase.drop());

describe('assignPost', () => {
  it('makes the first post primary, later ones secondary, and a new primary demotes the former', async () => {
    const person = await newPerson();
    const first = await assignPost(
      db(),
      person.id,
      { orgUnitCode: 'XD1', title: ' 科员 ', validFrom: '2024-01-01' },
      ACTING,
    );
    expect(first).toMatchObject({
      orgUnitCode: 'XD1',
      title: '科员',
      isPrimary: true,
      validFrom: '2024-01-01',
      validTo: null,
    });
    await assignPost(db(), person.id, { orgUnitCode: 'XC0', title: '窗口' }, ACTING);
    expect(await primaries(person.id)).toEqual(['XD1']);
    await assignPost(db(), person.id, { orgUnitCode: 'XD2', title: '科长', isPrimary: true }, ACTING);
    expect(await primaries(person.id)).toEqual(['XD2']);
    expect((await getPerson(db(), person.id)).posts.map((post) => post.orgUnitCode)).toEqual(['XD2', 'XD1', 'XC0']);
    const audit = (await listAudit(db(), { targetId: person.id, action: 'directory.post.assign', limit: 10 })).entries;
    expect(audit).toHaveLength(3);
    expect(audit[0]!.details).toMatchObject({
      personId: person.id,
      fields: ['orgUnitCode', 'title', 'isPrimary', 'validFrom'],
    });
  });

  it('has the database refuse a second current primary post, whatever the code does', async () => {
    const person = await newPerson();
    await assignPost(db(), person.id, { orgUnitCode: 'XD1', title: '科员' }, ACTING);
    const unit = await sql<{ id: string }>`select id from directory.org_unit where code = 'XD2'`.execute(db());
    await expect(
      sql`insert into directory.post (person_id, org_unit_id, title, is_primary, valid_from)
          values (${person.id}, ${unit.rows[0]!.id}, '科员', true, '2024-01-01')`.execute(db()),
    ).rejects.toThrow(/post_one_primary/);
  });

  it('names the field for an unknown or dissolved unit, an empty title and a bad date', async () => {
    const person = await newPerson();
    const reasons = async (input: Parameters<typeof assignPost>[2]) => {
      const error = await assignPost(db(), person.id, input, ACTING).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).fields.map(({ pointer, reason }) => `${pointer}:${reason}`);
    };
    expect(await reasons({ orgUnitCode: 'NOPE', title: '科员' })).toEqual(['/orgUnitCode:not_found']);
    expect(await reasons({ orgUnitCode: 'XD9', title: '科员' })).toEqual(['/orgUnitCode:dissolved']);
    expect(await reasons({ orgUnitCode: 'XD1', title: '  ', validFrom: '2024-13-01' })).toEqual([
      '/title:required',
      '/validFrom:date',
    ]);
    expect((await getPerson(db(), person.id)).posts).toEqual([]);
  });

  it('refuses the same post twice and any post for a person who has left', async () => {
    const person = await newPerson();
    await assignPost(db(), person.id, { orgUnitCode: 'XD1', title: '科员' }, ACTING);
    await expect(assignPost(db(), person.id, { orgUnitCode: 'XD1', title: '科员' }, ACTING)).rejects.toMatchObject({
      code: 'directory.post_exists',
    });
    await updatePerson(db(), person.id, { status: 'left' }, ACTING);
    await expect(assignPost(db(), person.id, { orgUnitCode: 'XD2', title: '科员' }, ACTING)).rejects.toBeInstanceOf(
      ConflictError,
    );
  });
});

describe('endPost and setPrimaryPost', () => {
  it('ending the primary hands the role to the longest-held remaining post', async () => {
    const person = await newPerson();
    const primary = await assignPost(
      db(),
      person.id,
      { orgUnitCode: 'XD1', title: '科员', validFrom: '2024-01-01' },
      ACTING,
    );
    await assignPost(db(), person.id, { orgUnitCode: 'XC1', title: '窗口', validFrom: '2024-04-01' }, ACTING);
    await assignPost(db(), person.id, { orgUnitCode: 'XC0', title: '窗口', validFrom: '2024-02-01' }, ACTING);
    const ended = await endPost(db(), primary.id, { validTo: '2024-09-01' }, ACTING);
    expect(ended).toMatchObject({ validTo: '2024-09-01', isPrimary: false });
    expect(await primaries(person.id)).toEqual(['XC0']);
    const history = await selectHistory(db(), person.id);
    expect(history.slice(-2).map((row) => row.change)).toEqual(['post_ended', 'post_primary_set']);
    await expect(endPost(db(), primary.id, {}, ACTING)).rejects.toMatchObject({ code: 'directory.post_ended' });
  });

  it('refuses an end before the start, and moves the primary on request', async () => {
    const person = await newPerson();
    await assignPost(db(), person.id, { orgUnitCode: 'XD1', title: '科员', validFrom: '2024-01-01' }, ACTING);
    const second = await assignPost(
      db(),
      person.id,
      { orgUnitCode: 'XD2', title: '科员', validFrom: '2024-05-01' },
      ACTING,
    );
    await expect(endPost(db(), second.id, { validTo: '2024-04-30' }, ACTING)).rejects.toMatchObject({
      fields: [{ pointer: '/validTo', reason: 'before_start' }],
    });
    expect(await setPrimaryPost(db(), second.id, ACTING)).toMatchObject({ isPrimary: true });
    expect(await primaries(person.id)).toEqual(['XD2']);
    const before = (await selectHistory(db(), person.id)).length;
    await setPrimaryPost(db(), second.id, ACTING);
    expect(await selectHistory(db(), person.id)).toHaveLength(before);
  });
});
