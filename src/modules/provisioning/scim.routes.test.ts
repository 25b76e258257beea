import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallDistrict } from '../../../test/support/org-units.js';
import { makePerson } from '../../../test/support/people.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { type Actor, type Policy, SYSTEM_ACTOR } from '../../platform/authorization.js';
import { ForbiddenError } from '../../platform/errors.js';
import { createPerson, getPerson, updatePerson, upsertOrgUnits } from '../directory/index.js';
import type { SyncSettings } from './person-sync.service.js';
import { provisioningRoutes } from './provisioning.routes.js';
import { scimRoutes } from './scim.routes.js';
import { createScimToken } from './scim-token.service.js';

const ADMIN = '00000000-0000-4000-8000-00000000a001';
const CLERK = '00000000-0000-4000-8000-00000000c001';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const HUITONG = 'urn:huitong:scim:schemas:extension:directory:1.0:User';

/** A tiny policy for the test: the system and ADMIN may manage provisioning everywhere, nobody else anywhere. */
const policy: Policy = {
  async authorize(_executor, actor, permission, orgUnitCode) {
    const allowed = actor.type === 'system' || actor.id === ADMIN;
    return { allowed, permission, orgUnitCode, reason: allowed ? 'granted' : 'no_grant', grants: [] };
  },
  async assertAllowed(executor, actor, permission, orgUnitCode) {
    const decision = await this.authorize(executor, actor, permission, orgUnitCode);
    if (!decision.allowed)
      throw new ForbiddenError('access.denied', { permission, reason: decision.reason, orgUnitCode });
  },
  async scopeOf(_executor, actor: Actor) {
    return { everywhere: actor.type === 'system' || actor.id === ADMIN, orgUnitCodes: [] };
  },
};

const sync: SyncSettings = { mail: { domain: 'example.gov.cn', rule: 'pinyin' } };
let platform: TestPlatform;
let d1Token: string;
let d2Token: string;
let readOnlyToken: string;
const db = () => platform.runtime.database.kysely;

async function inject(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  options: { token?: string | null; body?: unknown; headers?: Record<string, string>; contentType?: string } = {},
) {
  const token = options.token === undefined ? d1Token : options.token;
  const response = await platform.app.inject({
    method,
    url,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': options.contentType ?? 'application/scim+json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined
      ? { payload: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
      : {}),
  });
  return { status: response.statusCode, headers: response.headers, body: response.body ? response.json() : undefined };
}

async function makeStaff(name: string, orgUnitCode: string) {
  return createPerson(
    db(),
    { ...makePerson({ name }), firstPost: { orgUnitCode, title: '科员', validFrom: '2024-01-01' } },
    { actor: SYSTEM_ACTOR, policy },
  );
}

function newUser(staffNo: string, name: { familyName: string; givenName: string }, extra: object = {}) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE, HUITONG],
    userName: staffNo.toLowerCase(),
    name,
    phoneNumbers: [{ value: `1990002${staffNo.slice(-4)}`, type: 'mobile' }],
    [HUITONG]: { orgUnitCode: 'XD1', title: '科员' },
    ...extra,
  };
}

beforeAll(async () => {
  platform = await createTestPlatform({
    routes: (runtime) => [
      scimRoutes({ database: runtime.database, sync, publicUrl: runtime.config.publicUrl }),
      provisioningRoutes({ database: runtime.database, policy }),
    ],
  });
  platform.runtime.authenticators.push(async (request) => {
    const id = request.headers['x-test-staff'];
    return typeof id === 'string' ? { kind: 'staff', id, via: 'test' } : null;
  });
  await upsertOrgUnits(db(), smallDistrict());
  const token = (ownerOrgUnitCode: string, scopes: Array<'read' | 'write'>) =>
    platform.runtime.database.transaction(async (tx) => {
      const made = await createScimToken(
        tx,
        SYSTEM_ACTOR,
        { policy },
        { name: `系统${ownerOrgUnitCode}`, ownerOrgUnitCode, scopes },
      );
      return made.secret;
    });
  d1Token = await token('XD1', ['read', 'write']);
  d2Token = await token('XD2', ['read', 'write']);
  readOnlyToken = await token('XX', ['read']);
});
afterAll(() => platform.close());

describe('authentication', () => {
  it('refuses a request without a token or with an unknown one, with a SCIM error body', async () => {
    for (const token of [null, 'hts_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'nonsense']) {
      const response = await inject('GET', '/scim/v2/Users', { token });
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
    }
  });

  it('lets a read-only token read but not write', async () => {
    expect((await inject('GET', '/scim/v2/Users', { token: readOnlyToken })).status).toBe(200);
    const response = await inject('POST', '/scim/v2/Users', {
      token: readOnlyToken,
      body: newUser('RO000001', { familyName: '王', givenName: '五' }),
    });
    expect(response.status).toBe(403);
  });
});

describe('discovery', () => {
  it('describes the service provider, its resource types and schemas; Bulk is not supported', async () => {
    const config = await inject('GET', '/scim/v2/ServiceProviderConfig');
    expect(config.body).toMatchObject({
      bulk: { supported: false },
      patch: { supported: true },
      filter: { supported: true, maxResults: 200 },
      etag: { supported: true },
      sort: { supported: true },
    });
    const schemas = await inject('GET', '/scim/v2/Schemas');
    expect(schemas.body.Resources.map((schema: { id: string }) => schema.id)).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User',
      ENTERPRISE,
      'urn:ietf:params:scim:schemas:core:2.0:Group',
      HUITONG,
    ]);
    const types = await inject('GET', '/scim/v2/ResourceTypes/User');
    expect(types.body).toMatchObject({
      endpoint: '/Users',
      schemaExtensions: [{ schema: ENTERPRISE }, { schema: HUITONG }],
    });
    const bulk = await inject('POST', '/scim/v2/Bulk', { body: { Operations: [] } });
    expect(bulk.status).toBe(501);
    expect((await inject('GET', '/scim/v2/Nothing')).body).toMatchObject({ status: '404' });
  });
});

describe('Users', () => {
  it('shows people created in the directory once their event is delivered, with a pending mailbox', async () => {
    const person = await makeStaff('欧阳娜娜', 'XD1');
    await platform.runtime.events.drain();
    const response = await inject(
      'GET',
      `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${person.staffNo.toLowerCase()}"`)}`,
    );
    expect(response.body.totalResults).toBe(1);
    expect(response.body.Resources[0]).toMatchObject({
      id: person.id,
      userName: person.staffNo.toLowerCase(),
      name: { formatted: '欧阳娜娜', familyName: '欧阳', givenName: '娜娜' },
      active: true,
      emails: [{ value: 'ouyangnana@example.gov.cn', type: 'work', primary: true }],
      [ENTERPRISE]: { employeeNumber: person.staffNo, department: '测试区教育局', organization: '测试区' },
      [HUITONG]: { orgUnitCode: 'XD1', mailboxStatus: 'pending' },
      meta: { resourceType: 'User', location: `http://localhost:3000/scim/v2/Users/${person.id}` },
    });
  });

  it('creates a user as a person with a primary post, written by the token as a machine actor', async () => {
    const response = await inject('POST', '/scim/v2/Users', {
      body: newUser('SC000001', { familyName: '张', givenName: '三丰' }, { externalId: 'ext-1' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe(`http://localhost:3000/scim/v2/Users/${response.body.id}`);
    expect(response.headers.etag).toBe(response.body.meta.version);
    expect(response.body).toMatchObject({
      userName: 'sc000001',
      externalId: 'ext-1',
      displayName: '张三丰',
      emails: [{ value: 'zhangsanfeng@example.gov.cn' }],
      phoneNumbers: [{ value: '19900020001', type: 'mobile' }],
      [HUITONG]: { orgUnitCode: 'XD1', title: '科员', status: 'active', mailboxStatus: 'pending' },
    });
    const person = await getPerson(db(), response.body.id);
    expect(person).toMatchObject({ staffNo: 'SC000001', name: '张三丰', mobile: '19900020001' });
    const history = await sql<{ actor_type: string; actor_id: string }>`
      select actor_type, actor_id from directory.person_history where person_id = ${person.id}`.execute(db());
    expect(new Set(history.rows.map((row) => row.actor_type))).toEqual(new Set(['machine']));
    expect(history.rows[0]!.actor_id).toMatch(/^scim:/);
    // Read back at once, and the application/json content type is accepted too.
    expect((await inject('GET', `/scim/v2/Users/${person.id}`)).body.userName).toBe('sc000001');
    const plainJson = await inject('POST', '/scim/v2/Users', {
      body: newUser('SC000002', { familyName: 'Smith', givenName: 'John' }),
      contentType: 'application/json',
    });
    expect(plainJson.status).toBe(201);
    expect(plainJson.body).toMatchObject({
      displayName: 'John Smith',
      emails: [{ value: 'johnsmith@example.gov.cn' }],
    });
  });

  it('refuses a taken userName with 409 uniqueness and a bad payload with 400', async () => {
    const duplicate = await inject('POST', '/scim/v2/Users', {
      body: newUser('SC000001', { familyName: '李', givenName: '四' }),
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ status: '409', scimType: 'uniqueness' });

    const badTypes = await inject('POST', '/scim/v2/Users', {
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 5,
        active: 'perhaps',
        name: { givenName: 7 },
      },
    });
    expect(badTypes.status).toBe(400);
    expect(badTypes.body.scimType).toBe('invalidValue');
    expect(badTypes.body.detail).toContain('userName');
    expect(badTypes.body.detail).toContain('active');
    expect(badTypes.body.detail).toContain('name.givenName');

    const notJson = await inject('POST', '/scim/v2/Users', { body: '{"userName": ' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.scimType).toBe('invalidSyntax');

    const noTitle = await inject('POST', '/scim/v2/Users', {
      body: { ...newUser('SC000009', { familyName: '李', givenName: '四' }), [HUITONG]: {} },
    });
    expect(noTitle.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(await getPersonCount('SC000009')).toBe(0);
  });

  it('filters with and, or, not, value paths and dates, as SQL', async () => {
    // The database's clock, which stamps meta.created.
    const { rows } = await sql<{ at: Date }>`select clock_timestamp() as at`.execute(db());
    const before = rows[0]!.at.toISOString();
    const created = await inject('POST', '/scim/v2/Users', {
      body: newUser('SC000003', { familyName: '单', givenName: '田芳' }),
    });
    expect(created.body.emails[0].value).toBe('shantianfang@example.gov.cn');
    const find = async (filter: string) => {
      const response = await inject('GET', `/scim/v2/Users?filter=${encodeURIComponent(filter)}&attributes=userName`);
      expect(response.status).toBe(200);
      return response.body.Resources.map((user: { userName: string }) => user.userName).sort();
    };
    expect(await find('userName eq "SC000003"')).toEqual(['sc000003']);
    expect(await find('userName eq "sc000001" or userName eq "sc000003"')).toEqual(['sc000001', 'sc000003']);
    expect(await find('userName sw "sc00000" and not (name.familyName eq "张" or displayName co "Smith")')).toEqual([
      'sc000003',
    ]);
    expect(await find('emails[type eq "work" and value sw "shan"]')).toEqual(['sc000003']);
    expect(await find('emails.value ew "@example.gov.cn" and externalId eq "ext-1"')).toEqual(['sc000001']);
    expect(await find(`meta.created gt "${before}" and active eq true`)).toEqual(['sc000003']);
    expect(await find(`meta.lastModified le "${before}" and userName eq "sc000003"`)).toEqual([]);
    expect(await find(`${ENTERPRISE}:employeeNumber eq "SC000003"`)).toEqual(['sc000003']);

    for (const filter of [
      'userName eq',
      'userName zz "x"',
      'nickName eq "x"',
      'active gt true',
      'meta.created gt "soon"',
    ]) {
      const response = await inject('GET', `/scim/v2/Users?filter=${encodeURIComponent(filter)}`);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ status: '400', scimType: 'invalidFilter' });
    }
  });

  it('pages and sorts, and projects attributes', async () => {
    const all = await inject('GET', '/scim/v2/Users?sortBy=userName&sortOrder=descending');
    const names = all.body.Resources.map((user: { userName: string }) => user.userName);
    expect(names).toEqual([...names].sort().reverse());
    const page = await inject('GET', '/scim/v2/Users?sortBy=userName&sortOrder=descending&startIndex=2&count=2');
    expect(page.body).toMatchObject({ totalResults: all.body.totalResults, startIndex: 2, itemsPerPage: 2 });
    expect(page.body.Resources.map((user: { userName: string }) => user.userName)).toEqual(names.slice(1, 3));
    const counted = await inject('GET', '/scim/v2/Users?count=0');
    expect(counted.body).toMatchObject({ totalResults: all.body.totalResults, itemsPerPage: 0, Resources: [] });
    const slim = await inject('GET', '/scim/v2/Users?count=1&excludedAttributes=emails,name.givenName');
    expect(slim.body.Resources[0].emails).toBeUndefined();
    expect(slim.body.Resources[0].name.givenName).toBeUndefined();
    expect(slim.body.Resources[0].name.formatted).toBeDefined();
  });

  it('suspends the person and the mailbox on PATCH active false, the way Entra ID sends it', async () => {
    const list = await inject('GET', `/scim/v2/Users?filter=${encodeURIComponent('userName eq "sc000003"')}`);
    const id = list.body.Resources[0].id;
    const suspended = await inject('PATCH', `/scim/v2/Users/${id}`, {
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
      },
    });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({
      active: false,
      [HUITONG]: { status: 'suspended', mailboxStatus: 'suspended' },
    });
    expect((await getPerson(db(), id)).status).toBe('suspended');

    const back = await inject('PATCH', `/scim/v2/Users/${id}`, {
      body: { Operations: [{ op: 'replace', value: { active: true } }] },
    });
    expect(back.body).toMatchObject({ active: true, [HUITONG]: { mailboxStatus: 'pending' } });
  });

  it('patches names, phone numbers with value filters, and refuses a changed userName or a bad PatchOp', async () => {
    const created = await inject('POST', '/scim/v2/Users', {
      body: newUser('SC000004', { familyName: '曾', givenName: '国藩' }),
    });
    const url = `/scim/v2/Users/${created.body.id}`;
    const patched = await inject('PATCH', url, {
      body: {
        Operations: [
          { op: 'replace', path: 'name.givenName', value: '国荃' },
          { op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '19900029999' },
          { op: 'add', path: 'externalId', value: 'ext-4' },
        ],
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      displayName: '曾国荃',
      externalId: 'ext-4',
      phoneNumbers: [{ value: '19900029999' }],
    });
    // The mail address, once given, stays.
    expect(patched.body.emails[0].value).toBe('zengguofan@example.gov.cn');
    const removed = await inject('PATCH', url, { body: { Operations: [{ op: 'remove', path: 'phoneNumbers' }] } });
    expect(removed.body.phoneNumbers).toBeUndefined();
    expect((await getPerson(db(), created.body.id)).mobile).toBeNull();

    const renamed = await inject('PATCH', url, {
      body: { Operations: [{ op: 'replace', path: 'userName', value: 'other1' }] },
    });
    expect(renamed.body).toMatchObject({ status: '400', scimType: 'mutability' });
    const noTarget = await inject('PATCH', url, {
      body: { Operations: [{ op: 'replace', path: 'phoneNumbers[type eq "fax"].value', value: '1' }] },
    });
    expect(noTarget.body.scimType).toBe('noTarget');
    const badOp = await inject('PATCH', url, { body: { Operations: [{ op: 'move', path: 'title' }] } });
    expect(badOp.body.scimType).toBe('invalidSyntax');
    const noOps = await inject('PATCH', url, { body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] } });
    expect(noOps.body.scimType).toBe('invalidSyntax');
  });

  it('replaces a user with PUT, honouring If-Match, and answers If-None-Match with 304', async () => {
    const created = await inject('POST', '/scim/v2/Users', {
      body: newUser('SC000005', { familyName: '仇', givenName: '英' }),
    });
    const url = `/scim/v2/Users/${created.body.id}`;
    const etag = created.body.meta.version as string;
    const unchanged = await inject('GET', url, { headers: { 'if-none-match': etag } });
    expect(unchanged.status).toBe(304);

    const replaced = await inject('PUT', url, {
      headers: { 'if-match': etag },
      body: {
        ...newUser('SC000005', { familyName: '仇', givenName: '十洲' }),
        name: { formatted: '仇十洲' },
        [HUITONG]: { orgUnitCode: 'XD1', title: '科长' },
      },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ displayName: '仇十洲', title: '科长' });
    expect(replaced.body.meta.version).not.toBe(etag);
    const person = await getPerson(db(), created.body.id);
    expect(person.posts.map((post) => post.title)).toEqual(['科长']);

    const stale = await inject('PUT', url, {
      headers: { 'if-match': etag },
      body: newUser('SC000005', { familyName: '仇', givenName: '英' }),
    });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ status: '412' });
    expect((await inject('GET', url, { headers: { 'if-none-match': etag } })).status).toBe(200);

    const moveAway = await inject('PUT', url, {
      body: {
        ...newUser('SC000005', { familyName: '仇', givenName: '十洲' }),
        [HUITONG]: { orgUnitCode: 'XD2', title: '科长' },
      },
    });
    expect(moveAway.status).toBe(403);
  });

  it('deletes a user by marking the person as having left and removing the mailbox', async () => {
    const created = await inject('POST', '/scim/v2/Users', {
      body: newUser('SC000006', { familyName: '吕', givenName: '布' }),
    });
    const url = `/scim/v2/Users/${created.body.id}`;
    expect((await inject('DELETE', url, { headers: { 'if-match': 'W/"stale"' } })).status).toBe(412);
    expect((await inject('DELETE', url)).status).toBe(204);
    expect(await getPerson(db(), created.body.id)).toMatchObject({ status: 'left', posts: [] });
    const mailbox = await sql<{ status: string; address: string }>`
      select status, address from provisioning.mailbox where person_id = ${created.body.id}`.execute(db());
    expect(mailbox.rows).toEqual([{ status: 'removed', address: 'lvbu@example.gov.cn' }]);
    expect((await inject('GET', url)).status).toBe(404);
  });

  it('keeps each token to its own subtree', async () => {
    const d2Person = await makeStaff('王五', 'XD2');
    await platform.runtime.events.drain();
    const d1List = await inject('GET', '/scim/v2/Users?count=200');
    expect(d1List.body.Resources.map((user: { id: string }) => user.id)).not.toContain(d2Person.id);
    expect((await inject('GET', `/scim/v2/Users/${d2Person.id}`)).status).toBe(404);
    expect(
      (
        await inject('PATCH', `/scim/v2/Users/${d2Person.id}`, {
          body: { Operations: [{ op: 'replace', path: 'active', value: false }] },
        })
      ).status,
    ).toBe(404);
    expect((await inject('GET', `/scim/v2/Users/${d2Person.id}`, { token: d2Token })).status).toBe(200);
    const d2List = await inject('GET', '/scim/v2/Users', { token: d2Token });
    expect(d2List.body.Resources.map((user: { id: string }) => user.id)).toEqual([d2Person.id]);
    const intoD1 = await inject('POST', '/scim/v2/Users', {
      token: d2Token,
      body: newUser('SC000007', { familyName: '赵', givenName: '六' }),
    });
    expect(intoD1.status).toBe(403);
  });
});

describe('Groups', () => {
  it('creates, reads, patches members, replaces and deletes groups', async () => {
    const users = await inject('GET', '/scim/v2/Users?sortBy=userName');
    const [first, second] = users.body.Resources.map((user: { id: string }) => user.id);
    const created = await inject('POST', '/scim/v2/Groups', {
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: '办公室',
        members: [{ value: first }],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.members).toEqual([expect.objectContaining({ value: first, type: 'User' })]);
    const url = `/scim/v2/Groups/${created.body.id}`;

    const added = await inject('PATCH', url, {
      body: { Operations: [{ op: 'Add', path: 'members', value: [{ value: second }] }] },
    });
    expect(added.body.members.map((member: { value: string }) => member.value).sort()).toEqual([first, second].sort());
    expect(added.body.meta.version).not.toBe(created.body.meta.version);

    const removed = await inject('PATCH', url, {
      headers: { 'if-match': added.body.meta.version },
      body: { Operations: [{ op: 'remove', path: `members[value eq "${first}"]` }] },
    });
    expect(removed.body.members.map((member: { value: string }) => member.value)).toEqual([second]);

    const duplicate = await inject('POST', '/scim/v2/Groups', { body: { displayName: '办公室' } });
    expect(duplicate.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
    const foreign = await inject('PATCH', url, {
      body: {
        Operations: [{ op: 'add', path: 'members', value: [{ value: '00000000-0000-4000-8000-000000000000' }] }],
      },
    });
    expect(foreign.body.scimType).toBe('invalidValue');

    const replaced = await inject('PUT', url, { body: { displayName: '综合办公室', externalId: 'g-1', members: [] } });
    expect(replaced.body).toMatchObject({ displayName: '综合办公室', externalId: 'g-1', members: [] });
    const found = await inject('GET', `/scim/v2/Groups?filter=${encodeURIComponent('displayName co "办公"')}`);
    expect(found.body.totalResults).toBe(1);
    expect((await inject('GET', url, { token: d2Token })).status).toBe(404);
    expect((await inject('DELETE', url)).status).toBe(204);
    expect((await inject('GET', url)).status).toBe(404);
  });
});

describe('SCIM tokens and mailboxes over REST', () => {
  it('lets an administrator make, list and revoke tokens, and refuses others with problem+json', async () => {
    const made = await platform.app.inject({
      method: 'POST',
      url: '/api/provisioning/v1/scim-tokens',
      headers: { 'x-test-staff': ADMIN },
      payload: { name: '邮件系统', ownerOrgUnitCode: 'XD1', scopes: ['read'] },
    });
    expect(made.statusCode).toBe(201);
    const { token, id } = made.json();
    expect(token).toMatch(/^hts_/);
    expect((await inject('GET', '/scim/v2/Users', { token })).status).toBe(200);

    const listed = await platform.app.inject({
      url: '/api/provisioning/v1/scim-tokens',
      headers: { 'x-test-staff': ADMIN },
    });
    expect(listed.json().items.map((item: { id: string }) => item.id)).toContain(id);
    expect(JSON.stringify(listed.json())).not.toContain(token);

    const refused = await platform.app.inject({
      method: 'POST',
      url: '/api/provisioning/v1/scim-tokens',
      headers: { 'x-test-staff': CLERK },
      payload: { name: '别的系统', ownerOrgUnitCode: 'XD1', scopes: ['read'] },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    const anonymous = await platform.app.inject({ url: '/api/provisioning/v1/scim-tokens' });
    expect(anonymous.statusCode).toBe(401);

    const revoked = await platform.app.inject({
      method: 'DELETE',
      url: `/api/provisioning/v1/scim-tokens/${id}`,
      headers: { 'x-test-staff': ADMIN },
    });
    expect(revoked.json().revokedAt).not.toBeNull();
    expect((await inject('GET', '/scim/v2/Users', { token })).status).toBe(401);
    const audit = await sql<{ action: string }>`
      select action from platform.audit_log where target_id = ${id} order by seq`.execute(db());
    expect(audit.rows.map((row) => row.action)).toEqual([
      'provisioning.scim_token.create',
      'provisioning.scim_token.revoke',
    ]);
  });

  it('activates a mailbox when the mail system confirms it, and a reactivated person gets it back active', async () => {
    const person = await makeStaff('褚绿', 'XD1');
    await platform.runtime.events.drain();
    const activated = await platform.app.inject({
      method: 'POST',
      url: `/api/provisioning/v1/mailboxes/${person.id}/activation`,
      headers: { authorization: `Bearer ${d1Token}` },
    });
    expect(activated.statusCode).toBe(200);
    expect(activated.json()).toMatchObject({ address: 'chulv@example.gov.cn', status: 'active' });
    const outsider = await platform.app.inject({
      method: 'POST',
      url: `/api/provisioning/v1/mailboxes/${person.id}/activation`,
      headers: { authorization: `Bearer ${d2Token}` },
    });
    expect(outsider.statusCode).toBe(403);

    await updatePerson(db(), person.id, { status: 'suspended' }, { actor: SYSTEM_ACTOR, policy });
    await platform.runtime.events.drain();
    const mailbox = () =>
      platform.app.inject({ url: `/api/provisioning/v1/mailboxes/${person.id}`, headers: { 'x-test-staff': ADMIN } });
    expect((await mailbox()).json().status).toBe('suspended');
    await updatePerson(db(), person.id, { status: 'active' }, { actor: SYSTEM_ACTOR, policy });
    await platform.runtime.events.drain();
    expect((await mailbox()).json().status).toBe('active');
    expect(
      (
        await platform.app.inject({
          url: `/api/provisioning/v1/mailboxes/${person.id}`,
          headers: { 'x-test-staff': CLERK },
        })
      ).statusCode,
    ).toBe(403);
  });
});

async function getPersonCount(staffNo: string): Promise<number> {
  const result = await sql<{
    n: number;
  }>`select count(*)::int as n from directory.person where staff_no = ${staffNo}`.execute(db());
  return result.rows[0]!.n;
}
