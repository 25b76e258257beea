import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import {
  ConflictError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  ValidationError,
} from '../../platform/errors.js';
import { creditCodeCheckCharacter, organisationCodeCheckCharacter } from '../../platform/identifiers/credit-code.js';
import { residentIdCheckCharacter } from '../../platform/identifiers/resident-id.js';
import type { CitizenRegistration, EnterpriseRegistration } from './public-account.js';
import {
  authenticatePublic,
  changePublicPassword,
  getMyAccount,
  type PublicAccountDeps,
  registerCitizen,
  registerEnterprise,
} from './public-account.service.js';
import { LOCKOUT_FAILURES } from './sign-in-throttle.js';

let testDatabase: TestDatabase;
const database = () => testDatabase.database;
const db = () => testDatabase.database.kysely;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(() => testDatabase.drop());

const PASSWORD = 'Spring-rain-2025';
let sequence = 0;

/** A valid resident identity number, new each call: born 1990-01-01 in 110105, sequence from the counter. */
function newResidentId(): string {
  sequence += 1;
  const first17 = `11010519900101${String(sequence).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

/** A valid credit code of an enterprise in 440300, new each call. */
function newCreditCode(): string {
  sequence += 1;
  const organisation8 = `7${String(sequence).padStart(7, '0')}`;
  const first17 = `91440300${organisation8}${organisationCodeCheckCharacter(organisation8)}`;
  return first17 + creditCodeCheckCharacter(first17);
}

function newMobile(): string {
  sequence += 1;
  return `1391234${String(sequence).padStart(4, '0')}`;
}

function citizen(overrides: Partial<CitizenRegistration> = {}): CitizenRegistration {
  return { residentId: newResidentId(), name: '王丽娟', mobile: newMobile(), password: PASSWORD, ...overrides };
}

function enterprise(overrides: Partial<EnterpriseRegistration> = {}): EnterpriseRegistration {
  return {
    creditCode: newCreditCode(),
    enterpriseName: '汇通测试科技有限公司',
    agentRole: 'agent',
    agentName: '李明',
    agentResidentId: newResidentId(),
    mobile: newMobile(),
    password: PASSWORD,
    ...overrides,
  };
}

/** A fresh client address per call, so the registration limit of one test does not reach another. */
let addresses = 0;
const context = () => {
  addresses += 1;
  return { ip: `198.51.100.${addresses}`, requestId: `req-${addresses}` };
};

/** A clock the test moves by hand. */
function manualClock(start = new Date('2026-03-01T08:00:00Z')) {
  let now = start.getTime();
  return {
    clock: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

const rejection = (work: Promise<unknown>) =>
  work.then(
    () => {
      throw new Error('expected a rejection');
    },
    (caught: unknown) => caught,
  );

const fieldErrors = async (work: Promise<unknown>) => {
  const error = await rejection(work);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).code).toBe('identity.public_account_invalid');
  return (error as ValidationError).fields.map(({ pointer, reason }) => `${pointer}:${reason}`);
};

const counts = async () => {
  const { rows } = await sql<{ accounts: number; audit: number; attempts: number }>`
    select (select count(*) from identity.public_account)::int as accounts,
           (select count(*) from platform.audit_log)::int as audit,
           (select count(*) from identity.public_registration_attempt)::int as attempts`.execute(db());
  return rows[0]!;
};

const auditOf = async (action: string) => (await listAudit(db(), { action, limit: 500 })).entries;

describe('registerCitizen', () => {
  it('registers a citizen, normalising the number, the mobile and the e-mail', async () => {
    const input = citizen({ mobile: '+86 139-0000-0999', email: ' Wang.Li@Example.CN ' });
    const lowerX = input.residentId.endsWith('X') ? input.residentId.toLowerCase() : input.residentId;
    const account = await registerCitizen(database(), { ...input, residentId: ` ${lowerX} ` }, context());
    expect(account).toMatchObject({
      kind: 'citizen',
      personName: '王丽娟',
      residentId: input.residentId,
      creditCode: null,
      mobile: '13900000999',
      email: 'wang.li@example.cn',
      status: 'active',
    });
    const stored = await sql<{ password_hash: string }>`
      select password_hash from identity.public_account where id = ${account.id}`.execute(db());
    expect(stored.rows[0]!.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('audits the registration with the personal data masked and no password', async () => {
    const input = citizen({ name: '欧阳娜娜' });
    const account = await registerCitizen(database(), input, context());
    const [entry] = (await auditOf('identity.public_account.register')).filter((e) => e.targetId === account.id);
    expect(entry).toMatchObject({ actorType: 'anonymous', outcome: 'success', targetType: 'public_account' });
    expect(entry!.details).toMatchObject({
      kind: 'citizen',
      residentId: `110105********${input.residentId.slice(-4)}`,
      personName: '欧阳**',
      mobile: `${input.mobile.slice(0, 3)}****${input.mobile.slice(-4)}`,
    });
    const text = JSON.stringify(entry);
    for (const secret of [input.residentId, '欧阳娜娜', input.mobile, PASSWORD]) expect(text).not.toContain(secret);
  });

  it('lists every bad field at once, each with its precise reason, and writes nothing', async () => {
    const before = await counts();
    const good = newResidentId();
    const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    expect(
      await fieldErrors(
        registerCitizen(
          database(),
          { residentId: wrongCheck, name: ' ', mobile: '12345', email: 'not-an-address', password: 'woaini1314' },
          context(),
        ),
      ),
    ).toEqual([
      '/residentId:check_digit',
      '/name:required',
      '/mobile:mobile_format',
      '/email:email_format',
      '/password:too_short',
      '/password:too_few_kinds',
      '/password:common',
    ]);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['a wrong length', '1101051990010100', 'length'],
    ['a letter in the digits', '11010519900101A01X', 'characters'],
    ['an impossible birth date', '110105199002300011', 'birth_date'],
    ['a birth date in the future', '110105209901010011', 'birth_date'],
  ])('refuses %s by the parser’s reason and never echoes the number', async (_label, residentId, reason) => {
    const error = (await rejection(registerCitizen(database(), citizen({ residentId }), context()))) as ValidationError;
    expect(error.fields).toEqual([expect.objectContaining({ pointer: '/residentId', reason })]);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(residentId);
  });

  it('refuses a password made of the identity number’s last 6 or the date of birth', async () => {
    const residentId = newResidentId();
    for (const password of [`Abc-${residentId.slice(-6)}-xyz`, 'Born-19900101-Q']) {
      expect(await fieldErrors(registerCitizen(database(), citizen({ residentId, password }), context()))).toEqual([
        '/password:contains_identity',
      ]);
    }
  });

  it('refuses a second account for the number or the mobile, without saying which, and audits the attempt', async () => {
    const first = citizen();
    await registerCitizen(database(), first, context());
    const before = await counts();
    for (const again of [citizen({ residentId: first.residentId }), citizen({ mobile: first.mobile })]) {
      const error = await rejection(registerCitizen(database(), again, context()));
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).code).toBe('identity.public_account_exists');
      expect((error as ConflictError).params).toEqual({ kind: 'citizen' });
    }
    const after = await counts();
    expect(after.accounts).toBe(before.accounts);
    const failures = (await auditOf('identity.public_account.register')).filter((e) => e.outcome === 'failure');
    expect(failures.slice(0, 2).map((e) => e.details.reason)).toEqual(['exists', 'exists']);
    expect(JSON.stringify(failures)).not.toContain(first.residentId);
  });

  it('lets only one of two simultaneous registrations of a number succeed', async () => {
    const residentId = newResidentId();
    const results = await Promise.allSettled([
      registerCitizen(database(), citizen({ residentId }), context()),
      registerCitizen(database(), citizen({ residentId }), context()),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'identity.public_account_exists' });
  });

  it('limits registrations per client address, counting refused ones too', async () => {
    const { clock, advance } = manualClock();
    const deps: PublicAccountDeps = { clock, registrationLimit: { max: 2, windowMs: 60_000 } };
    const from = context();
    const first = citizen();
    await registerCitizen(database(), first, from, deps);
    advance(10_000);
    expect(await rejection(registerCitizen(database(), first, from, deps))).toBeInstanceOf(ConflictError);
    advance(10_000);
    const error = await rejection(registerCitizen(database(), citizen(), from, deps));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).code).toBe('identity.public_registration_throttled');
    expect((error as RateLimitedError).retryAfterSeconds).toBe(40);
    // Another address is not affected, and the window passes.
    await registerCitizen(database(), citizen(), context(), deps);
    advance(60_000);
    await registerCitizen(database(), citizen(), from, deps);
  });
});

describe('registerEnterprise', () => {
  it('registers an enterprise through its agent', async () => {
    const input = enterprise({ creditCode: newCreditCode().toLowerCase(), agentRole: 'legal_representative' });
    const account = await registerEnterprise(database(), input, context());
    expect(account).toMatchObject({
      kind: 'enterprise',
      creditCode: input.creditCode.toUpperCase(),
      enterpriseName: '汇通测试科技有限公司',
      agentRole: 'legal_representative',
      personName: '李明',
      residentId: input.agentResidentId,
    });
  });

  it('lists a wrong check character, a missing name, an unknown role and a bad agent number together', async () => {
    const before = await counts();
    const good = newCreditCode();
    const wrong = good.slice(0, 17) + (good[17] === 'A' ? 'B' : 'A');
    expect(
      await fieldErrors(
        registerEnterprise(
          database(),
          enterprise({ creditCode: wrong, enterpriseName: '', agentRole: 'owner', agentResidentId: '123' }),
          context(),
        ),
      ),
    ).toEqual([
      '/creditCode:check_character',
      '/enterpriseName:required',
      '/agentRole:one_of',
      '/agentResidentId:length',
    ]);
    expect(await counts()).toEqual(before);
  });

  it('refuses a second account for the credit code, but lets one person act for two enterprises', async () => {
    const first = enterprise();
    await registerEnterprise(database(), first, context());
    const error = await rejection(
      registerEnterprise(database(), enterprise({ creditCode: first.creditCode }), context()),
    );
    expect((error as ConflictError).code).toBe('identity.public_account_exists');
    const second = await registerEnterprise(
      database(),
      enterprise({ agentResidentId: first.agentResidentId }),
      context(),
    );
    expect(second.residentId).toBe(first.agentResidentId);
  });

  it('lets a citizen’s mobile also be an enterprise’s', async () => {
    const person = citizen();
    await registerCitizen(database(), person, context());
    const account = await registerEnterprise(database(), enterprise({ mobile: person.mobile }), context());
    expect(account.mobile).toBe(person.mobile);
  });
});

describe('authenticatePublic', () => {
  it('signs a citizen in by identity number (any case, full width) or mobile, an enterprise by credit code or mobile', async () => {
    const person = citizen();
    const citizenAccount = await registerCitizen(database(), person, context());
    const company = enterprise({ mobile: person.mobile });
    const companyAccount = await registerEnterprise(database(), company, context());
    const fullWidth = person.residentId.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    for (const login of [person.residentId, fullWidth, ` ${person.mobile} `, `+86 ${person.mobile}`]) {
      const account = await authenticatePublic(database(), { kind: 'citizen', login, password: PASSWORD }, context());
      expect(account.id).toBe(citizenAccount.id);
    }
    for (const login of [company.creditCode.toLowerCase(), person.mobile]) {
      const account = await authenticatePublic(
        database(),
        { kind: 'enterprise', login, password: PASSWORD },
        context(),
      );
      expect(account.id).toBe(companyAccount.id);
    }
  });

  it('gives a wrong password, an unknown login, the other kind and a disabled account the same error', async () => {
    const person = citizen();
    const account = await registerCitizen(database(), person, context());
    const other = citizen();
    await registerCitizen(database(), other, context());
    await sql`update identity.public_account set status = 'disabled' where resident_id = ${other.residentId}`.execute(
      db(),
    );
    const attempts = [
      { kind: 'citizen' as const, login: person.residentId, password: 'Wrong-password-1' },
      { kind: 'citizen' as const, login: newResidentId(), password: PASSWORD },
      { kind: 'citizen' as const, login: 'nobody at all', password: PASSWORD },
      { kind: 'enterprise' as const, login: person.residentId, password: PASSWORD },
      { kind: 'citizen' as const, login: other.residentId, password: PASSWORD },
    ];
    for (const attempt of attempts) {
      const error = await rejection(authenticatePublic(database(), attempt, context()));
      expect(error).toBeInstanceOf(UnauthenticatedError);
      expect(error).toMatchObject({ code: 'identity.public_sign_in_failed', params: {} });
    }
    const failures = (await auditOf('identity.public_account.sign_in')).filter((e) => e.outcome === 'failure');
    expect(failures.slice(0, 5).map((e) => e.details.reason)).toEqual([
      'disabled',
      'unknown_login',
      'unknown_login',
      'unknown_login',
      'wrong_password',
    ]);
    expect(failures[4]!.targetId).toBe(account.id);
    expect(JSON.stringify(failures)).not.toContain(person.residentId);
  });

  it('throttles after 3 failures, locks after 10, and a success resets the count', async () => {
    const { clock, advance } = manualClock();
    const person = citizen();
    await registerCitizen(database(), person, context());
    const attempt = (password: string) =>
      authenticatePublic(database(), { kind: 'citizen', login: person.mobile, password }, context(), { clock });
    for (let i = 0; i < 3; i++) await expect(attempt('Wrong-password-1')).rejects.toBeInstanceOf(UnauthenticatedError);
    // The 4th attempt, straight after the 3rd failure, must wait 1 s whatever the password.
    const early = await rejection(attempt(PASSWORD));
    expect(early).toMatchObject({ code: 'identity.public_sign_in_throttled', retryAfterSeconds: 1 });
    advance(1_000);
    await expect(attempt(PASSWORD)).resolves.toMatchObject({ residentId: person.residentId });
    // Reset: three more failures are free again.
    for (let i = 0; i < 3; i++) await expect(attempt('Wrong-password-1')).rejects.toBeInstanceOf(UnauthenticatedError);
    for (let failures = 3; failures < LOCKOUT_FAILURES; failures++) {
      advance(60_000);
      await expect(attempt('Wrong-password-1')).rejects.toBeInstanceOf(UnauthenticatedError);
    }
    // Locked: the right password fails with the same error as a wrong one.
    advance(60_000);
    await expect(attempt(PASSWORD)).rejects.toMatchObject({ code: 'identity.public_sign_in_failed' });
    advance(15 * 60_000);
    await expect(attempt(PASSWORD)).resolves.toMatchObject({ residentId: person.residentId });
  });

  it('throttles an unknown login exactly as a known one, so a 429 tells nothing', async () => {
    const { clock } = manualClock();
    const login = newResidentId();
    const attempt = () =>
      authenticatePublic(database(), { kind: 'citizen', login, password: PASSWORD }, context(), { clock });
    for (let i = 0; i < 3; i++) await expect(attempt()).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(attempt()).rejects.toMatchObject({ code: 'identity.public_sign_in_throttled', retryAfterSeconds: 1 });
  });

  it('audits a success as the account holder', async () => {
    const person = citizen();
    const account = await registerCitizen(database(), person, context());
    await authenticatePublic(database(), { kind: 'citizen', login: person.residentId, password: PASSWORD }, context());
    const [entry] = (await auditOf('identity.public_account.sign_in')).filter(
      (e) => e.targetId === account.id && e.outcome === 'success',
    );
    expect(entry).toMatchObject({ actorType: 'user', actorId: `public:${account.id}` });
    expect(entry!.details.login).toBe(`110105********${person.residentId.slice(-4)}`);
  });
});

describe('changePublicPassword', () => {
  it('checks the current password, refuses a weak new one, and then changes it', async () => {
    const person = citizen();
    const account = await registerCitizen(database(), person, context());
    const refused = (await rejection(
      changePublicPassword(
        database(),
        account.id,
        { currentPassword: 'Wrong-password-1', newPassword: `Wang-${person.mobile}-Li` },
        context(),
      ),
    )) as ValidationError;
    expect(refused.code).toBe('identity.public_password_change_invalid');
    expect(refused.fields.map((f) => `${f.pointer}:${f.reason}`)).toEqual([
      '/currentPassword:incorrect',
      '/newPassword:contains_identity',
    ]);
    const counted = await sql<{ failed_count: number }>`
      select failed_count from identity.public_account where id = ${account.id}`.execute(db());
    expect(counted.rows[0]!.failed_count).toBe(1);

    await changePublicPassword(
      database(),
      account.id,
      { currentPassword: PASSWORD, newPassword: 'Autumn-moon-2026' },
      context(),
    );
    const login = { kind: 'citizen' as const, login: person.residentId };
    await expect(authenticatePublic(database(), { ...login, password: PASSWORD }, context())).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    await expect(
      authenticatePublic(database(), { ...login, password: 'Autumn-moon-2026' }, context()),
    ).resolves.toMatchObject({ id: account.id });
    const entries = (await auditOf('identity.public_account.password_change')).filter((e) => e.targetId === account.id);
    expect(entries.map((e) => e.outcome)).toEqual(['success', 'failure']);
  });

  it('refuses the current password as the new one', async () => {
    const account = await registerCitizen(database(), citizen(), context());
    const refused = (await rejection(
      changePublicPassword(database(), account.id, { currentPassword: PASSWORD, newPassword: PASSWORD }, context()),
    )) as ValidationError;
    expect(refused.fields.map((f) => `${f.pointer}:${f.reason}`)).toEqual(['/newPassword:same_as_current']);
  });
});

describe('getMyAccount', () => {
  it('reads the holder’s account and says when there is none', async () => {
    const account = await registerCitizen(database(), citizen(), context());
    expect(await getMyAccount(db(), account.id)).toEqual(account);
    await expect(getMyAccount(db(), '00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
    await expect(getMyAccount(db(), 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
  });
});
