import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { makePerson } from '../../../test/support/people.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import { type Policy, SYSTEM_ACTOR } from '../../platform/authorization.js';
import { DomainError, type ValidationError } from '../../platform/errors.js';
import { secretBox } from '../../platform/secrets/secret-box.js';
import { createPerson, upsertOrgUnits } from '../directory/index.js';
import { selectAccountByPerson } from './account.repository.js';
import { createStaffAccount } from './account.service.js';
import { totpCode } from './totp.js';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  disableTotp,
  regenerateRecoveryCodes,
} from './totp-enrolment.service.js';

const PASSWORD = 'Lantern-Festival-2025';
const secrets = secretBox(randomBytes(32));
let now = new Date('2026-03-02T01:00:00Z');
const clock = () => now;
const later = (ms: number) => {
  now = new Date(now.getTime() + ms);
};
const deps = { secrets, clock };
const allowSystem: Policy = {
  async authorize(_e, actor, permission, orgUnitCode) {
    return { allowed: actor.type === 'system', permission, orgUnitCode, reason: 'system_actor', grants: [] };
  },
  async assertAllowed() {},
  async scopeOf() {
    return { everywhere: true, orgUnitCodes: [] };
  },
};

let testDatabase: TestDatabase;
const database = () => testDatabase.database;
const db = () => testDatabase.database.kysely;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await upsertOrgUnits(db(), smallDistrict());
});
afterAll(() => testDatabase.drop());

async function staffActor() {
  const person = await createPerson(db(), makePerson(), { actor: SYSTEM_ACTOR, policy: allowSystem });
  await createStaffAccount(db(), SYSTEM_ACTOR, { policy: allowSystem }, { personId: person.id, password: PASSWORD });
  return { type: 'user' as const, id: person.id };
}

async function errorOf(work: Promise<unknown>): Promise<DomainError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

async function enrolled() {
  const actor = await staffActor();
  const { secret } = await beginTotpEnrolment(database(), actor, deps);
  const { recoveryCodes } = await confirmTotpEnrolment(database(), actor, deps, totpCode(secret, { at: now }));
  later(30_000);
  return { actor, secret, recoveryCodes };
}

describe('TOTP enrolment', () => {
  it('begins with a sealed secret not yet in force, and an otpauth URI naming the account', async () => {
    const actor = await staffActor();
    const { secret, uri } = await beginTotpEnrolment(database(), actor, deps);
    const account = await selectAccountByPerson(db(), actor.id);
    expect(uri).toMatch(/^otpauth:\/\/totp\/%E6%B1%87%E9%80%9A:ts\d+\?secret=[A-Z2-7]+&issuer=%E6%B1%87%E9%80%9A$/);
    expect(uri).toContain(secret);
    expect(account).toMatchObject({ totpEnabledAt: null });
    expect(account!.totpSecretSealed).not.toContain(secret);
    expect(secrets.open(account!.totpSecretSealed!, `identity.totp:${account!.id}`)).toBe(secret);
    // Sealed for this account only: it does not open under another's context.
    expect(() => secrets.open(account!.totpSecretSealed!, 'identity.totp:someone-else')).toThrow();
  });

  it('confirms with a code, returns ten recovery codes once, and audits each step', async () => {
    const actor = await staffActor();
    const { secret } = await beginTotpEnrolment(database(), actor, deps);
    const wrong = await errorOf(confirmTotpEnrolment(database(), actor, deps, '000000'));
    expect(wrong.code).toBe('identity.totp_code_wrong');
    const { recoveryCodes } = await confirmTotpEnrolment(database(), actor, deps, totpCode(secret, { at: now }));
    expect(recoveryCodes).toHaveLength(10);
    const account = await selectAccountByPerson(db(), actor.id);
    expect(account!.totpEnabledAt).toEqual(now);
    expect(account!.recoveryCodeHashes).toHaveLength(10);
    for (const code of recoveryCodes) expect(account!.recoveryCodeHashes.join()).not.toContain(code);
    expect((await errorOf(beginTotpEnrolment(database(), actor, deps))).code).toBe('identity.totp_already_enabled');
    const actions = (await listAudit(db(), { targetId: account!.id, limit: 20 })).entries.map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['identity.totp.begin', 'identity.totp.enable']));
  });

  it('refuses to confirm when nothing was begun', async () => {
    const actor = await staffActor();
    expect((await errorOf(confirmTotpEnrolment(database(), actor, deps, '123456'))).code).toBe(
      'identity.totp_not_pending',
    );
  });

  it('turns off with the password, and not with a wrong one (which counts as a failure)', async () => {
    const { actor } = await enrolled();
    const wrong = await errorOf(disableTotp(database(), actor, deps, { password: 'nope' }));
    expect(wrong.code).toBe('identity.credential_wrong');
    expect((wrong as ValidationError).fields).toEqual([{ pointer: '/password', reason: 'wrong' }]);
    expect((await selectAccountByPerson(db(), actor.id))!.failedCount).toBe(1);
    const none = await errorOf(disableTotp(database(), actor, deps, {}));
    expect((none as ValidationError).fields).toEqual([{ pointer: '/password', reason: 'required' }]);
    await disableTotp(database(), actor, deps, { password: PASSWORD });
    expect(await selectAccountByPerson(db(), actor.id)).toMatchObject({
      totpEnabledAt: null,
      totpSecretSealed: null,
      recoveryCodeHashes: [],
      failedCount: 0,
    });
    expect((await errorOf(disableTotp(database(), actor, deps, { password: PASSWORD }))).code).toBe(
      'identity.totp_not_enabled',
    );
  });

  it('turns off with a current code, which cannot then be used again', async () => {
    const { actor, secret } = await enrolled();
    const code = totpCode(secret, { at: now });
    await disableTotp(database(), actor, deps, { code });
    const { secret: second } = await beginTotpEnrolment(database(), actor, deps);
    expect(second).not.toBe(secret);
  });

  it('renews the recovery codes with a recovery code, and the old codes stop working', async () => {
    const { actor, recoveryCodes, secret } = await enrolled();
    const { recoveryCodes: renewed } = await regenerateRecoveryCodes(database(), actor, deps, {
      code: recoveryCodes[0],
    });
    expect(renewed).toHaveLength(10);
    expect(renewed).not.toEqual(recoveryCodes);
    const stale = await errorOf(regenerateRecoveryCodes(database(), actor, deps, { code: recoveryCodes[1] }));
    expect(stale.code).toBe('identity.credential_wrong');
    // The TOTP secret stays in force.
    later(30_000);
    const { recoveryCodes: again } = await regenerateRecoveryCodes(database(), actor, deps, {
      code: totpCode(secret, { at: now }),
    });
    expect(again).toHaveLength(10);
  });
});
