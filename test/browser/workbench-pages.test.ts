/**
 * The staff workbench end to end, in Chromium, on a platform with the real sign-in, session, directory,
 * access and audit routes: a civil servant with an account and a grant (made through the services)
 * opens /workbench/, is sent to sign in, signs in through the form, sees the people of the directory
 * and the audit log with its chain check, and signs out; an administrator imports staff, meets a
 * refusal and sees a client secret once. Each page visited passes axe's WCAG 2.1 AA rules, with no
 * console errors or CSP violations beyond the refusals the test provokes. Needs `npm run build` first: the workbench is served from its Vite build.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { grantRole } from '../../src/modules/access/index.js';
import { assignPost, createPerson, upsertOrgUnits } from '../../src/modules/directory/index.js';
import { createStaffAccount } from '../../src/modules/identity/index.js';
import { SYSTEM_ACTOR } from '../../src/platform/authorization.js';
import {
  type BrowserPlatform,
  closeWatchedPage,
  eventually,
  expectAccessible,
  openStaffSignIn,
  openWatchedPage,
  startBrowserPlatform,
  submitStaffSignIn,
  type WatchedPage,
} from '../support/browser.js';
import { smallDistrict } from '../support/org-units.js';
import { makePerson } from '../support/people.js';
import type { TestPlatform } from '../support/runtime.js';

const PASSWORD = 'Lantern-Festival-2025';

let served: BrowserPlatform;
/** Staff numbers of the people of 教育局 (XD1), as the directory table shows them. */
const educationStaffNos: string[] = [];
/** Everyone seeded, all active: what an auditor reading the whole district sees. */
let seededPeople = 0;

beforeAll(async () => {
  // The platform as it runs: every module's routes and authenticators from the runtime.
  served = await startBrowserPlatform({ seed });
});

afterAll(() => served?.close());

/**
 * The district, three people of 教育局, and with accounts: a security auditor, an administrator
 * (system and department administrator over the district) and a staff member without grants.
 */
async function seed(platform: TestPlatform): Promise<void> {
  const db = platform.runtime.database.kysely;
  const acting = { actor: SYSTEM_ACTOR, policy: platform.runtime.policy };
  await upsertOrgUnits(db, smallDistrict());
  const staff = async (staffNo: string, orgUnitCode: string, title: string) => {
    const person = await createPerson(db, makePerson({ staffNo }), acting);
    seededPeople += 1;
    await assignPost(db, person.id, { orgUnitCode, title, validFrom: '2024-01-01' }, acting);
    return person;
  };
  for (const staffNo of ['WB0101', 'WB0102', 'WB0103']) {
    await staff(staffNo, 'XD1', '科员');
    educationStaffNos.push(staffNo);
  }
  const auditor = await staff('WB0900', 'XX', '安全审计员');
  await createStaffAccount(
    db,
    SYSTEM_ACTOR,
    { policy: platform.runtime.policy },
    { personId: auditor.id, username: 'auditor01', password: PASSWORD },
  );
  await grantRole(
    db,
    { actor: SYSTEM_ACTOR },
    {
      roleCode: 'platform.security_auditor',
      grantee: { kind: 'person', personId: auditor.id },
      scopeOrgUnitCode: 'XX',
    },
  );
  const admin = await staff('WB0800', 'XX', '系统管理员');
  await createStaffAccount(
    db,
    SYSTEM_ACTOR,
    { policy: platform.runtime.policy },
    { personId: admin.id, username: 'admin01', password: PASSWORD },
  );
  for (const roleCode of ['platform.system_admin', 'platform.department_admin']) {
    await grantRole(
      db,
      { actor: SYSTEM_ACTOR },
      { roleCode, grantee: { kind: 'person', personId: admin.id }, scopeOrgUnitCode: 'XX' },
    );
  }
  const clerk = await staff('WB0200', 'XD2', '科员');
  await createStaffAccount(
    db,
    SYSTEM_ACTOR,
    { policy: platform.runtime.policy },
    { personId: clerk.id, username: 'clerk01', password: PASSWORD },
  );
}

let watched: WatchedPage;
let page: Page;

beforeEach(async () => {
  watched = await openWatchedPage(served.browser);
  page = watched.page;
});

// The 401 that sends a visitor to sign in, the 403s a refused page explains and the 422s of a bad form
// or file are the behaviour under test. Anything else is a fault.
afterEach(() => closeWatchedPage(watched, [401, 403, 422]));

const heading = () => page.getByRole('main').getByRole('heading', { level: 1 });
const nav = () => page.getByRole('navigation', { name: '主导航' });

/** Signs in through the form, which must send the visitor back to where they were and pass axe itself. */
async function signIn(login: string): Promise<void> {
  await openStaffSignIn(page, served.baseUrl);
  expect(new URL(page.url()).searchParams.get('next')).toBe('/workbench/');
  await expectAccessible(page, 'sign-in page');
  await submitStaffSignIn(page, login, PASSWORD);
}

describe('the workbench for a security auditor', () => {
  it('signs in through the form, shows the directory and the audit log, and signs out', async () => {
    await signIn('auditor01');

    // The header names the person, masked, with the username.
    const menuButton = page.getByRole('banner').getByRole('button', { name: /auditor01/ });
    expect(await menuButton.textContent()).toMatch(/^当前登录：测\*/);
    // Pages for the permissions held (directory.read, access.explain, audit.read, exchange.read), not the others.
    expect(await nav().getByRole('link').allTextContents()).toEqual([
      '工作台首页',
      '组织机构与人员',
      '角色与授权',
      '数据交换',
      '会话',
      '审计日志',
      '我的账号',
      '接口文档',
      '门户网站',
    ]);
    await expectAccessible(page, 'dashboard');

    // The directory: every person the auditor may read, then the people of one unit.
    await nav().getByRole('link', { name: '组织机构与人员' }).click();
    await eventually(() => heading().textContent()).toBe('组织机构与人员');
    expect(await heading().evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);
    const people = page.getByRole('table', { name: '全部人员的人员' });
    await eventually(() => people.getByRole('row').count()).toBe(1 + seededPeople);
    await page.getByRole('tree').getByText('测试区教育局').click();
    const education = page.getByRole('table', { name: '测试区教育局的人员' });
    await eventually(() => education.getByRole('row').count()).toBe(1 + educationStaffNos.length);
    const shownStaffNos = await education.locator('tbody tr td:first-child').allTextContents();
    expect(shownStaffNos.sort()).toEqual(educationStaffNos);
    // The auditor does not manage 教育局: names are masked, and there is nothing to add or import.
    expect(await education.getByText('已脱敏').count()).toBe(educationStaffNos.length);
    expect(await page.getByRole('button', { name: '新增人员' }).count()).toBe(0);
    await eventually(() => page.getByRole('status').filter({ hasText: '共 3 人。' }).count()).toBe(1);
    await expectAccessible(page, 'directory');

    // One person's drawer: details, posts and history.
    await education.getByRole('button').first().click();
    const drawer = page.getByRole('dialog');
    await eventually(() => drawer.getByRole('table', { name: '现任职务，主岗在前' }).getByRole('row').count()).toBe(2);
    await eventually(() =>
      drawer
        .getByRole('table', { name: /^变更历史/ })
        .getByRole('row')
        .count(),
    ).toBeGreaterThan(1);
    await expectAccessible(page, 'person drawer');
    await page.keyboard.press('Escape');
    await eventually(() => drawer.count()).toBe(0);

    // The audit log: the grant made for this auditor is there, and the chain verifies.
    await nav().getByRole('link', { name: '审计日志' }).click();
    await eventually(() => heading().textContent()).toBe('审计日志');
    const entries = page.getByRole('table', { name: '审计日志条目，最新的在前' });
    await eventually(() => entries.getByText('access.grant.created').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: '校验审计链' }).click();
    await eventually(() => page.getByRole('status').filter({ hasText: '链完整' }).count()).toBe(1);
    await expectAccessible(page, 'audit log');

    // Filtering by action narrows the page to that action.
    await page.getByLabel('操作', { exact: true }).fill('access.grant.created');
    await page.getByRole('button', { name: '筛选' }).click();
    await eventually(async () => new Set(await entries.locator('tbody tr td:nth-child(5)').allTextContents())).toEqual(
      new Set(['access.grant.created']),
    );

    // My sessions: this one is marked.
    await nav().getByRole('link', { name: '会话' }).click();
    await eventually(() => heading().textContent()).toBe('会话');
    const mine = page.getByRole('table', { name: '我尚未结束的会话，最新的在前' });
    await eventually(() => mine.getByText('当前会话').count()).toBe(1);
    await expectAccessible(page, 'sessions');

    // My account: two-step verification is off, and can be started.
    await nav().getByRole('link', { name: '我的账号' }).click();
    await eventually(() => heading().textContent()).toBe('我的账号');
    await page.getByRole('button', { name: '开始绑定' }).click();
    await eventually(() => page.locator('.secret-value code').textContent()).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    expect(await page.locator('.uri-value code').textContent()).toMatch(/^otpauth:\/\/totp\//);
    await expectAccessible(page, 'my account');

    // Sign out from the user menu; the workbench then asks to sign in again.
    await menuButton.click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await page.waitForURL((url) => url.pathname === '/signin');
    await page.goto(`${served.baseUrl}/workbench/audit`);
    await page.waitForURL((url) => url.pathname === '/signin');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/workbench/audit');
  });
});

describe('the workbench for a staff member without administrative grants', () => {
  it('shows only their own pages, and explains a refusal on a page opened by address', async () => {
    await signIn('clerk01');
    expect(await nav().getByRole('link').allTextContents()).toEqual([
      '工作台首页',
      '会话',
      '我的账号',
      '接口文档',
      '门户网站',
    ]);

    await page.goto(`${served.baseUrl}/workbench/audit`);
    await eventually(() => heading().textContent()).toBe('审计日志');
    const refusal = page.getByRole('alert').filter({ hasText: '没有执行此操作的权限' });
    await eventually(() => refusal.count()).toBeGreaterThan(0);
    expect(await refusal.first().textContent()).toContain('请联系本单位的管理员授权');
    await expectAccessible(page, 'refused audit log');
  });
});

describe('the workbench for an administrator', () => {
  it('imports staff after a dry run, marks bad fields, shows a refusal and a client secret once', async () => {
    await signIn('admin01');
    await nav().getByRole('link', { name: '组织机构与人员' }).click();
    await eventually(() => heading().textContent()).toBe('组织机构与人员');

    // A file with a bad row: the report names row, column and reason, and import stays disabled.
    await page.getByRole('button', { name: '导入人员' }).click();
    const dialog = page.getByRole('dialog', { name: '导入人员' });
    const header = '工号,姓名,手机,邮箱,机构代码,职务,主岗';
    await dialog.getByLabel('选择文件（CSV 或 XLSX）').setInputFiles({
      name: 'staff.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${header}\nWB0301,导入甲,,,XD1,科员,是\nWB0302,导入乙,,,NOPE,科员,是\n`),
    });
    await dialog.getByRole('button', { name: '试导入（只检查）' }).click();
    const report = dialog.getByRole('table', { name: /^文件中有 1 处错误/ });
    await eventually(() => report.locator('tbody tr').allInnerTexts()).toEqual(['3\t机构代码\t不存在']);
    expect(await dialog.getByRole('button', { name: '正式导入' }).isDisabled()).toBe(true);
    await expectAccessible(page, 'import report');

    // A clean file: the dry run reports, then the import runs and the table shows the new people.
    await dialog.getByLabel('选择文件（CSV 或 XLSX）').setInputFiles({
      name: 'staff.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${header}\nWB0301,导入甲,,,XD1,科员,是\nWB0302,导入乙,,,XD1,科员,是\n`),
    });
    await dialog.getByRole('button', { name: '试导入（只检查）' }).click();
    await eventually(() => dialog.getByRole('status').textContent()).toBe('检查通过：2 人，将新增 2 人、更新 0 人。');
    await dialog.getByRole('button', { name: '正式导入' }).click();
    await eventually(() => dialog.getByRole('status').textContent()).toBe('导入完成：2 人，新增 2 人、更新 0 人。');
    await dialog.getByRole('button', { name: '关闭', exact: true }).click();
    const everyone = page.getByRole('table', { name: '全部人员的人员' });
    await eventually(() => everyone.getByText('WB0302').count()).toBe(1);

    // A new person with a bad mobile: the server's reason lands on the field.
    await page.getByRole('button', { name: '新增人员' }).click();
    const form = page.getByRole('dialog', { name: '新增人员' });
    await form.getByLabel('工号').fill('WB0401');
    await form.getByLabel('姓名').fill('新增丙');
    await form.getByLabel('手机').fill('12345');
    await form.getByLabel('所在机构').click();
    await page.getByRole('tree').last().getByText('测试区民政局 (XD2)').click();
    await form.getByLabel('职务', { exact: true }).fill('科员');
    await form.getByRole('button', { name: '保存' }).click();
    await eventually(() => form.locator('#person_mobile_help').textContent()).toBe('格式不正确');
    expect(await form.getByLabel('手机').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'person form with a field error');
    await form.getByRole('button', { name: '取消' }).click();

    // A duty role is the security administrator's to grant: the refusal says so.
    await nav().getByRole('link', { name: '角色与授权' }).click();
    await eventually(() => heading().textContent()).toBe('角色与授权');
    await page.getByRole('button', { name: '授予角色' }).click();
    const grant = page.getByRole('dialog', { name: '授予角色' });
    // antd draws its options outside the listbox it announces: pick the drawn one, as a mouse would.
    const option = (text: string) => page.locator('.ant-select-item-option', { hasText: text });
    await grant.getByLabel('角色').fill('安全审计员');
    await option('安全审计员（安全审计员）').click();
    await grant.getByLabel('被授予的人员').fill('WB0101');
    await option('WB0101').click();
    await grant.getByLabel('授权范围').click();
    await page.getByRole('tree').last().getByText('测试区 (XX)').click();
    await grant.getByRole('button', { name: '授予', exact: true }).click();
    await eventually(() => grant.getByRole('alert').textContent()).toContain('三员角色只能由安全管理员授予');
    await expectAccessible(page, 'grant refused');
    await grant.getByRole('button', { name: '取消' }).click();

    // A registered system: its secret is shown once, with the warning, and never again.
    await nav().getByRole('link', { name: '接入系统' }).click();
    await eventually(() => heading().textContent()).toBe('接入系统');
    await page.getByRole('button', { name: '登记新系统' }).click();
    const register = page.getByRole('dialog', { name: '登记新系统' });
    await register.getByLabel('系统标识（client_id）').fill('oa-system');
    await register.getByLabel('中文名称').fill('协同办公系统');
    await register.getByLabel('英文名称').fill('Office automation');
    await register.getByLabel('主管部门').click();
    await page.getByRole('tree').last().getByText('测试区教育局 (XD1)').click();
    await register.getByLabel('回调地址（redirect URI）').fill('https://oa.example.gov.cn/oidc/callback');
    await register.getByRole('button', { name: '登记', exact: true }).click();
    const secret = page.getByRole('dialog', { name: 'oa-system 的密钥' });
    await eventually(() => secret.getByText('密钥只显示这一次').count()).toBe(1);
    const shown = await secret.locator('.secret-value code').textContent();
    expect(shown?.length).toBeGreaterThan(20);
    await expectAccessible(page, 'client secret');
    await secret.getByRole('button', { name: '我已妥善保存，关闭' }).click();
    const systems = page.getByRole('table', { name: /^您有权管理的部门的接入系统/ });
    await eventually(() => systems.getByText('oa-system').count()).toBe(1);
    expect(await page.getByText(shown ?? '').count()).toBe(0);
    await expectAccessible(page, 'registered systems');
  });
});

/** What shells.test.ts checked of the workbench before it asked for sign-in, now signed in. */
describe('the workbench shell, signed in', () => {
  const engineName = () =>
    served.platform.runtime.database.engine === 'pglite'
      ? { zh: 'PGlite（内嵌）', en: 'PGlite (embedded)' }
      : { zh: 'PostgreSQL', en: 'PostgreSQL' };

  /** The status card's rows, label → value, as a reader sees them. */
  async function statusValues(): Promise<Record<string, string>> {
    const card = page.getByRole('region', { name: /^(平台状态|Platform status)$/ });
    await eventually(() => card.getByRole('status').textContent()).toMatch(/^(检查于|Checked at)/);
    const rows = await card.locator('tr').all();
    const entries = await Promise.all(
      rows.map(async (row) => [await row.locator('th').textContent(), await row.locator('td').textContent()]),
    );
    return Object.fromEntries(entries);
  }

  it('renders the dashboard in Chinese with the live platform status', async () => {
    await signIn('clerk01');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.title()).toBe('工作台首页 · 汇通工作台');
    expect(await statusValues()).toEqual({
      数据库: '正常',
      数据库引擎: engineName().zh,
      数据库迁移: '正常',
      版本: served.platform.runtime.version,
    });
    await expectAccessible(page, 'dashboard');
  });

  it('switches to English, remembers the choice, and asks the API in English', async () => {
    await signIn('clerk01');
    await page.getByRole('radiogroup', { name: '界面语言' }).getByText('English').click();
    await eventually(() => page.locator('html').getAttribute('lang')).toBe('en');
    await page.reload();
    await eventually(() => heading().textContent()).toBe('Dashboard');
    expect(await page.getByRole('radio', { name: 'English' }).isChecked()).toBe(true);
    expect(await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link').allTextContents()).toEqual(
      ['Dashboard', 'Sessions', 'My account', 'API documentation', 'Public portal'],
    );
    expect(await statusValues()).toEqual({
      Database: 'OK',
      'Database engine': engineName().en,
      'Database migrations': 'OK',
      Version: served.platform.runtime.version,
    });
    await expectAccessible(page, 'dashboard in English');

    // Problems come back in the interface language.
    await page.goto(`${served.baseUrl}/workbench/audit`);
    await eventually(() => page.getByRole('alert').filter({ hasText: 'Permission denied' }).count()).toBeGreaterThan(0);
  });

  it('starts keyboard users at a skip link that lands in the main content', async () => {
    await signIn('clerk01');
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: '跳到主要内容' });
    expect(await skip.evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);
    expect(await skip.isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.getByRole('main').evaluate((element) => element === element.ownerDocument.activeElement)).toBe(
      true,
    );
  });

  it('opens any deeper workbench address in the app, and navigates back without reloading', async () => {
    await signIn('clerk01');
    await page.goto(`${served.baseUrl}/workbench/no/such/page`);
    await eventually(() => heading().textContent()).toBe('页面不存在');
    await page.evaluate('window.__sameDocument = true');
    await page.getByRole('link', { name: '返回工作台首页' }).click();
    await eventually(() => heading().textContent()).toBe('工作台首页');
    expect(new URL(page.url()).pathname).toBe('/workbench/');
    expect(await page.evaluate<boolean>('window.__sameDocument === true')).toBe(true);
    expect(await heading().evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);
  });
});
