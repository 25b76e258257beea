import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import type { Actor } from '../../platform/authorization.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { upsertOrgUnits } from '../directory/index.js';
import { makeStaff } from './access.fixtures.js';
import { bootstrapSecurityAdmin, grantRole, revokeGrant } from './grant.service.js';
import { BUILT_IN_ROLES } from './permission-catalogue.js';
import {
  createApplicationRole,
  deleteApplicationRole,
  getRole,
  listRoles,
  updateApplicationRole,
} from './role.service.js';

let testDatabase: TestDatabase;
const db = () => testDatabase.database.kysely;
const as = (id: string) => ({ actor: { type: 'user', id } as Actor });
const caught = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (error: unknown) => error,
  );
let admin: string;
let clerk: string;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await upsertOrgUnits(db(), smallDistrict());
  admin = (await makeStaff(db())).id;
  clerk = (await makeStaff(db(), { posts: [{ orgUnitCode: 'XD1', title: '科员' }] })).id;
  await bootstrapSecurityAdmin(db(), admin);
});
afterAll(() => testDatabase.drop());

describe('built-in roles', () => {
  it('are seeded by the migration exactly as the catalogue describes them', async () => {
    const roles = await listRoles(db(), as(admin), { application: null });
    expect(
      roles.map(({ code, nameZh, nameEn, permissions, duty, builtIn }) => ({
        code,
        nameZh,
        nameEn,
        permissions: [...permissions].sort(),
        duty,
        builtIn,
      })),
    ).toEqual(
      [...BUILT_IN_ROLES]
        .sort((a, b) => (a.code < b.code ? -1 : 1))
        .map((role) => ({ ...role, permissions: [...role.permissions].sort(), builtIn: true })),
    );
  });

  it('cannot be changed or deleted', async () => {
    const error = await caught(updateApplicationRole(db(), as(admin), 'platform.staff', { nameZh: '职员' }));
    expect(error).toMatchObject({ code: 'access.role_built_in' });
    expect(await caught(deleteApplicationRole(db(), as(admin), 'platform.staff'))).toBeInstanceOf(ConflictError);
  });
});

describe('application roles', () => {
  it('are created, changed and deleted by a role manager, each change audited', async () => {
    const role = await createApplicationRole(db(), as(admin), {
      application: 'oa-mail',
      name: 'archivist',
      nameZh: ' 归档员 ',
      nameEn: 'Archivist',
      permissions: ['app:mail.archive', 'app:mail.archive'],
    });
    expect(role).toMatchObject({
      code: 'oa-mail.archivist',
      application: 'oa-mail',
      nameZh: '归档员',
      permissions: ['app:mail.archive'],
      duty: null,
      builtIn: false,
    });
    expect((await getRole(db(), as(clerk), 'oa-mail.archivist')).code).toBe('oa-mail.archivist');
    expect((await listRoles(db(), as(clerk), { application: 'oa-mail' })).map((r) => r.code)).toEqual([
      'oa-mail.archivist',
    ]);
    const changed = await updateApplicationRole(db(), as(admin), role.code, {
      permissions: ['app:mail.archive', 'app:mail.read'],
    });
    expect(changed.permissions).toEqual(['app:mail.archive', 'app:mail.read']);
    const unchanged = await updateApplicationRole(db(), as(admin), role.code, { nameEn: 'Archivist' });
    expect(unchanged.updatedAt).toEqual(changed.updatedAt);

    const grant = await grantRole(db(), as(admin), {
      roleCode: role.code,
      grantee: { kind: 'person', personId: clerk },
      scopeOrgUnitCode: 'XD1',
    });
    expect(await caught(deleteApplicationRole(db(), as(admin), role.code))).toMatchObject({
      code: 'access.role_in_use',
      params: { grants: 1 },
    });
    await revokeGrant(db(), as(admin), grant.id);
    await deleteApplicationRole(db(), as(admin), role.code);
    expect(await caught(getRole(db(), as(admin), role.code))).toBeInstanceOf(NotFoundError);
    const revokedLeft = await sql<{ n: number }>`
      select count(*)::int as n from access."grant" where role_code = ${role.code}`.execute(db());
    expect(revokedLeft.rows[0]!.n).toBe(0);
    const actions = (await listAudit(db(), { targetType: 'role', targetId: role.code, limit: 10 })).entries.map(
      (entry) => entry.action,
    );
    expect(actions).toEqual(['access.role.deleted', 'access.role.updated', 'access.role.created']);
  });

  it('names every bad field', async () => {
    const error = await caught(
      createApplicationRole(db(), as(admin), {
        application: 'platform',
        name: 'Bad Name',
        nameZh: '',
        nameEn: 'x'.repeat(101),
        permissions: ['directory.read', 'app:ok'],
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.map((f) => `${f.pointer}:${f.reason}`)).toEqual([
      '/application:format',
      '/name:format',
      '/permissions/0:format',
      '/nameZh:length',
      '/nameEn:length',
    ]);
  });

  it('refuses a code that is taken, and anyone without access.role.manage over the root', async () => {
    const input = { application: 'oa-hr', name: 'clerk', nameZh: '人事专员', nameEn: 'HR clerk', permissions: [] };
    await createApplicationRole(db(), as(admin), input);
    expect(await caught(createApplicationRole(db(), as(admin), input))).toMatchObject({ code: 'access.role_exists' });
    const refused = await caught(createApplicationRole(db(), as(clerk), { ...input, name: 'other' }));
    expect(refused).toMatchObject({ code: 'access.denied', params: { permission: 'access.role.manage' } });
    const [denied] = (await listAudit(db(), { actorId: clerk, action: 'access.role.created', limit: 5 })).entries;
    expect(denied).toMatchObject({ outcome: 'denied', details: { application: 'oa-hr', name: 'other' } });
  });
});
