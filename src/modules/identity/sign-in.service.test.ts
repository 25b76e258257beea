import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { makePerson } from '../../../test/support/people.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import { type Policy, SYSTEM_ACTOR } from '../../platform/authorization.js';
import { DomainError, ForbiddenError, RateLimitedError } from '../../platform/errors.js';
import { secretBox } from '../../platform/secrets/secret-box.js';
import { assignPost, createPerson, updatePerson, upsertOrgUnits } from '../directory/index.js';
import { selectAccountById } from './account.repository.js';
import { createStaffAccount, unlockAccount } from './account.service.js';
import { hashPassword, KEYCLOAK_ARGON2ID_PARAMS, verifyPassword } from './password-hashing.js';
import { authenticateStaff, authenticateStaffSecondFactor, maskLogin } from './sign-in.service.js';
import { LOCKOUT_DURATION_MS } from './sign-in-throttle.js';
import { totpCode } from './totp.js';
import { beginTotpEnrolment, confirmTotpEnrolment } from './totp-enrolment.service.js';

const PASSWORD = 'Lantern-Festival-2025';
const secrets = secretBox(randomBytes(32));
let now = new Date('2026-03-02T01:00:00Z');
const clock = () => now;
const later = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

/** Allows the system everywhere and each listed user over exactly the listed units. */
function testPolicy(grants: Record<string, string[]>): Policy {
  const allowed = (actor: { type: string; id: string }, unit: string | null) =>
    actor.type === 'system' || (unit !== null && (grants[actor.id] ?? []).includes(unit));
  return {
    async authorize(_executor, actor, permission, orgUnitCode) {
      const ok = allowed(actor, orgUnitCode);
      return { allowed: ok, permission, orgUnitCode, reason: ok ? 'granted' : 'no_grant', grants: [] };
    },
    async assertAllowed(_executor, actor, permission, orgUnitCode) {
      if (!allowed(actor, orgUnitCode)) throw new ForbiddenError('access.denied', { permission });
    },
    async scopeOf(_executor, actor) {
      return { everywhere: actor.type === 'system', orgUnitCodes: grants[actor.id] ?? [] };
    },
  };
}
const policy = testPolicy({ 'admin-xd1': ['XD1'], 'admin-xd2': ['XD2'] });

let testDatabase: TestDatabase;
const database = () => testDatabase.database;
const db = () => testDatabase.database.kysely;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await upsertOrgUnits(db(), smallDistrict());
});
afterAll(() => testDatabase.drop());
beforeEach(() => {
  now = new Date(now.getTime() + 24 * 60 * 60 * 1000);
});

async function makeStaff(overrides: Parameters<typeof makePerson>[0] = {}) {
  const person = await createPerson(db(), makePerson(overrides), { actor: SYSTEM_ACTOR, policy });
  await assignPost(db(), person.id, { orgUnitCode: 'XD1', title: '科员' }, { actor: SYSTEM_ACTOR, policy });
  const { accountId } = await createStaffAccount(
    db(),
    SYSTEM_ACTOR,
    { policy },
    { personId: person.id, password: PASSWORD },
  );
  return { person, accountId, username: person.staffNo.toLowerCase() };
}

const signIn = (login: string, password = PASSWORD, extra: { totpCode?: string; recoveryCode?: string } = {}) =>
  authenticateStaff(database(), { secrets, clock }, { login, password, ip: '203.0.113.7', ...extra });

async function errorOf(work: Promise<unknown>): Promise<DomainError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

const signInAudit = async (accountId?: string) =>
  (await listAudit(db(), { action: 'identity.sign_in', limit: 500 })).entries.filter(
    (entry) => accountId === undefined || entry.targetId === accountId,
  );

describe('authenticateStaff', () => {
  it('signs in with the username in any case or width, and audits the success without the password', async () => {
    const { person, accountId, username } = await makeStaff();
    expect(await signIn(username.toUpperCase())).toEqual({
      status: 'authenticated',
      personId: person.id,
      accountId,
      secondFactor: false,
    });
    expect(
      await signIn(` ${username.toUpperCase().replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))} `),
    ).toMatchObject({
      status: 'authenticated',
    });
    const [entry] = await signInAudit(accountId);
    expect(entry).toMatchObject({ actorType: 'user', actorId: person.id, outcome: 'success' });
    expect(entry!.details).toMatchObject({ login: maskLogin(username), ip: '203.0.113.7', secondFactor: false });
    expect(JSON.stringify(entry)).not.toContain(PASSWORD);
    expect(JSON.stringify(entry)).not.toContain(username);
  });

  it('signs in with the mobile number from the directory, however it is written', async () => {
    const { person } = await makeStaff({ mobile: '13912345678' });
    expect(await signIn('+86 139-1234-5678')).toMatchObject({ status: 'authenticated', personId: person.id });
    const [entry] = await signInAudit();
    expect(entry!.details).toMatchObject({ login: '139****5678' });
  });

  it('gives one error, after the same argon2 work, for a wrong password and an unknown login', async () => {
    const { accountId, username } = await makeStaff();
    const wrong = await errorOf(signIn(username, 'Wrong-Password-2025'));
    const unknown = await errorOf(signIn('nobody-here', 'Wrong-Password-2025'));
    expect(wrong.code).toBe('identity.sign_in_failed');
    expect(unknown.code).toBe(wrong.code);
    expect(unknown.kind).toBe('unauthenticated');
    expect(unknown.params).toEqual(wrong.params);

    // An unknown login still pays for one argon2id verification (verifyAgainstDummy).
    const stored = await hashPassword(PASSWORD);
    const hashStart = performance.now();
    await verifyPassword(stored, 'Wrong-Password-2025');
    const oneVerification = performance.now() - hashStart;
    const start = performance.now();
    await errorOf(signIn('still-nobody', 'Wrong-Password-2025'));
    expect(performance.now() - start).toBeGreaterThan(oneVerification * 0.5);

    const [failure] = await signInAudit(accountId);
    expect(failure).toMatchObject({ actorType: 'anonymous', outcome: 'failure' });
    expect(failure!.details).toMatchObject({ reason: 'wrong_password' });
    const unknownEntry = (await signInAudit()).find((entry) => entry.details.reason === 'unknown_login');
    expect(unknownEntry).toMatchObject({ targetId: null });
    expect(unknownEntry!.details.login).toBe(maskLogin('still-nobody'));
  });

  it('throttles a login that names no account exactly as a real one, so a 429 reveals nothing', async () => {
    const { username } = await makeStaff();
    const answers = async (login: string) => {
      const codes: string[] = [];
      for (let i = 0; i < 4; i += 1) codes.push((await errorOf(signIn(login, 'nope'))).code);
      return codes;
    };
    const real = await answers(username);
    const unknown = await answers('no-such-person-here');
    expect(unknown).toEqual(real);
    expect(real.at(-1)).toBe('identity.sign_in_throttled');
    later(60_000);
  });

  it('slows down after 3 failures, 2^(n-3) s each, answering at once with the wait', async () => {
    const { username } = await makeStaff();
    for (let i = 0; i < 3; i += 1)
      expect((await errorOf(signIn(username, 'nope'))).code).toBe('identity.sign_in_failed');
    const throttled = await errorOf(signIn(username));
    expect(throttled).toBeInstanceOf(RateLimitedError);
    expect(throttled).toMatchObject({ code: 'identity.sign_in_throttled', retryAfterSeconds: 1 });

    later(1000);
    expect((await errorOf(signIn(username, 'nope'))).code).toBe('identity.sign_in_failed'); // 4 failures
    expect(await errorOf(signIn(username))).toMatchObject({ retryAfterSeconds: 2 });
    later(1500);
    expect(await errorOf(signIn(username))).toMatchObject({ retryAfterSeconds: 1 });
    later(500);
    expect(await signIn(username)).toMatchObject({ status: 'authenticated' });
    // The success reset the count: three fresh failures are free again.
    for (let i = 0; i < 3; i += 1)
      expect((await errorOf(signIn(username, 'nope'))).code).toBe('identity.sign_in_failed');
  });

  it('locks for 15 minutes after 10 failures, refuses the right password meanwhile, and re-locks on the next failure', async () => {
    const { accountId, username } = await makeStaff();
    for (let i = 0; i < 10; i += 1) {
      expect((await errorOf(signIn(username, 'nope'))).code).toBe('identity.sign_in_failed');
      later(60_000);
    }
    const account = await selectAccountById(db(), accountId);
    expect(account).toMatchObject({ failedCount: 10 });
    expect(account!.lockedUntil!.getTime()).toBe(now.getTime() - 60_000 + LOCKOUT_DURATION_MS);
    const lockAudit = await listAudit(db(), { action: 'identity.account.lock', targetId: accountId, limit: 5 });
    expect(lockAudit.entries).toHaveLength(1);

    expect((await errorOf(signIn(username))).code).toBe('identity.sign_in_failed');
    expect((await signInAudit(accountId))[0]!.details).toMatchObject({ reason: 'locked' });

    later(LOCKOUT_DURATION_MS);
    expect((await errorOf(signIn(username, 'nope'))).code).toBe('identity.sign_in_failed');
    expect((await selectAccountById(db(), accountId))!.lockedUntil!.getTime()).toBe(
      now.getTime() + LOCKOUT_DURATION_MS,
    );
    later(LOCKOUT_DURATION_MS);
    expect(await signIn(username)).toMatchObject({ status: 'authenticated' });
    expect(await selectAccountById(db(), accountId)).toMatchObject({ failedCount: 0, lockedUntil: null });
  });

  it('lets an administrator of the person’s unit unlock, and nobody else', async () => {
    const { person, username } = await makeStaff();
    for (let i = 0; i < 10; i += 1) {
      await errorOf(signIn(username, 'nope'));
      later(60_000);
    }
    const denied = await errorOf(unlockAccount(db(), { type: 'user', id: 'admin-xd2' }, { policy }, person.id));
    expect(denied.code).toBe('access.denied');
    await unlockAccount(db(), { type: 'user', id: 'admin-xd1' }, { policy }, person.id);
    expect(await signIn(username)).toMatchObject({ status: 'authenticated' });
    const [unlock] = (await listAudit(db(), { action: 'identity.account.unlock', limit: 5 })).entries;
    expect(unlock).toMatchObject({ actorId: 'admin-xd1', outcome: 'success' });
  });

  it('counts parallel guesses: they cannot all slip through one throttle window', async () => {
    const { accountId, username } = await makeStaff();
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => signIn(username, 'nope')));
    const codes = results.map((result) => (result.status === 'rejected' ? (result.reason as DomainError).code : 'ok'));
    expect(codes.filter((code) => code === 'identity.sign_in_failed').length).toBeLessThanOrEqual(4);
    expect(codes).toContain('identity.sign_in_throttled');
    expect((await selectAccountById(db(), accountId))!.failedCount).toBeLessThanOrEqual(4);
  });

  it('stores a new hash when the old one was made with other parameters', async () => {
    const { accountId, username } = await makeStaff();
    const old = await hashPassword(PASSWORD, KEYCLOAK_ARGON2ID_PARAMS);
    await sql`update identity.staff_account set password_hash = ${old} where id = ${accountId}`.execute(db());
    expect(await signIn(username)).toMatchObject({ status: 'authenticated' });
    const rehashed = (await selectAccountById(db(), accountId))!.passwordHash;
    expect(rehashed).not.toBe(old);
    expect(rehashed).toContain('m=19456,t=2,p=1');
    expect((await verifyPassword(rehashed, PASSWORD)).ok).toBe(true);
  });

  it('refuses a suspended or departed person with the same error', async () => {
    const { person, accountId, username } = await makeStaff();
    await updatePerson(db(), person.id, { status: 'suspended' }, { actor: SYSTEM_ACTOR, policy });
    expect((await errorOf(signIn(username))).code).toBe('identity.sign_in_failed');
    expect((await signInAudit(accountId))[0]!.details).toMatchObject({ reason: 'person_inactive' });
    await updatePerson(db(), person.id, { status: 'active' }, { actor: SYSTEM_ACTOR, policy });
    expect(await signIn(username)).toMatchObject({ status: 'authenticated' });
  });

  it('refuses a disabled account with the same error', async () => {
    const { accountId, username } = await makeStaff();
    await sql`update identity.staff_account set disabled_at = now() where id = ${accountId}`.execute(db());
    expect((await errorOf(signIn(username))).code).toBe('identity.sign_in_failed');
    expect((await signInAudit(accountId))[0]!.details).toMatchObject({ reason: 'disabled' });
  });
});

describe('signing in with two-step verification', () => {
  async function enrolledStaff() {
    const staff = await makeStaff();
    const actor = { type: 'user' as const, id: staff.person.id };
    const { secret } = await beginTotpEnrolment(database(), actor, { secrets, clock });
    const { recoveryCodes } = await confirmTotpEnrolment(
      database(),
      actor,
      { secrets, clock },
      totpCode(secret, { at: now }),
    );
    later(30_000);
    return { ...staff, secret, recoveryCodes };
  }

  it('asks for the code after a right password, without counting a failure', async () => {
    const { accountId, username } = await enrolledStaff();
    const result = await signIn(username);
    expect(result).toMatchObject({ status: 'second_factor_required', pendingToken: expect.any(String) });
    expect((await selectAccountById(db(), accountId))!.failedCount).toBe(0);
    expect((await errorOf(signIn(username, 'nope'))).code).toBe('identity.sign_in_failed');
  });

  it('accepts a current code once: the same code again is a replay', async () => {
    const { secret, username } = await enrolledStaff();
    const code = totpCode(secret, { at: now });
    expect(await signIn(username, PASSWORD, { totpCode: code })).toMatchObject({
      status: 'authenticated',
      secondFactor: true,
    });
    expect((await errorOf(signIn(username, PASSWORD, { totpCode: code }))).code).toBe('identity.sign_in_failed');
    later(30_000);
    expect(await signIn(username, PASSWORD, { totpCode: totpCode(secret, { at: now }) })).toMatchObject({
      status: 'authenticated',
    });
  });

  it('counts wrong codes as failures', async () => {
    const { accountId, username } = await enrolledStaff();
    expect((await errorOf(signIn(username, PASSWORD, { totpCode: '000000' }))).code).toBe('identity.sign_in_failed');
    expect((await selectAccountById(db(), accountId))!.failedCount).toBe(1);
    expect((await signInAudit(accountId))[0]!.details).toMatchObject({ reason: 'wrong_second_factor' });
  });

  it('accepts each recovery code once', async () => {
    const { accountId, recoveryCodes, username } = await enrolledStaff();
    const code = recoveryCodes[3]!;
    expect(await signIn(username, PASSWORD, { recoveryCode: code.toUpperCase() })).toMatchObject({
      status: 'authenticated',
      secondFactor: true,
    });
    expect((await selectAccountById(db(), accountId))!.recoveryCodeHashes).toHaveLength(9);
    expect((await errorOf(signIn(username, PASSWORD, { recoveryCode: code }))).code).toBe('identity.sign_in_failed');
  });

  it('finishes with the pending token instead of the password, within 5 minutes', async () => {
    const { person, secret, username } = await enrolledStaff();
    const first = await signIn(username);
    if (first.status !== 'second_factor_required') throw new Error('expected a second step');
    const second = await authenticateStaffSecondFactor(
      database(),
      { secrets, clock },
      { pendingToken: first.pendingToken, totpCode: totpCode(secret, { at: now }), ip: null },
    );
    expect(second).toMatchObject({ status: 'authenticated', personId: person.id, secondFactor: true });

    const again = await signIn(username);
    if (again.status !== 'second_factor_required') throw new Error('expected a second step');
    later(5 * 60_000 + 1000);
    const expired = await errorOf(
      authenticateStaffSecondFactor(
        database(),
        { secrets, clock },
        { pendingToken: again.pendingToken, totpCode: totpCode(secret, { at: now }), ip: null },
      ),
    );
    expect(expired.code).toBe('identity.sign_in_expired');
    const forged = await errorOf(
      authenticateStaffSecondFactor(
        database(),
        { secrets, clock },
        { pendingToken: 'v1.x.y.z', totpCode: '123456', ip: null },
      ),
    );
    expect(forged.code).toBe('identity.sign_in_expired');
  });
});
