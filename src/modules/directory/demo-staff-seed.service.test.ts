import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { TEST_ACTOR } from '../../../test/support/people.js';
import { ValidationError } from '../../platform/errors.js';
import { seedDemoOrganisation } from './demo-seed.service.js';
import { seedDemoStaff } from './demo-staff-seed.service.js';
import { findPersonByStaffNo, listPeople, updatePerson } from './person.service.js';

const ACTING = {
  actor: TEST_ACTOR,
  policy: grantTablePolicy({ [TEST_ACTOR.id]: { 'directory.read': ['HT'], 'directory.manage': ['HT'] } }),
};

let testDatabase: TestDatabase;
const db = () => testDatabase.database.kysely;
const count = async (table: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db())).rows[0]!.n;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(() => testDatabase.drop());

describe('seedDemoStaff', () => {
  it('needs the demo organisation, and writes nothing without it', async () => {
    await expect(seedDemoStaff(testDatabase.database)).rejects.toBeInstanceOf(ValidationError);
    expect(await count('directory.person')).toBe(0);
  });

  it('spreads a few hundred fictional staff over the demo district, with history, audit and events', async () => {
    await seedDemoOrganisation(testDatabase.database);
    const seen: number[] = [];
    const report = await seedDemoStaff(testDatabase.database, { onProgress: ({ done }) => seen.push(done) });
    expect(report).toEqual({ people: 312, created: 312, updated: 0, unchanged: 0 });
    expect(seen.at(-1)).toBe(312);

    expect(await findPersonByStaffNo(db(), 'HT000001')).toMatchObject({
      mobile: '19900000001',
      email: 'ht000001@huitong.example',
      posts: [{ orgUnitCode: 'HT', title: '区长', isPrimary: true, validFrom: '2019-01-01' }],
    });
    const town = await listPeople(db(), { orgUnitCode: 'T01', includeSubtree: true, limit: 50, offset: 0 });
    expect(town.total).toBe(5); // the street's four and its community centre's one
    const stationed = await listPeople(db(), { orgUnitCode: 'C00', limit: 50, offset: 0 });
    expect(stationed.items.some((person) => person.posts.length === 2 && person.posts[0]!.orgUnitCode !== 'C00')).toBe(
      true,
    );
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from platform.outbox_event where type = 'directory.person.changed'`.execute(db());
    expect(rows[0]!.n).toBeGreaterThanOrEqual(312 * 2);
    expect(await count('directory.person_history')).toBe(rows[0]!.n);
  });

  it('changes nothing on a second run, and puts back a demo person someone edited', async () => {
    const before = await count('directory.person_history');
    expect(await seedDemoStaff(testDatabase.database)).toEqual({ people: 312, created: 0, updated: 0, unchanged: 312 });
    expect(await count('directory.person_history')).toBe(before);

    const person = (await findPersonByStaffNo(db(), 'HT000010'))!;
    await updatePerson(db(), person.id, { email: 'changed@example.gov.cn' }, ACTING);
    expect(await seedDemoStaff(testDatabase.database)).toEqual({ people: 312, created: 0, updated: 1, unchanged: 311 });
    expect((await findPersonByStaffNo(db(), 'HT000010'))!.email).toBe('ht000010@huitong.example');
  });
});
