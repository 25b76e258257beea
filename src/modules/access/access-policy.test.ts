import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { makeOrgUnit, smallDistrict } from '../../../test/support/org-units.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import { type Actor, SYSTEM_ACTOR } from '../../platform/authorization.js';
import { ForbiddenError } from '../../platform/errors.js';
import { upsertOrgUnits } from '../directory/index.js';
import { leavePost, makeStaff, setStatus } from './access.fixtures.js';
import { type AccessPolicy, createAccessPolicy } from './access-policy.js';
import { grantRole } from './grant.service.js';

let testDatabase: TestDatabase;
let policy: AccessPolicy;
const db = () => testDatabase.database.kysely;
const user = (id: string): Actor => ({ type: 'user', id });
const grant = (
  roleCode: string,
  grantee: { personId: string } | { orgUnitCode: string; title: string },
  scope: string,
) =>
  grantRole(
    db(),
    { actor: SYSTEM_ACTOR },
    {
      roleCode,
      grantee: 'personId' in grantee ? { kind: 'person', ...grantee } : { kind: 'post', ...grantee },
      scopeOrgUnitCode: scope,
    },
  );
const deniedOf = async (actorId: string) =>
  (await listAudit(db(), { actorId, action: 'access.permission.denied', limit: 50 })).entries;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  policy = createAccessPolicy({ database: testDatabase.database });
  await upsertOrgUnits(db(), [...smallDistrict(), makeOrgUnit({ code: 'XO1', parentCode: 'XD1', kind: 'office' })]);
});
afterAll(() => testDatabase.drop());

describe('authorize', () => {
  it('always allows the platform itself', async () => {
    const decision = await policy.authorize(db(), SYSTEM_ACTOR, 'directory.manage', 'XD1');
    expect(decision).toEqual({
      allowed: true,
      permission: 'directory.manage',
      orgUnitCode: 'XD1',
      reason: 'system_actor',
      grants: [],
    });
  });

  it('refuses unknown permissions, machine clients and unknown, suspended or departed people', async () => {
    const person = await makeStaff(db(), { posts: [{ orgUnitCode: 'XD2', title: '科员' }] });
    await grant('platform.staff', { personId: person.id }, 'XX');
    expect((await policy.authorize(db(), user(person.id), 'directory.read', 'XD2')).reason).toBe('granted');
    expect((await policy.authorize(db(), user(person.id), 'directory.fly', 'XD2')).reason).toBe('unknown_permission');
    expect((await policy.authorize(db(), { type: 'machine', id: 'oa-leave' }, 'directory.read', null)).reason).toBe(
      'machine_not_granted',
    );
    const nobody = '00000000-0000-4000-8000-000000000000';
    expect((await policy.authorize(db(), user(nobody), 'directory.read', 'XD2')).reason).toBe('actor_inactive');
    expect((await policy.authorize(db(), user('not-a-uuid'), 'directory.read', 'XD2')).reason).toBe('actor_inactive');
    await setStatus(db(), person.id, 'suspended');
    expect(await policy.authorize(db(), user(person.id), 'directory.read', 'XD2')).toMatchObject({
      allowed: false,
      reason: 'actor_inactive',
      grants: [],
    });
    await setStatus(db(), person.id, 'active');
    expect((await policy.authorize(db(), user(person.id), 'directory.read', 'XD2')).allowed).toBe(true);
    await setStatus(db(), person.id, 'left');
    expect((await policy.authorize(db(), user(person.id), 'directory.read', 'XD2')).reason).toBe('actor_inactive');
  });

  it('covers the scope unit and everything below it, and explains the grants elsewhere', async () => {
    const person = await makeStaff(db());
    const staff = await grant('platform.staff', { personId: person.id }, 'XD1');
    const asPerson = user(person.id);
    const here = await policy.authorize(db(), asPerson, 'directory.read', 'XD1');
    expect(here).toEqual({
      allowed: true,
      permission: 'directory.read',
      orgUnitCode: 'XD1',
      reason: 'granted',
      grants: [{ grantId: staff.id, roleCode: 'platform.staff', scopeOrgUnitCode: 'XD1', via: 'person' }],
    });
    expect((await policy.authorize(db(), asPerson, 'directory.read', 'XO1')).reason).toBe('granted');
    const elsewhere = await policy.authorize(db(), asPerson, 'directory.read', 'XD2');
    expect(elsewhere).toMatchObject({ allowed: false, reason: 'out_of_scope', grants: [{ grantId: staff.id }] });
    // Platform-wide permissions need a grant over the root.
    expect((await policy.authorize(db(), asPerson, 'directory.read', null)).reason).toBe('out_of_scope');
    expect((await policy.authorize(db(), asPerson, 'directory.manage', 'XD1')).reason).toBe('no_grant');
    expect((await policy.authorize(db(), asPerson, 'directory.read', 'NOPE')).reason).toBe('unknown_org_unit');
    await grant('platform.staff', { personId: person.id }, 'XX');
    expect((await policy.authorize(db(), asPerson, 'directory.read', null)).reason).toBe('granted');
    expect((await policy.authorize(db(), asPerson, 'directory.read', 'XD2')).allowed).toBe(true);
  });

  it('gives a post grant to whoever holds the post, and takes it away when they leave it', async () => {
    const head = await makeStaff(db(), { posts: [{ orgUnitCode: 'XD2', title: '科长' }] });
    const clerk = await makeStaff(db(), { posts: [{ orgUnitCode: 'XD2', title: '科员' }] });
    const postGrant = await grant('platform.department_admin', { orgUnitCode: 'XD2', title: '科长' }, 'XD2');
    const decision = await policy.authorize(db(), user(head.id), 'directory.manage', 'XD2');
    expect(decision).toMatchObject({ allowed: true, grants: [{ grantId: postGrant.id, via: 'post' }] });
    expect((await policy.authorize(db(), user(clerk.id), 'directory.manage', 'XD2')).reason).toBe('no_grant');
    await leavePost(db(), head.postIds[0]!);
    expect((await policy.authorize(db(), user(head.id), 'directory.manage', 'XD2')).reason).toBe('no_grant');
  });
});

describe('cost of a decision', () => {
  it('takes the same few queries however many posts and grants a person has', async () => {
    let queries = 0;
    const counting = db().withPlugin({
      transformQuery: (args) => {
        queries += 1;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const queriesFor = async (personId: string) => {
      queries = 0;
      await policy.authorize(counting, user(personId), 'directory.manage', 'XC1');
      return queries;
    };
    const newcomer = await makeStaff(db());
    const busy = await makeStaff(db(), {
      posts: ['XD1', 'XD2', 'XT1', 'XT2'].map((orgUnitCode) => ({ orgUnitCode, title: '联络员' })),
    });
    for (const scope of ['XD1', 'XD2', 'XT1', 'XT2', 'XC1']) {
      await grant('platform.department_admin', { personId: busy.id }, scope);
      await grant('platform.staff', { orgUnitCode: scope === 'XC1' ? 'XT1' : scope, title: '联络员' }, scope);
    }
    expect((await policy.authorize(db(), user(busy.id), 'directory.manage', 'XC1')).grants).toHaveLength(2);
    // The person, its posts, the unit's path, then the grants: never one query per post or grant.
    expect(await queriesFor(newcomer.id)).toBe(4);
    expect(await queriesFor(busy.id)).toBe(4);
  });
});

describe('assertAllowed', () => {
  it('throws access.denied with the reason and records the denial', async () => {
    const person = await makeStaff(db());
    await grant('platform.staff', { personId: person.id }, 'XD1');
    await expect(policy.assertAllowed(db(), user(person.id), 'directory.read', 'XO1')).resolves.toBeUndefined();
    const error = await policy.assertAllowed(db(), user(person.id), 'directory.manage', 'XD1').catch((e) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({
      code: 'access.denied',
      params: { permission: 'directory.manage', reason: 'no_grant', orgUnitCode: 'XD1' },
    });
    const [entry] = await deniedOf(person.id);
    expect(entry).toMatchObject({
      actorType: 'user',
      outcome: 'denied',
      targetType: 'org_unit',
      targetId: 'XD1',
      details: { permission: 'directory.manage', reason: 'no_grant', orgUnitCode: 'XD1' },
    });
  });

  it('keeps the denial when the caller’s transaction rolls back', async () => {
    const person = await makeStaff(db());
    const work = testDatabase.database.transaction(async (tx) => {
      await sql`create table public.access_rollback_probe (id int)`.execute(tx);
      await policy.assertAllowed(tx, user(person.id), 'directory.manage', 'XD2');
    });
    await expect(work).rejects.toMatchObject({ code: 'access.denied' });
    await policy.settled();
    const probe = await sql<{ exists: boolean }>`
      select to_regclass('public.access_rollback_probe') is not null as exists`.execute(db());
    expect(probe.rows[0]!.exists).toBe(false);
    expect(await deniedOf(person.id)).toHaveLength(1);
  });
});

describe('scopeOf', () => {
  it('is everywhere over the root, the grants’ units otherwise, nowhere without a grant', async () => {
    const person = await makeStaff(db());
    const asPerson = user(person.id);
    expect(await policy.scopeOf(db(), asPerson, 'directory.manage')).toEqual({ everywhere: false, orgUnitCodes: [] });
    await grant('platform.department_admin', { personId: person.id }, 'XD1');
    await grant('platform.department_admin', { personId: person.id }, 'XT1');
    const scope = await policy.scopeOf(db(), asPerson, 'directory.manage');
    expect(scope.everywhere).toBe(false);
    expect([...scope.orgUnitCodes].sort()).toEqual(['XD1', 'XT1']);
    await grant('platform.department_admin', { personId: person.id }, 'XX');
    expect(await policy.scopeOf(db(), asPerson, 'directory.manage')).toEqual({ everywhere: true, orgUnitCodes: [] });
    expect((await policy.scopeOf(db(), SYSTEM_ACTOR, 'audit.read')).everywhere).toBe(true);
    expect((await policy.scopeOf(db(), { type: 'machine', id: 'oa' }, 'directory.read')).everywhere).toBe(false);
  });
});
