import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { makePerson } from '../../../test/support/people.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import { type Policy, SYSTEM_ACTOR } from '../../platform/authorization.js';
import { DomainError, ForbiddenError, type ValidationError } from '../../platform/errors.js';
import { secretBox } from '../../platform/secrets/secret-box.js';
import { assignPost, createPerson, updatePerson, upsertOrgUnits } from '../directory/index.js';
import { selectAccountByPerson } from './account.repository.js';
import { changePassword, createStaffAccount, getOwnAccount } from './account.service.js';
import { verifyPassword } from './password-hashing.js';
import { openSession, sessionFromToken } from './session.service.js';
import { authenticateStaff } from './sign-in.service.js';

const PASSWORD = 'Lantern-Festival-2025';
const secrets = secretBox(randomBytes(32));

const policy: Policy = {
  async authorize(_executor, actor, permission, orgUnitCode) {
    const allowed = actor.type === 'system' || (actor.id === 'admin-xd1' && orgUnitCode === 'XD1');
    return { allowed, permission, orgUnitCode, reason: allowed ? 'granted' : 'no_grant', grants: [] };
  },
  async assertAllowed(executor, actor, permission, orgUnitCode) {
    if (!(await this.authorize(executor, actor, permission, orgUnitCode)).allowed) {
      throw new ForbiddenError('access.denied', { permission });
    }
  },
  async scopeOf() {
    return { everywhere: false, orgUnitCodes: [] };
  },
};
const admin = { type: 'user' as const, id: 'admin-xd1' };

let testDatabase: TestDatabase;
const database = () => testDatabase.database;
const db = () => testDatabase.database.kysely;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await upsertOrgUnits(db(), smallDistrict());
});
afterAll(() => testDatabase.drop());

async function makeStaffPerson(overrides: Parameters<typeof makePerson>[0] = {}, unit = 'XD1') {
  const person = await createPerson(db(), makePerson(overrides), { actor: SYSTEM_ACTOR, policy });
  await assignPost(db(), person.id, { orgUnitCode: unit, title: '科员' }, { actor: SYSTEM_ACTOR, policy });
  return person;
}

async function errorOf(work: Promise<unknown>): Promise<DomainError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}
const fieldsOf = (error: DomainError) =>
  (error as ValidationError).fields.map(({ pointer, reason }) => `${pointer}:${reason}`);

describe('createStaffAccount', () => {
  it('opens an account named by the HR number in lower case, hashes the password, and audits it', async () => {
    const person = await makeStaffPerson();
    const { accountId } = await createStaffAccount(
      db(),
      admin,
      { policy },
      { personId: person.id, password: PASSWORD },
    );
    const account = await selectAccountByPerson(db(), person.id);
    expect(account).toMatchObject({ id: accountId, username: person.staffNo.toLowerCase(), failedCount: 0 });
    expect(account!.passwordHash).toMatch(/^\$argon2id\$/);
    expect((await verifyPassword(account!.passwordHash, PASSWORD)).ok).toBe(true);
    const [audit] = (await listAudit(db(), { action: 'identity.account.create', targetId: accountId, limit: 1 }))
      .entries;
    expect(audit).toMatchObject({ actorId: 'admin-xd1', details: { personId: person.id } });
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
  });

  it('lists every bad field at once: username shape and the password policy with the person’s own data', async () => {
    const person = await makeStaffPerson({ mobile: '13712345678' });
    const error = await errorOf(
      createStaffAccount(db(), admin, { policy }, { personId: person.id, username: 'x', password: 'Call-13712345678' }),
    );
    expect(error.code).toBe('identity.account_invalid');
    expect(fieldsOf(error)).toEqual(['/username:pattern', '/password:contains_identity']);
    const mobileShaped = await errorOf(
      createStaffAccount(db(), admin, { policy }, { personId: person.id, username: '13800000000', password: PASSWORD }),
    );
    expect(fieldsOf(mobileShaped)).toEqual(['/username:mobile_shape']);
    expect(await selectAccountByPerson(db(), person.id)).toBeUndefined();
  });

  it('refuses a username taken, a second account, and a person who is not active', async () => {
    const first = await makeStaffPerson();
    const second = await makeStaffPerson();
    await createStaffAccount(
      db(),
      SYSTEM_ACTOR,
      { policy },
      { personId: first.id, username: 'wang.li', password: PASSWORD },
    );
    const taken = await errorOf(
      createStaffAccount(
        db(),
        SYSTEM_ACTOR,
        { policy },
        { personId: second.id, username: 'Wang.Li', password: PASSWORD },
      ),
    );
    expect(fieldsOf(taken)).toEqual(['/username:taken']);
    expect(
      (await errorOf(createStaffAccount(db(), SYSTEM_ACTOR, { policy }, { personId: first.id, password: PASSWORD })))
        .code,
    ).toBe('identity.account_exists');
    await updatePerson(db(), second.id, { status: 'suspended' }, { actor: SYSTEM_ACTOR, policy });
    expect(
      (await errorOf(createStaffAccount(db(), SYSTEM_ACTOR, { policy }, { personId: second.id, password: PASSWORD })))
        .code,
    ).toBe('identity.person_not_active');
  });

  it('needs identity.account.manage over the person’s primary unit', async () => {
    const person = await makeStaffPerson({}, 'XD2');
    const error = await errorOf(
      createStaffAccount(db(), admin, { policy }, { personId: person.id, password: PASSWORD }),
    );
    expect(error).toMatchObject({ code: 'access.denied', params: { permission: 'identity.account.manage' } });
    expect(await selectAccountByPerson(db(), person.id)).toBeUndefined();
  });
});

describe('changePassword', () => {
  async function signedInStaff() {
    const person = await makeStaffPerson();
    await createStaffAccount(db(), SYSTEM_ACTOR, { policy }, { personId: person.id, password: PASSWORD });
    const open = () =>
      openSession(db(), { subjectKind: 'staff', subjectId: person.id, ip: null, userAgent: null, secondFactor: false });
    return { person, actor: { type: 'user' as const, id: person.id }, current: await open(), other: await open() };
  }

  it('changes the password with the current one and ends every other session', async () => {
    const { person, actor, current, other } = await signedInStaff();
    const result = await changePassword(
      database(),
      actor,
      {},
      {
        currentPassword: PASSWORD,
        newPassword: 'Dragon-Boat-Race-2026',
        keepSessionId: current.session.id,
      },
    );
    expect(result).toEqual({ sessionsEnded: 1 });
    expect(await sessionFromToken(db(), current.token)).not.toBeNull();
    expect(await sessionFromToken(db(), other.token)).toBeNull();
    const login = person.staffNo.toLowerCase();
    await expect(authenticateStaff(database(), { secrets }, { login, password: PASSWORD, ip: null })).rejects.toThrow();
    expect(
      await authenticateStaff(database(), { secrets }, { login, password: 'Dragon-Boat-Race-2026', ip: null }),
    ).toMatchObject({ status: 'authenticated' });
  });

  it('refuses a wrong current password (counting it) and a weak new one, changing nothing', async () => {
    const { person, actor, other } = await signedInStaff();
    const wrong = await errorOf(
      changePassword(database(), actor, {}, { currentPassword: 'nope', newPassword: 'Dragon-Boat-Race-2026' }),
    );
    expect(wrong.code).toBe('identity.credential_wrong');
    expect(fieldsOf(wrong)).toEqual(['/currentPassword:wrong']);
    expect((await selectAccountByPerson(db(), person.id))!.failedCount).toBe(1);

    const weak = await errorOf(
      changePassword(database(), actor, {}, { currentPassword: PASSWORD, newPassword: 'woaini1314' }),
    );
    expect(weak.code).toBe('identity.password_weak');
    expect(fieldsOf(weak)).toEqual(['/newPassword:too_short', '/newPassword:too_few_kinds', '/newPassword:common']);
    expect(await sessionFromToken(db(), other.token)).not.toBeNull();
    expect((await verifyPassword((await selectAccountByPerson(db(), person.id))!.passwordHash, PASSWORD)).ok).toBe(
      true,
    );
  });
});

describe('getOwnAccount', () => {
  it('shows one’s own account with the name masked', async () => {
    const person = await makeStaffPerson({ name: '欧阳娜娜' });
    await createStaffAccount(db(), SYSTEM_ACTOR, { policy }, { personId: person.id, password: PASSWORD });
    expect(await getOwnAccount(db(), { type: 'user', id: person.id })).toMatchObject({
      personId: person.id,
      username: person.staffNo.toLowerCase(),
      maskedName: '欧阳**',
      totpEnabled: false,
      recoveryCodesLeft: 0,
    });
    expect((await errorOf(getOwnAccount(db(), { type: 'machine', id: 'client' }))).code).toBe('auth.unauthenticated');
  });
});
