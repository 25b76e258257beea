/**
 * 分级管理 end to end, on the whole platform as it runs: a department administrator signs in with a
 * real session and the real access policy decides. It sees and changes its own department's people
 * and grants, and nothing of another department's, whatever it asks for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapSecurityAdmin, grantRole } from '../src/modules/access/index.js';
import { assignPost, createPerson, getPerson, type Person, upsertOrgUnits } from '../src/modules/directory/index.js';
import { openSession, SESSION_COOKIE } from '../src/modules/identity/index.js';
import { listAudit } from '../src/platform/audit/audit-log.js';
import { SYSTEM_ACTOR } from '../src/platform/authorization.js';
import { smallDistrict } from './support/org-units.js';
import { makePerson } from './support/people.js';
import { createTestPlatform, type TestPlatform } from './support/runtime.js';

let platform: TestPlatform;
let admin: Person;
let ownStaff: Person;
let otherStaff: Person;
let cookie: string;

const db = () => platform.runtime.database.kysely;

async function personIn(unit: string, title = '科员'): Promise<Person> {
  const acting = { actor: SYSTEM_ACTOR, policy: platform.runtime.policy };
  const person = await createPerson(db(), makePerson(), acting);
  await assignPost(db(), person.id, { orgUnitCode: unit, title }, acting);
  return getPerson(db(), person.id);
}

beforeAll(async () => {
  platform = await createTestPlatform();
  await upsertOrgUnits(db(), smallDistrict());
  const securityAdmin = await personIn('XX', '安全管理员');
  admin = await personIn('XD1', '科长');
  ownStaff = await personIn('XD1');
  otherStaff = await personIn('XD2');
  await bootstrapSecurityAdmin(db(), securityAdmin.id);
  await grantRole(
    db(),
    { actor: { type: 'user', id: securityAdmin.id } },
    { roleCode: 'platform.department_admin', grantee: { kind: 'person', personId: admin.id }, scopeOrgUnitCode: 'XD1' },
  );
  const { token } = await openSession(db(), {
    subjectKind: 'staff',
    subjectId: admin.id,
    ip: '10.1.1.1',
    userAgent: 'test',
    secondFactor: false,
  });
  cookie = `${SESSION_COOKIE}=${token}`;
});
afterAll(() => platform.close());

const request = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  platform.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });

describe('a department administrator', () => {
  it('lists its own department’s people only, whatever the filter asks', async () => {
    const all = await request('GET', '/api/directory/v1/people?limit=100');
    expect(all.statusCode).toBe(200);
    const ids = all.json().items.map((p: { id: string }) => p.id);
    expect(ids).toEqual(expect.arrayContaining([admin.id, ownStaff.id]));
    expect(ids).not.toContain(otherStaff.id);

    const other = await request('GET', '/api/directory/v1/people?orgUnit=XD2');
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ type: '/problems/access.denied' });
    expect((await request('GET', `/api/directory/v1/people/${otherStaff.id}`)).statusCode).toBe(403);
  });

  it('changes its own department’s people, and not another’s, which stays as it was', async () => {
    const own = await request('PATCH', `/api/directory/v1/people/${ownStaff.id}`, { email: 'own@example.gov.cn' });
    expect(own.statusCode).toBe(200);
    const other = await request('PATCH', `/api/directory/v1/people/${otherStaff.id}`, { email: 'x@example.gov.cn' });
    expect(other.statusCode).toBe(403);
    expect((await getPerson(db(), otherStaff.id)).email).toBe(otherStaff.email);
  });

  it('sees and makes grants in its own department only, and never for itself', async () => {
    const own = await request('GET', '/api/access/v1/grants?scope=XD1');
    expect(own.statusCode).toBe(200);
    expect(own.json().items.map((g: { scopeOrgUnitCode: string }) => g.scopeOrgUnitCode)).toEqual(['XD1']);
    expect((await request('GET', '/api/access/v1/grants?scope=XD2')).statusCode).toBe(403);
    const everything = (await request('GET', '/api/access/v1/grants?limit=100')).json().items;
    expect(everything.every((g: { scopeOrgUnitCode: string }) => g.scopeOrgUnitCode === 'XD1')).toBe(true);

    const grant = (personId: string, scopeOrgUnitCode: string) =>
      request('POST', '/api/access/v1/grants', {
        roleCode: 'platform.staff',
        grantee: { kind: 'person', personId },
        scopeOrgUnitCode,
      });
    expect((await grant(ownStaff.id, 'XD1')).statusCode).toBe(201);
    expect((await grant(otherStaff.id, 'XD2')).statusCode).toBe(403);
    expect((await grant(admin.id, 'XD1')).statusCode).toBe(403);
  });

  it('leaves each refusal in the audit log', async () => {
    await platform.runtime.policy.settled();
    const denied = (await listAudit(db(), { actorId: admin.id, limit: 100 })).entries.filter(
      (entry) => entry.outcome === 'denied',
    );
    expect(denied.length).toBeGreaterThanOrEqual(4);
  });
});
