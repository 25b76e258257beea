/**
 * Sign-in accounts and grants for the demo district, so someone trying the platform can sign in as
 * each kind of user: the three separated administrators (三员), a department administrator, a member of
 * staff, and the people of one-window case handling (docs/cases.md): a window clerk at a town centre,
 * a case handler and a case approver of the civil affairs bureau (D08, whose items such as 最低生活保障
 * can be applied for online and at any centre), and a supervisor over the whole district. It spans three modules (directory, identity, access) and belongs to no one
 * of them, so it lives here beside the runtime that composes them.
 *
 * All demo accounts share one password: HUITONG_DEMO_PASSWORD when set, otherwise a random one made
 * on the first start. It is written, with the list of accounts, to `demo-accounts.txt` in the data dir
 * (mode 0600) and never logged. Demo data only: a real district opens its accounts with
 * `huitong access bootstrap` and `huitong identity set-password`.
 */
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bootstrapSecurityAdmin, grantRole } from './modules/access/index.js';
import { findPersonByStaffNo } from './modules/directory/index.js';
import { createStaffAccount } from './modules/identity/index.js';
import { type Policy, SYSTEM_ACTOR } from './platform/authorization.js';
import type { Database } from './platform/db/database.js';

/** Who signs in as what. HR numbers of the generated demo staff (demo-staff.ts), stable across runs. */
export const DEMO_ACCOUNTS = [
  { staffNo: 'HT000142', role: 'platform.security_admin', scope: 'HT', zh: '安全管理员', en: 'security administrator' },
  { staffNo: 'HT000143', role: 'platform.system_admin', scope: 'HT', zh: '系统管理员', en: 'system administrator' },
  { staffNo: 'HT000141', role: 'platform.security_auditor', scope: 'HT', zh: '安全审计员', en: 'security auditor' },
  {
    staffNo: 'HT000006',
    role: 'platform.department_admin',
    scope: 'D01',
    zh: '部门管理员（区府办）',
    en: 'department administrator (D01)',
  },
  { staffNo: 'HT000007', role: 'platform.staff', scope: 'D01', zh: '工作人员（区府办）', en: 'member of staff (D01)' },
  {
    staffNo: 'HT000290',
    role: 'platform.window_clerk',
    scope: 'C01',
    zh: '窗口受理员（通衢街道中心 C01）',
    en: 'window clerk (centre C01)',
  },
  {
    staffNo: 'HT000035',
    role: 'platform.case_handler',
    scope: 'D08',
    zh: '承办人员（区民政局 D08 科员）',
    en: 'case handler (civil affairs D08)',
  },
  {
    staffNo: 'HT000034',
    role: 'platform.case_approver',
    scope: 'D08',
    zh: '审批负责人（区民政局 D08 科长）',
    en: 'case approver (civil affairs D08)',
  },
  {
    staffNo: 'HT000005',
    role: 'platform.supervisor',
    scope: 'HT',
    zh: '电子监察员（全区，区府办副主任）',
    en: 'supervisor (whole district)',
  },
] as const;

export interface DemoAccessReport {
  accounts: number;
  /** Where the password and the list of accounts were written. */
  credentialsFile: string;
}

/**
 * Opens the demo accounts and grants them their roles. Run after the demo staff seed, on a fresh database.
 * @example await seedDemoAccess(database, { policy, dataDir: config.dataDir, password: config.demoPassword });
 */
export async function seedDemoAccess(
  database: Database,
  options: { policy: Policy; dataDir: string; password: string | undefined },
): Promise<DemoAccessReport> {
  const password = options.password ?? randomDemoPassword();
  const people: Array<(typeof DEMO_ACCOUNTS)[number] & { personId: string }> = [];
  for (const account of DEMO_ACCOUNTS) {
    const person = await findPersonByStaffNo(database.kysely, account.staffNo);
    if (!person) throw new Error(`demo access: no demo person ${account.staffNo}; seed the demo staff first`);
    people.push({ ...account, personId: person.id });
  }
  const [securityAdmin, ...others] = people;
  const admin = { actor: { type: 'user' as const, id: securityAdmin!.personId } };
  await database.transaction(async (tx) => {
    for (const person of people) {
      await createStaffAccount(tx, SYSTEM_ACTOR, { policy: options.policy }, { personId: person.personId, password });
    }
    // As a district would: the platform names the first security administrator, who grants the rest.
    await bootstrapSecurityAdmin(tx, securityAdmin!.personId);
    for (const person of others) {
      await grantRole(tx, admin, {
        roleCode: person.role,
        grantee: { kind: 'person', personId: person.personId },
        scopeOrgUnitCode: person.scope,
      });
    }
  });
  const credentialsFile = path.join(options.dataDir, 'demo-accounts.txt');
  const lines = [
    '# 汇通演示账号 Huitong demo accounts (demo data only)',
    `# 密码 password: ${password}`,
    ...people.map((p) => `${p.staffNo.toLowerCase()}\t${p.zh}\t${p.en}`),
  ];
  await writeFile(credentialsFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  return { accounts: people.length, credentialsFile };
}

/** Four groups of four from an alphabet without look-alikes: meets the password policy, easy to type. */
function randomDemoPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const group = () => Array.from({ length: 4 }, () => alphabet[randomInt(alphabet.length)]).join('');
  // A fixed digit and capital keep the three-kinds rule satisfied whatever the draw.
  return `Ht7-${group()}-${group()}-${group()}`;
}
