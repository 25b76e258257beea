import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import type { Database } from '../../platform/db/database.js';
import { NotFoundError } from '../../platform/errors.js';
import { upsertOrgUnits } from '../directory/index.js';
import { accessBootstrapCommand } from './access.command.js';
import { makeStaff } from './access.fixtures.js';
import { rolesOf } from './grant.service.js';

let testDatabase: TestDatabase;
let closes = 0;
/** The test's database, handed to the command, whose closing only counts: the test reads on after it. */
const openShared = async (): Promise<Database> => ({
  ...testDatabase.database,
  close: async () => {
    closes += 1;
  },
});
const capture = () => {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { stdout, text: () => text };
};

beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(() => testDatabase.drop());

describe('accessBootstrapCommand', () => {
  it('refuses before the organisation exists, then names the security administrator once', async () => {
    const person = await makeStaff(testDatabase.database.kysely);
    const early = await accessBootstrapCommand(openShared, { staffNo: person.staffNo }, capture()).catch((e) => e);
    expect(early).toMatchObject({ code: 'access.no_root_unit' });

    await upsertOrgUnits(testDatabase.database.kysely, smallDistrict());
    const first = capture();
    const report = await accessBootstrapCommand(openShared, { staffNo: person.staffNo.toLowerCase() }, first);
    expect(report.created).toBe(true);
    expect(first.text()).toBe(
      `已将安全管理员角色授予工号 ${person.staffNo}（授权 ${report.grantId}）。 / Security administrator granted to staff number ${person.staffNo} (grant ${report.grantId}).\n`,
    );
    expect(await rolesOf(testDatabase.database.kysely, person.id, { application: null })).toEqual([
      'platform.security_admin',
    ]);
    const second = capture();
    const again = await accessBootstrapCommand(openShared, { staffNo: person.staffNo }, second);
    expect(again).toEqual({ grantId: report.grantId, created: false });
    expect(second.text()).toContain('nothing changed');
    expect(closes).toBe(3);
  });

  it('names an unknown staff number', async () => {
    const error = await accessBootstrapCommand(openShared, { staffNo: 'ZZ999999' }, capture()).catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'access.bootstrap_person_not_found', params: { staffNo: 'ZZ999999' } });
  });
});
