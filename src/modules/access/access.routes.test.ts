import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallDistrict } from '../../../test/support/org-units.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import { upsertOrgUnits } from '../directory/index.js';
import { makeStaff } from './access.fixtures.js';
import { accessRoutes } from './access.routes.js';
import { type AccessPolicy, createAccessPolicy } from './access-policy.js';
import { bootstrapSecurityAdmin, grantRole } from './grant.service.js';
import { PERMISSION_NAMES } from './permission-catalogue.js';

let platform: TestPlatform;
let policy: AccessPolicy;
let admin: string;
let deptAdmin: string;
let clerk: string;
const db = () => platform.runtime.database.kysely;
const STAFF_HEADER = 'x-test-staff';

/** A request as a signed-in staff member (the test's authenticator reads the header). */
const as = (personId: string, extra: { 'accept-language'?: string } = {}) => ({
  [STAFF_HEADER]: personId,
  'accept-language': 'en',
  ...extra,
});
const grantCount = async () =>
  Number((await sql<{ n: number }>`select count(*)::int as n from access."grant"`.execute(db())).rows[0]!.n);

beforeAll(async () => {
  platform = await createTestPlatform({
    routes: (runtime) => {
      policy = createAccessPolicy({ database: runtime.database });
      return [accessRoutes({ database: runtime.database, policy })];
    },
  });
  platform.runtime.authenticators.push(async (request) => {
    const id = request.headers[STAFF_HEADER];
    return typeof id === 'string' ? { kind: 'staff', id, via: 'test' } : null;
  });
  await platform.app.ready();
  await upsertOrgUnits(db(), smallDistrict());
  admin = (await makeStaff(db())).id;
  deptAdmin = (await makeStaff(db(), { posts: [{ orgUnitCode: 'XD1', title: '主任' }] })).id;
  clerk = (await makeStaff(db(), { posts: [{ orgUnitCode: 'XD1', title: '科员' }] })).id;
  await bootstrapSecurityAdmin(db(), admin);
  await grantRole(
    db(),
    { actor: { type: 'user', id: admin } },
    {
      roleCode: 'platform.department_admin',
      grantee: { kind: 'person', personId: deptAdmin },
      scopeOrgUnitCode: 'XD1',
    },
  );
});
afterAll(() => platform.close());

describe('authentication', () => {
  it('answers an anonymous caller with a 401 problem', async () => {
    const response = await platform.app.inject({ url: '/api/access/v1/grants', headers: { 'accept-language': 'en' } });
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'auth.unauthenticated', status: 401 });
  });
});

describe('POST /api/access/v1/grants', () => {
  it('grants and presents the grant', async () => {
    const response = await platform.app.inject({
      method: 'POST',
      url: '/api/access/v1/grants',
      headers: as(deptAdmin),
      payload: { roleCode: 'platform.staff', grantee: { kind: 'person', personId: clerk }, scopeOrgUnitCode: 'XD1' },
    });
    expect(response.statusCode).toBe(201);
    const grant = response.json();
    expect(grant).toEqual({
      id: expect.any(String),
      roleCode: 'platform.staff',
      grantee: { kind: 'person', personId: clerk },
      scopeOrgUnitCode: 'XD1',
      grantedBy: { type: 'user', id: deptAdmin },
      grantedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      revokedAt: null,
      revokedBy: null,
      revokeReason: null,
    });
    const [audit] = (await listAudit(db(), { targetType: 'grant', targetId: grant.id, limit: 5 })).entries;
    expect(audit!.requestId).toBe(response.headers['x-request-id']);
  });

  it('answers bad input with a 422 problem naming each field, and changes nothing', async () => {
    const before = await grantCount();
    const missing = await platform.app.inject({
      method: 'POST',
      url: '/api/access/v1/grants',
      headers: as(admin),
      payload: { grantee: { kind: 'person' } },
    });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().code).toBe('http.validation_failed');
    const pointers = missing.json().errors.map((error: { pointer: string }) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/body/roleCode', '/body/scopeOrgUnitCode']));

    const unknown = await platform.app.inject({
      method: 'POST',
      url: '/api/access/v1/grants',
      headers: as(admin),
      payload: { roleCode: 'platform.wizard', grantee: { kind: 'person', personId: clerk }, scopeOrgUnitCode: 'zz' },
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unknown.json()).toMatchObject({
      type: '/problems/access.grant_invalid',
      code: 'access.grant_invalid',
      title: 'The grant is not valid',
      errors: [{ pointer: '/scopeOrgUnitCode', reason: 'format' }],
    });
    const notFound = await platform.app.inject({
      method: 'POST',
      url: '/api/access/v1/grants',
      headers: as(admin),
      payload: { roleCode: 'platform.wizard', grantee: { kind: 'person', personId: clerk }, scopeOrgUnitCode: 'XQ9' },
    });
    expect(notFound.json().errors).toEqual([
      { pointer: '/roleCode', reason: 'not_found' },
      { pointer: '/scopeOrgUnitCode', reason: 'not_found' },
    ]);
    expect(await grantCount()).toBe(before);
  });

  it('answers a refusal with a 403 problem in the reader’s language', async () => {
    const response = await platform.app.inject({
      method: 'POST',
      url: '/api/access/v1/grants',
      headers: as(deptAdmin, { 'accept-language': 'zh-CN' }),
      payload: { roleCode: 'platform.staff', grantee: { kind: 'person', personId: clerk }, scopeOrgUnitCode: 'XD2' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({
      code: 'access.denied',
      title: '没有执行此操作的权限',
      detail: '缺少权限 access.grant（机构：XD2；原因：out_of_scope）。',
    });
  });
});

describe('GET /api/access/v1/grants and revoke', () => {
  it('lists grants in the reader’s scope and revokes one', async () => {
    const listed = await platform.app.inject({
      url: `/api/access/v1/grants?personId=${clerk}`,
      headers: as(deptAdmin),
    });
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toMatchObject({ total: 1, limit: 50, offset: 0 });
    const [grant] = listed.json().items;
    const foreign = await platform.app.inject({ url: '/api/access/v1/grants?scope=XD2', headers: as(deptAdmin) });
    expect(foreign.statusCode).toBe(403);
    const bad = await platform.app.inject({ url: '/api/access/v1/grants?limit=0&colour=red', headers: as(admin) });
    expect(bad.statusCode).toBe(422);

    const revoked = await platform.app.inject({
      method: 'POST',
      url: `/api/access/v1/grants/${grant.id}/revoke`,
      headers: as(deptAdmin),
      payload: { reason: '调岗' },
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ revokeReason: '调岗', revokedBy: { type: 'user', id: deptAdmin } });
    const again = await platform.app.inject({
      method: 'POST',
      url: `/api/access/v1/grants/${grant.id}/revoke`,
      headers: as(deptAdmin),
      payload: {},
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('access.grant_revoked');
  });
});

describe('GET /api/access/v1/decisions', () => {
  it('explains one’s own decisions, and others’ only with access.explain', async () => {
    const own = await platform.app.inject({
      url: `/api/access/v1/decisions?personId=${deptAdmin}&permission=directory.manage&orgUnit=XD2`,
      headers: as(deptAdmin),
    });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({
      allowed: false,
      permission: 'directory.manage',
      orgUnitCode: 'XD2',
      reason: 'out_of_scope',
      explanation: 'The permission is held, but over other units (see the grants listed).',
      grants: [{ roleCode: 'platform.department_admin', scopeOrgUnitCode: 'XD1', via: 'person' }],
    });
    const byAdmin = await platform.app.inject({
      url: `/api/access/v1/decisions?personId=${deptAdmin}&permission=directory.manage&orgUnit=XD1`,
      headers: as(admin),
    });
    expect(byAdmin.json()).toMatchObject({ allowed: true, reason: 'granted' });
    const nosy = await platform.app.inject({
      url: `/api/access/v1/decisions?personId=${admin}&permission=access.grant`,
      headers: as(deptAdmin),
    });
    expect(nosy.statusCode).toBe(403);
    expect(nosy.json().detail).toContain('access.explain');
    const badUnit = await platform.app.inject({
      url: `/api/access/v1/decisions?personId=${deptAdmin}&permission=directory.read&orgUnit=XQ9`,
      headers: as(admin),
    });
    expect(badUnit.statusCode).toBe(422);
    expect(badUnit.json().errors).toEqual([{ pointer: '/orgUnit', reason: 'not_found' }]);
  });
});

describe('roles and permissions', () => {
  it('lists the catalogue and the roles, and creates an application role', async () => {
    const permissions = await platform.app.inject({ url: '/api/access/v1/permissions', headers: as(clerk) });
    expect(permissions.json().items).toHaveLength(PERMISSION_NAMES.length);
    const roles = await platform.app.inject({ url: '/api/access/v1/roles?application=platform', headers: as(clerk) });
    expect(roles.json().items.map((role: { code: string }) => role.code)).toContain('platform.security_admin');
    const created = await platform.app.inject({
      method: 'POST',
      url: '/api/access/v1/roles',
      headers: as(admin),
      payload: {
        application: 'oa-leave',
        name: 'approver',
        nameZh: '审批人',
        nameEn: 'Approver',
        permissions: ['app:x'],
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ code: 'oa-leave.approver', application: 'oa-leave', builtIn: false });
    const refused = await platform.app.inject({
      method: 'POST',
      url: '/api/access/v1/roles',
      headers: as(deptAdmin),
      payload: { application: 'oa-leave', name: 'other', nameZh: '其他', nameEn: 'Other', permissions: [] },
    });
    expect(refused.statusCode).toBe(403);
    const patched = await platform.app.inject({
      method: 'PATCH',
      url: '/api/access/v1/roles/oa-leave.approver',
      headers: as(admin),
      payload: { nameEn: 'Leave approver' },
    });
    expect(patched.json().nameEn).toBe('Leave approver');
    const deleted = await platform.app.inject({
      method: 'DELETE',
      url: '/api/access/v1/roles/oa-leave.approver',
      headers: as(admin),
    });
    expect(deleted.statusCode).toBe(204);
    const gone = await platform.app.inject({ url: '/api/access/v1/roles/oa-leave.approver', headers: as(admin) });
    expect(gone.statusCode).toBe(404);
  });
});
