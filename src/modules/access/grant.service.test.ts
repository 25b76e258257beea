import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { makeOrgUnit, smallDistrict } from '../../../test/support/org-units.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import type { Actor } from '../../platform/authorization.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { upsertOrgUnits } from '../directory/index.js';
import { leavePost, makeStaff } from './access.fixtures.js';
import type { GrantInput } from './grant.js';
import { bootstrapSecurityAdmin, grantRole, listGrants, revokeGrant, rolesOf } from './grant.service.js';
import { createApplicationRole, deleteApplicationRole, updateApplicationRole } from './role.service.js';

let testDatabase: TestDatabase;
const db = () => testDatabase.database.kysely;
const as = (id: string) => ({ actor: { type: 'user', id } as Actor });
const toPerson = (roleCode: string, personId: string, scopeOrgUnitCode: string): GrantInput => ({
  roleCode,
  grantee: { kind: 'person', personId },
  scopeOrgUnitCode,
});
const caught = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (error: unknown) => error,
  );
const grantCount = async () =>
  Number((await sql<{ n: number }>`select count(*)::int as n from access."grant"`.execute(db())).rows[0]!.n);
const deniedAttempts = async (actorId: string, action: string) =>
  (await listAudit(db(), { actorId, action, limit: 100 })).entries.filter((entry) => entry.outcome === 'denied');

let securityAdmin: string;
let auditor: string;
let systemAdmin: string;
let deptAdmin: string;
let staffD1: string;
let staffD2: string;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await upsertOrgUnits(db(), [...smallDistrict(), makeOrgUnit({ code: 'XO1', parentCode: 'XD1', kind: 'office' })]);
  securityAdmin = (await makeStaff(db(), { posts: [{ orgUnitCode: 'XX', title: '安全管理员' }] })).id;
  auditor = (await makeStaff(db())).id;
  systemAdmin = (await makeStaff(db())).id;
  deptAdmin = (await makeStaff(db(), { posts: [{ orgUnitCode: 'XD1', title: '办公室主任' }] })).id;
  staffD1 = (await makeStaff(db(), { posts: [{ orgUnitCode: 'XO1', title: '科员' }] })).id;
  staffD2 = (await makeStaff(db(), { posts: [{ orgUnitCode: 'XD2', title: '科员' }] })).id;
  await bootstrapSecurityAdmin(db(), securityAdmin);
  await grantRole(db(), as(securityAdmin), toPerson('platform.security_auditor', auditor, 'XX'));
  await grantRole(db(), as(securityAdmin), toPerson('platform.system_admin', systemAdmin, 'XX'));
  await grantRole(db(), as(securityAdmin), toPerson('platform.department_admin', deptAdmin, 'XD1'));
});
afterAll(() => testDatabase.drop());

describe('grantRole', () => {
  it('grants, and leaves an audit entry and an access.grant.changed event', async () => {
    const grant = await grantRole(
      db(),
      { ...as(deptAdmin), requestId: 'req-grant-1' },
      toPerson('platform.staff', staffD1, 'XO1'),
    );
    expect(grant).toMatchObject({
      roleCode: 'platform.staff',
      grantee: { kind: 'person', personId: staffD1 },
      scopeOrgUnitCode: 'XO1',
      grantedBy: { type: 'user', id: deptAdmin },
      revokedAt: null,
    });
    const [audit] = (await listAudit(db(), { targetType: 'grant', targetId: grant.id, limit: 10 })).entries;
    expect(audit).toMatchObject({
      action: 'access.grant.created',
      actorId: deptAdmin,
      outcome: 'success',
      requestId: 'req-grant-1',
      details: {
        roleCode: 'platform.staff',
        granteeKind: 'person',
        personId: staffD1,
        postOrgUnitCode: null,
        postTitle: null,
        scopeOrgUnitCode: 'XO1',
      },
    });
    const events = await sql<{ type: string; payload: { change: string; personId: string } }>`
      select type, payload from platform.outbox_event where aggregate_id = ${grant.id}`.execute(db());
    expect(events.rows).toEqual([
      {
        type: 'access.grant.changed',
        payload: expect.objectContaining({
          grantId: grant.id,
          change: 'created',
          personId: staffD1,
          application: null,
        }),
      },
    ]);
  });

  it('names every bad field and writes nothing', async () => {
    const before = await grantCount();
    const shape = await caught(
      grantRole(db(), as(securityAdmin), {
        roleCode: 'Not A Role',
        grantee: { kind: 'person', personId: 'nope' },
        scopeOrgUnitCode: 'x',
      }),
    );
    expect(shape).toBeInstanceOf(ValidationError);
    expect((shape as ValidationError).fields.map((f) => `${f.pointer}:${f.reason}`)).toEqual([
      '/roleCode:format',
      '/scopeOrgUnitCode:format',
      '/grantee/personId:format',
    ]);
    const missing = await caught(
      grantRole(db(), as(securityAdmin), {
        roleCode: 'platform.nothing',
        grantee: { kind: 'post', orgUnitCode: 'NOPE', title: '科长' },
        scopeOrgUnitCode: 'NOWHERE',
      }),
    );
    expect((missing as ValidationError).fields.map((f) => `${f.pointer}:${f.reason}`)).toEqual([
      '/roleCode:not_found',
      '/scopeOrgUnitCode:not_found',
      '/grantee/orgUnitCode:not_found',
    ]);
    expect(await grantCount()).toBe(before);
  });

  it('refuses a grant that exists already', async () => {
    await grantRole(db(), as(deptAdmin), toPerson('platform.staff', staffD1, 'XD1'));
    const error = await caught(grantRole(db(), as(deptAdmin), toPerson('platform.staff', staffD1, 'XD1')));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'access.grant_exists' });
  });
});

describe('tiered administration (分级管理)', () => {
  it('keeps a department admin inside its own subtree, and audits the refusal', async () => {
    const before = await grantCount();
    const error = await caught(grantRole(db(), as(deptAdmin), toPerson('platform.staff', staffD2, 'XD2')));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({
      code: 'access.denied',
      params: { permission: 'access.grant', reason: 'out_of_scope', orgUnitCode: 'XD2' },
    });
    expect(await grantCount()).toBe(before);
    const [denied] = await deniedAttempts(deptAdmin, 'access.grant.created');
    expect(denied!.details).toMatchObject({
      refusal: 'access.denied',
      reason: 'out_of_scope',
      roleCode: 'platform.staff',
      scopeOrgUnitCode: 'XD2',
    });
  });

  it('never lets anyone grant to themselves or to a post they hold', async () => {
    const self = await caught(grantRole(db(), as(deptAdmin), toPerson('platform.staff', deptAdmin, 'XO1')));
    expect(self).toMatchObject({ code: 'access.self_grant' });
    const ownPost = await caught(
      grantRole(db(), as(deptAdmin), {
        roleCode: 'platform.staff',
        grantee: { kind: 'post', orgUnitCode: 'XD1', title: '办公室主任' },
        scopeOrgUnitCode: 'XD1',
      }),
    );
    expect(ownPost).toMatchObject({ code: 'access.self_grant' });
    const admin = await caught(grantRole(db(), as(securityAdmin), toPerson('platform.staff', securityAdmin, 'XX')));
    expect(admin).toMatchObject({ code: 'access.self_grant' });
  });

  it('grants only roles whose permissions the granter holds there', async () => {
    // A platform role beyond the built-in ones, as a release might add: it carries audit.read.
    await sql`insert into access.role (code, name_zh, name_en, permissions, built_in)
              values ('platform.test_reporter', '报表员', 'Reporter', array['directory.read', 'audit.read'], true)`.execute(
      db(),
    );
    const error = await caught(grantRole(db(), as(deptAdmin), toPerson('platform.test_reporter', staffD1, 'XD1')));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({
      code: 'access.role_not_grantable',
      params: { roleCode: 'platform.test_reporter', missing: 'audit.read' },
    });
    const duty = await caught(grantRole(db(), as(deptAdmin), toPerson('platform.system_admin', staffD1, 'XX')));
    expect(duty).toMatchObject({ code: 'access.denied' });
    // The security administrator may grant any platform role, though it lacks directory.manage itself.
    const grant = await grantRole(db(), as(securityAdmin), toPerson('platform.department_admin', staffD2, 'XD2'));
    expect(grant.scopeOrgUnitCode).toBe('XD2');
  });

  it('lets a department admin grant an application role within its subtree', async () => {
    await createApplicationRole(db(), as(securityAdmin), {
      application: 'oa-leave',
      name: 'approver',
      nameZh: '请假审批人',
      nameEn: 'Leave approver',
      permissions: ['app:leave.approve'],
    });
    const grant = await grantRole(db(), as(deptAdmin), toPerson('oa-leave.approver', staffD1, 'XD1'));
    expect(grant.roleCode).toBe('oa-leave.approver');
    expect(await rolesOf(db(), staffD1, { application: 'oa-leave' })).toEqual(['oa-leave.approver']);
    expect(await rolesOf(db(), staffD1, { application: null })).toEqual(['platform.staff']);
    const outside = await caught(grantRole(db(), as(deptAdmin), toPerson('oa-leave.approver', staffD2, 'XD2')));
    expect(outside).toMatchObject({ code: 'access.denied' });
  });

  it('revokes with the rights granting would need, once', async () => {
    const grant = await grantRole(db(), as(securityAdmin), toPerson('platform.staff', staffD2, 'XD2'));
    const foreign = await caught(revokeGrant(db(), as(deptAdmin), grant.id, { reason: '越权' }));
    expect(foreign).toMatchObject({ code: 'access.denied', params: { reason: 'out_of_scope' } });
    expect(await deniedAttempts(deptAdmin, 'access.grant.revoked')).toHaveLength(1);

    // The XO1 grant made in the first test of grantRole.
    const live = (
      await listGrants(db(), as(deptAdmin), { personId: staffD1, roleCode: 'platform.staff', limit: 50, offset: 0 })
    ).items.find((item) => item.scopeOrgUnitCode === 'XO1')!;
    const revoked = await revokeGrant(db(), as(deptAdmin), live.id, { reason: ' 调岗 ' });
    expect(revoked).toMatchObject({ revokedBy: { type: 'user', id: deptAdmin }, revokeReason: '调岗' });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    const audit = (await listAudit(db(), { targetType: 'grant', targetId: live.id, limit: 10 })).entries;
    expect(audit.map((entry) => entry.action)).toEqual(['access.grant.revoked', 'access.grant.created']);
    expect(await caught(revokeGrant(db(), as(deptAdmin), live.id))).toMatchObject({ code: 'access.grant_revoked' });
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await caught(revokeGrant(db(), as(deptAdmin), unknown))).toBeInstanceOf(NotFoundError);
  });

  it('lists only grants scoped where the reader may look', async () => {
    const page = await listGrants(db(), as(deptAdmin), { limit: 500, offset: 0 });
    const scopes = new Set(page.items.map((grant) => grant.scopeOrgUnitCode));
    expect([...scopes].sort()).toEqual(['XD1', 'XO1'].filter((code) => scopes.has(code)));
    expect(scopes.has('XD2')).toBe(false);
    expect(scopes.has('XX')).toBe(false);
    expect(page.total).toBe(page.items.length);
    const foreign = await caught(listGrants(db(), as(deptAdmin), { scopeOrgUnitCode: 'XD2', limit: 50, offset: 0 }));
    expect(foreign).toMatchObject({ code: 'access.denied', params: { reason: 'out_of_scope' } });
    const all = await listGrants(db(), as(auditor), { limit: 500, offset: 0 });
    expect(all.items.some((grant) => grant.scopeOrgUnitCode === 'XD2')).toBe(true);
    const withHistory = await listGrants(db(), as(auditor), { includeRevoked: true, limit: 500, offset: 0 });
    expect(withHistory.total).toBeGreaterThan(all.total);
    const bad = await caught(listGrants(db(), as(auditor), { personId: 'x', limit: 0, offset: -1 }));
    expect((bad as ValidationError).fields.map((f) => f.pointer)).toEqual(['/limit', '/offset', '/personId']);
  });
});

describe('separation of duties (三员分立)', () => {
  it('refuses a second duty, directly or through a post', async () => {
    const second = await caught(grantRole(db(), as(securityAdmin), toPerson('platform.system_admin', auditor, 'XX')));
    expect(second).toBeInstanceOf(ConflictError);
    expect(second).toMatchObject({
      code: 'access.separation_of_duties',
      params: { roleCode: 'platform.system_admin', heldDuty: 'security_auditor' },
    });
    const refusals = await deniedAttempts(securityAdmin, 'access.grant.created');
    expect(refusals.filter((entry) => entry.details.refusal === 'access.separation_of_duties')).toHaveLength(1);
    // The auditor's post would carry the system administrator's duty to the auditor.
    const holder = await makeStaff(db(), { posts: [{ orgUnitCode: 'XD2', title: '信息员' }] });
    await grantRole(db(), as(securityAdmin), toPerson('platform.security_auditor', holder.id, 'XX'));
    const viaPost = await caught(
      grantRole(db(), as(securityAdmin), {
        roleCode: 'platform.system_admin',
        grantee: { kind: 'post', orgUnitCode: 'XD2', title: '信息员' },
        scopeOrgUnitCode: 'XX',
      }),
    );
    expect(viaPost).toMatchObject({ code: 'access.separation_of_duties' });
    // Once the holder leaves the post, the post may carry the duty.
    await leavePost(db(), holder.postIds[0]!);
    const postGrant = await grantRole(db(), as(securityAdmin), {
      roleCode: 'platform.system_admin',
      grantee: { kind: 'post', orgUnitCode: 'XD2', title: '信息员' },
      scopeOrgUnitCode: 'XX',
    });
    expect(postGrant.grantee).toEqual({ kind: 'post', orgUnitCode: 'XD2', title: '信息员' });
  });

  it('grants duties over the root only, and only from a security administrator', async () => {
    const person = await makeStaff(db());
    const partial = await caught(
      grantRole(db(), as(securityAdmin), toPerson('platform.security_auditor', person.id, 'XD1')),
    );
    expect((partial as ValidationError).fields).toEqual([{ pointer: '/scopeOrgUnitCode', reason: 'root_only' }]);
    const bySystemAdmin = await caught(
      grantRole(db(), as(systemAdmin), toPerson('platform.security_auditor', person.id, 'XX')),
    );
    expect(bySystemAdmin).toMatchObject({ code: 'access.denied', params: { reason: 'no_grant' } });
  });

  it('lets the security auditor read and explain, but change nothing', async () => {
    const listed = await listGrants(db(), as(auditor), { limit: 10, offset: 0 });
    expect(listed.items.length).toBeGreaterThan(0);
    const target = listed.items.find((grant) => grant.roleCode === 'platform.staff')!;
    // One at a time: each attempt must be refused on its own.
    const attempts: Array<() => Promise<unknown>> = [
      () => grantRole(db(), as(auditor), toPerson('platform.staff', staffD1, 'XT1')),
      () => revokeGrant(db(), as(auditor), target.id),
      () =>
        createApplicationRole(db(), as(auditor), {
          application: 'oa-leave',
          name: 'auditor',
          nameZh: '稽核',
          nameEn: 'Checker',
          permissions: [],
        }),
      () => updateApplicationRole(db(), as(auditor), 'oa-leave.approver', { nameZh: '改名' }),
      () => deleteApplicationRole(db(), as(auditor), 'oa-leave.approver'),
    ];
    for (const attempt of attempts) {
      expect(await caught(attempt())).toMatchObject({ code: 'access.denied' });
    }
    const denied = (await listAudit(db(), { actorId: auditor, limit: 100 })).entries.filter(
      (e) => e.outcome === 'denied',
    );
    expect(denied.map((entry) => entry.action).sort()).toEqual([
      'access.grant.created',
      'access.grant.revoked',
      'access.role.created',
      'access.role.deleted',
      'access.role.updated',
    ]);
  });
});

describe('bootstrapSecurityAdmin', () => {
  it('makes a person security administrator over the root once', async () => {
    const again = await bootstrapSecurityAdmin(db(), securityAdmin);
    expect(again.created).toBe(false);
    expect(await rolesOf(db(), securityAdmin, { application: null })).toEqual(['platform.security_admin']);
    // The auditor holds a duty already.
    expect(await caught(bootstrapSecurityAdmin(db(), auditor))).toMatchObject({ code: 'access.separation_of_duties' });
  });
});

describe('rolesOf', () => {
  it('includes roles through current posts, and none for a departed post', async () => {
    const person = await makeStaff(db(), { posts: [{ orgUnitCode: 'XT2', title: '站长' }] });
    await grantRole(db(), as(securityAdmin), {
      roleCode: 'oa-leave.approver',
      grantee: { kind: 'post', orgUnitCode: 'XT2', title: '站长' },
      scopeOrgUnitCode: 'XT2',
    });
    expect(await rolesOf(db(), person.id, { application: 'oa-leave' })).toEqual(['oa-leave.approver']);
    await leavePost(db(), person.postIds[0]!);
    expect(await rolesOf(db(), person.id, { application: 'oa-leave' })).toEqual([]);
  });
});
