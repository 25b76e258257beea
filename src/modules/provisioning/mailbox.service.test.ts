import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { makePerson } from '../../../test/support/people.js';
import { type Policy, SYSTEM_ACTOR } from '../../platform/authorization.js';
import { createPerson, type Person, updatePerson, upsertOrgUnits } from '../directory/index.js';
import { provisionMailbox } from './mailbox.service.js';

let testDatabase: TestDatabase;
const db = () => testDatabase.database.kysely;
const mail = { domain: 'example.gov.cn', rule: 'pinyin' as const };
const allowAll: Policy = {
  authorize: async (_e, _a, permission, orgUnitCode) => ({
    allowed: true,
    permission,
    orgUnitCode,
    reason: 'granted',
    grants: [],
  }),
  assertAllowed: async () => {},
  scopeOf: async () => ({ everywhere: true, orgUnitCodes: [] }),
};
const acting = { actor: SYSTEM_ACTOR, policy: allowAll };

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await upsertOrgUnits(db(), smallDistrict());
});
afterAll(() => testDatabase.drop());

const newPerson = (name: string) =>
  createPerson(db(), { ...makePerson({ name }), firstPost: { orgUnitCode: 'XD1', title: '科员' } }, acting);
const provision = (person: Person) => provisionMailbox(db(), person, { mail, actor: SYSTEM_ACTOR });

describe('provisionMailbox', () => {
  it('numbers namesakes deterministically and never hands a removed address on', async () => {
    const first = await newPerson('张三');
    const second = await newPerson('张三');
    expect((await provision(first))?.address).toBe('zhangsan@example.gov.cn');
    expect((await provision(second))?.address).toBe('zhangsan2@example.gov.cn');
    // Provisioning again changes nothing.
    expect((await provision(second))?.address).toBe('zhangsan2@example.gov.cn');

    const left = await updatePerson(db(), first.id, { status: 'left' }, acting);
    expect(await provision(left)).toMatchObject({ address: 'zhangsan@example.gov.cn', status: 'removed' });
    const third = await newPerson('张三');
    expect((await provision(third))?.address).toBe('zhangsan3@example.gov.cn');
  });

  it('falls back to the staff number for a name the rule cannot spell, and skips people who already left', async () => {
    const greek = await newPerson('Ωμέγα');
    expect((await provision(greek))?.address).toBe(`${greek.staffNo.toLowerCase()}@example.gov.cn`);
    const gone = await updatePerson(db(), (await newPerson('李四')).id, { status: 'left' }, acting);
    expect(await provision(gone)).toBeUndefined();
  });

  it('follows the person: suspended, back to pending when never confirmed, audited once per change', async () => {
    const person = await newPerson('王五');
    expect((await provision(person))?.status).toBe('pending');
    expect((await provision(await updatePerson(db(), person.id, { status: 'suspended' }, acting)))?.status).toBe(
      'suspended',
    );
    expect((await provision(await updatePerson(db(), person.id, { status: 'active' }, acting)))?.status).toBe(
      'pending',
    );
    const audit = await sql<{ action: string; details: { from?: string; to?: string } }>`
      select action, details from platform.audit_log where target_type = 'mailbox' and target_id = ${person.id}
      order by seq`.execute(db());
    expect(audit.rows.map((row) => `${row.action}:${row.details.to ?? ''}`)).toEqual([
      'provisioning.mailbox.create:',
      'provisioning.mailbox.status:suspended',
      'provisioning.mailbox.status:pending',
    ]);
  });
});
