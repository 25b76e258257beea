/**
 * A case across the layers, in Chromium, on the real runtime: a window clerk at a town centre (C01)
 * takes in an application with a material in the workbench and accepts it; the department's approver
 * (D07) passes it on, grants it and completes it in the workbench; the applicant tracks it on the
 * portal by its number and the last six characters of their identity number, and rates it. And a
 * citizen applies online on the portal with a file, then finds the case among their applications.
 * Every portal page visited passes axe's WCAG 2.1 AA rules and works without JavaScript (the portal
 * has none). Needs the built workbench (`npm run build`).
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { grantRole } from '../../src/modules/access/index.js';
import { assignPost, createPerson, seedDemoOrganisation } from '../../src/modules/directory/index.js';
import { createStaffAccount, registerCitizen } from '../../src/modules/identity/index.js';
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
/** The applicant: a citizen with a portal account, whose GB 11643 number is the standard's own example. */
const APPLICANT = { name: '陈静', residentId: '11010519491231002X', mobile: '17712340001' };

let served: BrowserPlatform;
/** The case the clerk takes in, which the later steps act on. */
let caseNumber = '';
let caseUrl = '';

beforeAll(async () => {
  served = await startBrowserPlatform({ seed });
});

afterAll(() => served?.close());

/** The demo district, one item of D07 that any centre and the portal take, two staff and the applicant. */
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
  const staff = async (staffNo: string, username: string, post: { orgUnitCode: string; title: string }) => {
    const person = await createPerson(db, makePerson({ staffNo }), acting);
    await assignPost(db, person.id, { ...post, validFrom: '2024-01-01' }, acting);
    await createStaffAccount(db, SYSTEM_ACTOR, { policy }, { personId: person.id, username, password: PASSWORD });
    return person;
  };
  const clerk = await staff('CJ0101', 'clerk01', { orgUnitCode: 'C01', title: '综合窗口受理员' });
  await grantRole(
    db,
    { actor: SYSTEM_ACTOR },
    { roleCode: 'platform.window_clerk', grantee: { kind: 'person', personId: clerk.id }, scopeOrgUnitCode: 'C01' },
  );
  const approver = await staff('CJ0701', 'approver07', { orgUnitCode: 'D07', title: '科长' });
  await grantRole(
    db,
    { actor: SYSTEM_ACTOR },
    { roleCode: 'platform.case_approver', grantee: { kind: 'person', personId: approver.id }, scopeOrgUnitCode: 'D07' },
  );
  await registerCitizen(
    runtime.database,
    { residentId: APPLICANT.residentId, name: APPLICANT.name, mobile: APPLICANT.mobile, password: PASSWORD },
    { ip: '127.0.0.1' },
  );
}

let watched: WatchedPage;
let page: Page;

beforeEach(async () => {
  watched = await openWatchedPage(served.browser);
  page = watched.page;
});

// The 401 that sends a visitor to sign in and the 422 of a form sent incomplete on purpose are the
// behaviour under test. Anything else is a fault.
afterEach(() => closeWatchedPage(watched, [401, 422]));

const heading = () => page.getByRole('main').getByRole('heading', { level: 1 });
const status = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text });
/** antd draws a select's options outside the listbox it announces: pick the drawn one, as a mouse would. */
const option = (text: string | RegExp) => page.locator('.ant-select-item-option', { hasText: text });
const caseStatus = () =>
  page.getByRole('region', { name: '办件信息' }).locator('.ant-descriptions-item-content .ant-tag').first();

const signInToWorkbench = (login: string) => signInAsStaff(page, served.baseUrl, login, PASSWORD);

/** Opens an action's modal on the workbench's case page, fills it and sends it. */
async function act(action: string, fill: (dialog: ReturnType<Page['getByRole']>) => Promise<void> = async () => {}) {
  await page.getByRole('button', { name: action, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: new RegExp(`^${action}：`) });
  await eventually(() => dialog.isVisible()).toBe(true);
  await fill(dialog);
  await dialog.getByRole('button', { name: action, exact: true }).click();
  await eventually(() => dialog.count()).toBe(0);
}

describe('a case from the window to the applicant’s rating', () => {
  it('a window clerk at C01 takes in the application with a material and accepts it (workbench)', async () => {
    await signInToWorkbench('clerk01');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '收件受理' }).click();
    await eventually(() => heading().textContent()).toBe('收件受理');
    await page.getByRole('combobox', { name: '受理中心' }).click();
    await option(/\(C01\)/).click();
    await page.getByRole('combobox', { name: '事项' }).click();
    await page.getByRole('combobox', { name: '事项' }).fill('食品经营');
    await option(ITEM_NAME).click();
    await eventually(() => page.getByRole('region', { name: '申请表' }).count()).toBe(1);
    await page.getByLabel('申请人名称').fill(APPLICANT.name);
    await page.getByLabel('证件号码').fill(APPLICANT.residentId);
    await page.getByRole('group', { name: '申请人' }).getByLabel('姓名').fill(APPLICANT.name);
    await page.getByLabel('开业日期').fill('2026-03-02');
    await page.getByRole('button', { name: '创建办件' }).click();

    await page.waitForURL((url) => /^\/workbench\/cases\/[0-9a-f-]{36}$/.test(url.pathname));
    caseUrl = page.url();
    await eventually(() => heading().textContent()).toMatch(/^办件 C01-\d{8}-\d{6}$/);
    caseNumber = ((await heading().textContent()) ?? '').replace('办件 ', '');

    const materials = page.getByRole('region', { name: '申请材料' });
    await materials.getByRole('combobox', { name: '材料', exact: true }).click();
    await option('1. 食品经营许可申请书').click();
    await materials.getByLabel('文件', { exact: true }).setInputFiles({
      name: 'application.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 a test application\n'),
    });
    await materials.getByRole('button', { name: '收取', exact: true }).click();
    await eventually(() => status('材料已收取。').count()).toBe(1);
    await act('受理', (dialog) => dialog.getByLabel('意见').fill('材料齐全，予以受理。'));
    await eventually(() => caseStatus().textContent()).toBe('办理中');
  });

  it('the department’s approver passes it on, grants it and completes it (workbench)', async () => {
    expect(caseUrl).not.toBe('');
    await signInToWorkbench('approver07');
    await page.goto(caseUrl);
    await eventually(() => heading().textContent()).toBe(`办件 ${caseNumber}`);
    await act('审查通过，转下一环节', (dialog) => dialog.getByLabel('意见').fill('同意，报科长审批。'));
    await eventually(() => page.getByRole('button', { name: '作出决定' }).count()).toBe(1);
    await act('作出决定', async (dialog) => {
      await dialog.locator('label', { hasText: '准予' }).click();
      await dialog.getByLabel('意见').fill('符合条件，准予许可。');
    });
    await eventually(() => caseStatus().textContent()).toBe('已决定');
    await act('办结', (dialog) => dialog.getByLabel('结果文书编号').fill('JY2026-0001'));
    await eventually(() => caseStatus().textContent()).toBe('已办结');
  });

  it('the applicant tracks it on the portal by number and id tail, and rates it', async () => {
    expect(caseNumber).not.toBe('');
    await page.goto(`${served.baseUrl}/`);
    await page.getByRole('navigation', { name: '网站导航' }).getByRole('link', { name: '办件查询' }).click();
    await page.waitForURL((url) => url.pathname === '/track');
    await eventually(() => heading().textContent()).toBe('办件查询');
    await expectAccessible(page, 'the tracking form');

    // A wrong tail reads as "not found", with the values kept to correct.
    await page.getByLabel('办件编号').fill(caseNumber);
    await page.getByLabel('证件号码后 6 位').fill('000000');
    await page.getByRole('button', { name: '查询' }).click();
    await eventually(() => page.getByRole('alert').textContent()).toContain('没有查到符合的办件');
    expect(watched.complaints.errors.splice(0)).toEqual([
      expect.stringMatching(/Failed to load resource: the server responded with a status of 404/),
    ]);
    await expectAccessible(page, 'tracking, not found');

    await page.getByLabel('证件号码后 6 位').fill(APPLICANT.residentId.slice(-6).toLowerCase());
    await page.getByRole('button', { name: '查询' }).click();
    await eventually(() => heading().textContent()).toBe(`办件 ${caseNumber} 的办理进度`);
    const facts = await page.locator('.case-facts').textContent();
    expect(facts).toContain('已办结');
    expect(facts).toContain('准予');
    const steps = page.getByRole('region', { name: '办理过程' });
    for (const step of ['受理', '审查通过，转下一环节', '作出决定', '办结']) {
      expect(await steps.getByText(step, { exact: true }).count(), step).toBe(1);
    }
    // No staff names and no internal opinions on a page anyone with the number may read.
    expect(await page.locator('main').textContent()).not.toContain('同意，报科长审批');
    await expectAccessible(page, 'a tracked case');

    const rating = page.getByRole('region', { name: '评价本次服务' });
    const levels = rating.getByRole('group', { name: '满意程度' }).getByRole('radio');
    expect(await levels.count()).toBe(5);
    await rating.getByRole('radio', { name: '非常满意', exact: true }).check();
    await rating.getByLabel('意见建议（选填）').fill('窗口办理很快，谢谢。');
    await rating.getByRole('button', { name: '提交评价' }).click();
    await eventually(() => status('感谢您的评价。').count()).toBe(1);
    expect(await page.getByRole('region', { name: '评价本次服务' }).count()).toBe(0);
    await expectAccessible(page, 'a rated case');
  });
});

describe('applying online on the portal', () => {
  it('a signed-in citizen applies with a file, sees the number and finds the case among theirs', async () => {
    await page.goto(`${served.baseUrl}/account/signin`);
    await page.getByLabel('账号').fill(APPLICANT.residentId);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL((url) => url.pathname === '/account');
    await page.getByRole('link', { name: '查看我的办件和消息' }).click();
    await eventually(() => heading().textContent()).toBe('我的办件');

    await page.goto(`${served.baseUrl}/services/${ITEM}`);
    await page.getByRole('link', { name: '在线申请' }).click();
    await eventually(() => heading().textContent()).toBe(`在线申请：${ITEM_NAME}`);
    await expectAccessible(page, 'the application form');

    // Sent without the date first: the form comes back with the error beside the field.
    await page
      .getByRole('group', { name: /^申请人/ })
      .getByLabel(/^姓名/)
      .fill(APPLICANT.name);
    await page.getByRole('button', { name: '提交申请' }).click();
    await eventually(() => page.getByRole('alert').textContent()).toContain('开业日期：请填写此项。');
    const date = page.getByLabel(/^开业日期/);
    expect(await date.getAttribute('aria-invalid')).toBe('true');
    expect(
      await page
        .getByRole('group', { name: /^申请人/ })
        .getByLabel(/^姓名/)
        .inputValue(),
    ).toBe(APPLICANT.name);
    await expectAccessible(page, 'the application form with an error');

    await date.fill('2026-05-01');
    await page.getByLabel('食品经营许可申请书（必需）').setInputFiles({
      name: '申请书.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 an online application\n'),
    });
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.waitForURL((url) => /^\/account\/cases\/[0-9a-f-]{36}$/.test(url.pathname));
    const notice = (await status('申请已提交').textContent()) ?? '';
    const number = /办件编号：(WS-\d{8}-\d{6})/.exec(notice)?.[1];
    expect(number).toBeDefined();
    const checklist = page.getByRole('table', { name: '所需材料及收取情况' });
    expect(await checklist.getByRole('row').filter({ hasText: '已收取' }).count()).toBe(1);
    await expectAccessible(page, 'the new case');

    await page.getByRole('link', { name: '返回我的办件' }).click();
    const mine = page.getByRole('table', { name: /^我的办件/ });
    expect(await mine.getByRole('link', { name: number! }).count()).toBe(1);
    expect(await mine.getByRole('link', { name: caseNumber }).count()).toBe(0);
    await expectAccessible(page, 'my applications');
  });
});
