import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { DEMO_ACCOUNTS, seedDemoAccess } from './demo-access-seed.js';
import { createAccessPolicy } from './modules/access/index.js';
import { findPersonByStaffNo, seedDemoOrganisation, seedDemoStaff } from './modules/directory/index.js';
import { authenticateStaff } from './modules/identity/index.js';
import { secretBox } from './platform/secrets/secret-box.js';

describe('the demo accounts', () => {
  let testDatabase: TestDatabase;
  let dataDir: string;
  const secrets = secretBox(randomBytes(32));

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'huitong-demo-'));
    await seedDemoOrganisation(testDatabase.database);
    await seedDemoStaff(testDatabase.database);
  }, 120_000);
  afterAll(async () => {
    await testDatabase.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('opens an account per demo user with a random password written only to a private file', async () => {
    const { database } = testDatabase;
    const policy = createAccessPolicy({ database });
    const report = await seedDemoAccess(database, { policy, dataDir, password: undefined });
    expect(report.accounts).toBe(DEMO_ACCOUNTS.length);
    expect((await stat(report.credentialsFile)).mode & 0o777).toBe(0o600);
    const text = await readFile(report.credentialsFile, 'utf8');
    const password = /password: (\S+)/.exec(text)![1]!;
    for (const { staffNo } of DEMO_ACCOUNTS) expect(text).toContain(staffNo.toLowerCase());

    const signedIn = await authenticateStaff(database, { secrets }, { login: 'ht000141', password, ip: null });
    expect(signedIn).toMatchObject({ status: 'authenticated' });
  });

  it('gives each their role where it belongs, and nothing beyond', async () => {
    const { database } = testDatabase;
    const policy = createAccessPolicy({ database });
    const actorOf = async (staffNo: string) => ({
      type: 'user' as const,
      id: (await findPersonByStaffNo(database.kysely, staffNo))!.id,
    });
    const decide = async (staffNo: string, permission: string, unit: string | null) =>
      (await policy.authorize(database.kysely, await actorOf(staffNo), permission, unit)).allowed;

    expect(await decide('HT000142', 'access.grant', 'HT')).toBe(true);
    expect(await decide('HT000143', 'directory.manage', 'D20')).toBe(true);
    expect(await decide('HT000141', 'audit.read', null)).toBe(true);
    expect(await decide('HT000141', 'directory.manage', 'D01')).toBe(false);
    expect(await decide('HT000006', 'directory.manage', 'D01')).toBe(true);
    expect(await decide('HT000006', 'directory.manage', 'D02')).toBe(false);
    expect(await decide('HT000290', 'directory.read', 'C01')).toBe(true);
    expect(await decide('HT000290', 'cases.intake', 'C01')).toBe(true);
    expect(await decide('HT000290', 'cases.intake', 'C02')).toBe(false);
    expect(await decide('HT000290', 'directory.manage', 'C01')).toBe(false);
    expect(await decide('HT000035', 'cases.handle', 'D08')).toBe(true);
    expect(await decide('HT000035', 'cases.decide', 'D08')).toBe(false);
    expect(await decide('HT000034', 'cases.decide', 'D08')).toBe(true);
    expect(await decide('HT000034', 'cases.decide', 'D07')).toBe(false);
    expect(await decide('HT000005', 'cases.supervise', 'D08')).toBe(true);
    expect(await decide('HT000005', 'cases.supervise', 'C17')).toBe(true);
    expect(await decide('HT000005', 'cases.handle', 'D08')).toBe(false);
  });
});
