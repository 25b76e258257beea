/**
 * The case pages of the workbench (办件), in Chromium, on a platform with the real runtime: the demo
 * district, one published item that every centre may take (handled by D07), and four people with
 * accounts: a window clerk at C01, a case approver of D07 (who also handles), a supervisor over the
 * district and a route administrator, and one case already running. The clerk takes in an application with an electronic
 * material and accepts it; the approver finds it in the handling queue, is told when someone else
 * acted first, advances, decides and completes it; the supervisor sees the overview chart and the
 * statistics with their tables and export links; the administrator edits the item's route. Each view
 * passes axe's WCAG 2.1 AA rules. Needs the built workbench (`npm run build`).
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { grantRole } from '../../src/modules/access/index.js';
import { act as actOnCase, takeIn } from '../../src/modules/cases/index.js';
import { assignPost, createPerson, seedDemoOrganisation } from '../../src/modules/directory/index.js';
import { createStaffAccount } from '../../src/modules/identity/index.js';
import { createItem, publishItemVersion } from '../../src/modules/services/index.js';
import { itemCode, makeItemContent } from '../../src/modules/services/item.fixtures.js';
import { SYSTEM_ACTOR } from '../../src/platform/authorization.js';
import {
  type BrowserPlatform,
  closeWatchedPage,
  eventually,
  expectAccessible,
  openWatchedPage,
  signInAsStaff,
  startBrowserPlatform,
  type WatchedPage,
} from '../support/browser.js';
import { makePerson } from '../support/people.js';
import type { TestPlatform } from '../support/runtime.js';

const PASSWORD = 'Lantern-Festival-2025';
const ITEM = itemCode(1);
const ITEM_NAME = '食品经营许可（新办）';
/** A resident identity number with a good GB 11643 check digit (the standard's own example). */
const APPLICANT_ID = '11010519491231002X';

let served: BrowserPlatform;
/** The case the clerk creates, which the later steps act on. */
let caseNumber = '';
let caseUrl = '';

beforeAll(async () => {
  served = await startBrowserPlatform({ seed });
});

afterAll(() => served?.close());

async function seed({ runtime }: TestPlatform): Promise<void> {
  const db = runtime.database.kysely;
  const policy = runtime.policy;
  const acting = { actor: SYSTEM_ACTOR, policy };
  await seedDemoOrganisation(runtime.database);
  const draft = await createItem(
    db,
    SYSTEM_ACTOR,
    {
      code: ITEM,
      ...makeItemContent({ departmentCode: 'D07', channels: { online: true, anyCentre: true, centreCodes: [] } }),
    },
    { policy },
  );
  await publishItemVersion(db, SYSTEM_ACTOR, ITEM, draft.version, { policy });

  const person = async (staffNo: string, username: string, post: { orgUnitCode: string; title: string }) => {
    const created = await createPerson(db, makePerson({ staffNo }), acting);
    await assignPost(db, created.id, { ...post, validFrom: '2024-01-01' }, acting);
    await createStaffAccount(db, SYSTEM_ACTOR, { policy }, { personId: created.id, username, password: PASSWORD });
    return created;
  };
  const grant = async (personId: string, roleCode: string, scopeOrgUnitCode: string) => {
    await grantRole(db, { actor: SYSTEM_ACTOR }, { roleCode, grantee: { kind: 'person', personId }, scopeOrgUnitCode });
  };
  const clerk = await person('CW0101', 'clerk01', { orgUnitCode: 'C01', title: '综合窗口受理员' });
  await grant(clerk.id, 'platform.window_clerk', 'C01');
  const approver = await person('CW0701', 'approver07', { orgUnitCode: 'D07', title: '科长' });
  await grant(approver.id, 'platform.case_approver', 'D07');
  const supervisor = await person('CW0001', 'supervisor01', { orgUnitCode: 'HT', title: '电子监察员' });
  await grant(supervisor.id, 'platform.supervisor', 'HT');
  const admin = await person('CW0002', 'routes01', { orgUnitCode: 'HT', title: '系统管理员' });
  await grant(admin.id, 'platform.department_admin', 'HT');

  // A case already running, so the supervisor's overview has a light to chart.
  const deps = {
    policy,
    calendar: runtime.calendar,
    blobs: runtime.blobs,
    clock: () => new Date(),
    warnDays: 2,
  };
  const running = await takeIn(
    db,
    { type: 'user', id: clerk.id },
    {
      itemCode: ITEM,
      centreCode: 'C01',
      applicant: { kind: 'citizen', name: '李四', idNumber: APPLICANT_ID },
      form: { applicant: { name: '李四' }, openingDate: '2026-04-01' },
    },
    deps,
  );
  await actOnCase(db, { kind: 'staff', personId: clerk.id }, running.id, 'accept', { version: running.version }, deps);
}

let watched: WatchedPage;
let page: Page;
/** Status codes the test itself provokes (a version conflict), which the browser logs as errors. */
let expectedStatuses: number[] = [];

beforeEach(async () => {
  watched = await openWatchedPage(served.browser);
  page = watched.page;
  expectedStatuses = [];
});

// The 401 that sends a visitor to sign in is the behaviour under test, as are the statuses a test provokes.
afterEach(() => closeWatchedPage(watched, [401, ...expectedStatuses]));

const heading = () => page.getByRole('main').getByRole('heading', { level: 1 });
const nav = () => page.getByRole('navigation', { name: '主导航' });
const status = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text });
/** antd draws a select's options outside the listbox it announces: pick the drawn one, as a mouse would. */
const option = (text: string | RegExp) => page.locator('.ant-select-item-option', { hasText: text });
/** A select showing a value: its drawn value covers the combobox, so the click goes to the whole box. */
const selectBox = (name: string) => page.locator('.ant-select', { has: page.getByRole('combobox', { name }) });

const signIn = (login: string) => signInAsStaff(page, served.baseUrl, login, PASSWORD);

async function navLinks(): Promise<string[]> {
  return (await nav().getByRole('link').allTextContents()).map((text) => text.trim());
}

/** Opens an action's modal from the case page, fills it and sends it. */
async function act(action: string, fill: (dialog: ReturnType<Page['getByRole']>) => Promise<void> = async () => {}) {
  await page.getByRole('button', { name: action, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: new RegExp(`^${action}：`) });
  await eventually(() => dialog.isVisible()).toBe(true);
  await fill(dialog);
  await dialog.getByRole('button', { name: action, exact: true }).click();
  await eventually(() => dialog.count()).toBe(0);
}

const caseStatus = () =>
  page.getByRole('region', { name: '办件信息' }).locator('.ant-descriptions-item-content .ant-tag').first();

describe('the case pages', () => {
  it('lets a window clerk take in an application, receive a material and accept it', async () => {
    await signIn('clerk01');
    const links = await navLinks();
    expect(links).toContain('收件受理');
    expect(links).toContain('办件队列');
    expect(links).not.toContain('统计分析');
    expect(links).not.toContain('路由配置');

    await nav().getByRole('link', { name: '收件受理' }).click();
    await eventually(() => heading().textContent()).toBe('收件受理');
    // Only the centre the clerk is granted is offered.
    await page.getByRole('combobox', { name: '受理中心' }).click();
    await eventually(() => option(/\(C01\)/).count()).toBe(1);
    expect(await page.locator('.ant-select-item-option').count()).toBe(1);
    await option(/\(C01\)/).click();
    await page.getByRole('combobox', { name: '事项' }).click();
    await page.getByRole('combobox', { name: '事项' }).fill('食品经营');
    await option(ITEM_NAME).click();
    await eventually(() => page.getByRole('region', { name: '申请表' }).count()).toBe(1);
    await expectAccessible(page, 'intake with the form');

    // Required fields are asked for before sending; what only the server checks (the identity
    // number's check digit) comes back as a problem marked on its field.
    await page.getByLabel('申请人名称').fill('张三');
    await page.getByRole('group', { name: '申请人' }).getByLabel('姓名').fill('张三');
    await page.getByRole('button', { name: '创建办件' }).click();
    const opening = page.locator('.ant-form-item').filter({ has: page.getByLabel('开业日期') });
    await eventually(() => opening.locator('.ant-form-item-explain-error').textContent()).toBe('必填');
    await page.getByLabel('开业日期').fill('2026-03-02');
    expectedStatuses = [422];
    await page.getByLabel('证件号码').fill('110105194912310021');
    await page.getByRole('button', { name: '创建办件' }).click();
    const idNumber = page.locator('.ant-form-item').filter({ has: page.getByLabel('证件号码') });
    await eventually(() => idNumber.locator('.ant-form-item-explain-error').count()).toBe(1);
    await page.getByLabel('证件号码').fill(APPLICANT_ID);
    await page.getByRole('button', { name: '创建办件' }).click();

    await page.waitForURL((url) => /^\/workbench\/cases\/[0-9a-f-]{36}$/.test(url.pathname));
    caseUrl = page.url();
    await eventually(() => heading().textContent()).toMatch(/^办件 C01-\d{8}-\d{6}$/);
    caseNumber = ((await heading().textContent()) ?? '').replace('办件 ', '');
    await eventually(() => caseStatus().textContent()).toBe('待受理');
    await expectAccessible(page, 'a new case');

    // An electronic material against the first line of the checklist.
    const materials = page.getByRole('region', { name: '申请材料' });
    const checklist = materials.getByRole('table', { name: '材料清单' });
    await eventually(() => checklist.getByRole('row').filter({ hasText: '未收取' }).count()).toBe(1);
    await materials.getByRole('combobox', { name: '材料', exact: true }).click();
    await option('1. 食品经营许可申请书').click();
    await materials.getByLabel('文件', { exact: true }).setInputFiles({
      name: 'application.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 a test application\n'),
    });
    await materials.getByRole('button', { name: '收取', exact: true }).click();
    await eventually(() => status('材料已收取。').count()).toBe(1);
    await eventually(() => checklist.getByRole('row').filter({ hasText: '已收取' }).count()).toBe(1);
    expect(await materials.getByRole('link', { name: '下载 application.pdf' }).count()).toBe(1);

    // Only what the clerk may do now is offered: no decision before acceptance.
    expect(await page.getByRole('button', { name: '作出决定' }).count()).toBe(0);
    await act('受理', (dialog) => dialog.getByLabel('意见').fill('材料齐全，予以受理。'));
    await eventually(() => status('已受理。').count()).toBe(1);
    await eventually(() => caseStatus().textContent()).toBe('办理中');
    await expectAccessible(page, 'an accepted case');
  });

  it('lets the department approver advance, decide and complete it, reloading after a conflict', async () => {
    expect(caseNumber).not.toBe('');
    await signIn('approver07');
    await nav().getByRole('link', { name: '办件队列' }).click();
    await eventually(() => heading().textContent()).toBe('办件队列');
    await page.getByRole('tab', { name: '待办理' }).click();
    const queue = page.getByRole('table', { name: '您所在部门待办理的办件' });
    const row = queue.getByRole('row').filter({ hasText: caseNumber });
    await eventually(() => row.count()).toBe(1);
    // A list never shows the applicant's name whole.
    expect(await row.textContent()).not.toContain('张三');
    await expectAccessible(page, 'the handling queue');
    await row.getByRole('link', { name: caseNumber }).click();
    await eventually(() => heading().textContent()).toBe(`办件 ${caseNumber}`);

    // Someone else passes the case on while this page still shows the old version.
    expectedStatuses = [409];
    const advancedElsewhere = await page.evaluate(async (url) => {
      const id = new URL(url).pathname.split('/').pop();
      const read = await fetch(`/api/cases/v1/cases/${id}`, { headers: { accept: 'application/json' } });
      const current = (await read.json()) as { version: number };
      const response = await fetch(`/api/cases/v1/cases/${id}/advance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ version: current.version, opinion: '同意，报科长审批。' }),
      });
      return response.status;
    }, caseUrl);
    expect(advancedElsewhere).toBe(200);
    await act('审查通过，转下一环节', (dialog) => dialog.getByLabel('意见').fill('同意。'));
    await eventually(() => page.getByRole('alert').filter({ hasText: '已重新载入最新内容' }).count()).toBe(1);
    // Read again: at the decision stage there is nothing left to pass on.
    await eventually(() => page.getByRole('button', { name: '作出决定' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: '审查通过，转下一环节' }).count()).toBe(0);

    await act('作出决定', async (dialog) => {
      await dialog.locator('label', { hasText: '准予' }).click();
      await dialog.getByLabel('意见').fill('符合条件，准予许可。');
      await expectAccessible(page, 'the decision dialog');
    });
    await eventually(() => caseStatus().textContent()).toBe('已决定');
    await act('办结', (dialog) => dialog.getByLabel('结果文书编号').fill('JY2026-0001'));
    await eventually(() => caseStatus().textContent()).toBe('已办结');
    const steps = page.getByRole('region', { name: '办理过程' });
    for (const step of ['提交申请', '受理', '审查通过', '作出决定', '办结']) {
      expect(await steps.getByText(step, { exact: true }).count(), step).toBeGreaterThan(0);
    }
    await expectAccessible(page, 'a completed case');
  });

  it('shows the supervisor the lights by department and the statistics with exports', async () => {
    await signIn('supervisor01');
    const links = await navLinks();
    expect(links).toEqual(expect.arrayContaining(['办件队列', '电子监察', '统计分析']));
    expect(links).not.toContain('收件受理');

    await nav().getByRole('link', { name: '电子监察' }).click();
    await eventually(() => heading().textContent()).toBe('电子监察');
    const overview = page.getByRole('table', { name: '各部门在办件亮灯数' });
    // The running case: green at D07. The chart says what it shows; its figures are in the table.
    const lights = overview.getByRole('row').filter({ hasText: '(D07)' });
    await eventually(() => lights.count()).toBe(1);
    expect((await lights.getByRole('cell').allTextContents()).slice(1)).toEqual(['1', '0', '0', '0', '1']);
    expect(await page.getByRole('img', { name: /^堆叠柱状图：1 个单位的在办件，绿灯 1 件/ }).count()).toBe(1);
    await expectAccessible(page, 'supervision');
    await page.locator('label', { hasText: '按服务中心' }).click();
    await eventually(() => page.getByRole('table', { name: '各服务中心在办件亮灯数' }).count()).toBe(1);

    await nav().getByRole('link', { name: '统计分析' }).click();
    await eventually(() => heading().textContent()).toBe('统计分析');
    const table = page.getByRole('table', { name: /按部门统计$/ });
    const d07 = table.getByRole('row').filter({ hasText: '(D07)' });
    await eventually(() => d07.count()).toBe(1);
    // submitted, accepted, rejected, completed, on time: two applications accepted, one completed on time.
    const cells = await d07.getByRole('cell').allTextContents();
    expect(cells.slice(1, 6)).toEqual(['2', '2', '0', '1', '1']);
    expect(await page.getByRole('img', { name: /^柱状图/ }).count()).toBe(1);
    expect(await page.getByRole('img', { name: /^折线图/ }).count()).toBe(1);
    const csv = await page.getByRole('link', { name: '导出 CSV' }).getAttribute('href');
    expect(csv).toMatch(/^\/api\/cases\/v1\/statistics\/export\?.*format=csv/);
    const exported = await page.evaluate(async (href) => {
      const response = await fetch(href);
      return { status: response.status, type: response.headers.get('content-type') };
    }, csv!);
    expect(exported.status).toBe(200);
    expect(exported.type).toMatch(/text\/csv/);
    await expectAccessible(page, 'statistics');

    // The same page in English: headings, captions and column names from the catalogue.
    await page.getByRole('radiogroup', { name: '界面语言' }).getByText('English').click();
    await eventually(() => heading().textContent()).toBe('Statistics');
    await eventually(() => page.getByRole('table', { name: /, by Department$/ }).count()).toBe(1);
    await expectAccessible(page, 'statistics in English');
  });

  it('lets an administrator edit an item’s route', async () => {
    await signIn('routes01');
    await nav().getByRole('link', { name: '路由配置' }).click();
    await eventually(() => heading().textContent()).toBe('路由配置');
    await page.getByRole('combobox', { name: '事项' }).click();
    await page.getByRole('combobox', { name: '事项' }).fill('食品经营');
    await option(ITEM_NAME).click();
    const stages = page.getByRole('table', { name: /^办理环节/ });
    await eventually(() => stages.locator('tbody tr').count()).toBe(2);
    await expectAccessible(page, 'the route editor');
    await page.getByRole('button', { name: '添加环节' }).click();
    await page.getByLabel('第 3 个环节的标识').fill('leader');
    await page.getByLabel('第 3 个环节的中文名称').fill('分管领导审批');
    await page.getByLabel('第 3 个环节的英文名称').fill('Leader approval');
    await page.getByLabel('第 3 个环节的办理单位代码').fill('D07');
    // The decision moves to the end; the old decision stage becomes a review.
    await selectBox('第 3 个环节所需权限').click();
    await option('审批决定').last().click();
    await selectBox('第 2 个环节所需权限').click();
    await option('承办审查').last().click();
    await page.getByRole('button', { name: '保存' }).click();
    await eventually(() => status('路由已保存。').count()).toBe(1);
    await eventually(() => stages.locator('tbody tr').count()).toBe(3);
  });
});
