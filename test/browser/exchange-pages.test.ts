/**
 * The data exchange pages of the workbench, in Chromium, on a platform with the real runtime: the demo
 * organisation and standards, the population register publishing XML through its mapping, a push
 * subscriber whose endpoint fails (so its delivery goes dead) and a pull subscription waiting for
 * approval. A system administrator signs in through the form and walks every tab: the overview,
 * registering a member (its secret shown once), the standards with a version's schema, a mapping's
 * dry run (a result, then errors), approving the subscription, a message's proof and deliveries, and
 * resubmitting the dead letter once the subscriber is fixed. Then authoring: a new standard, its
 * drafts (a schema the server refuses, then good ones) published after reading their compatibility
 * reports, its first version deprecated once the second is out, a member's right to publish it granted
 * and revoked (listed by the member's name); and correcting dead letters' payloads (a field error, then
 * accepted). Each view and dialog passes axe's WCAG 2.1 AA rules, in Chinese and in English. Needs the
 * built workbench (`npm run build`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { grantRole } from '../../src/modules/access/index.js';
import { assignPost, createPerson } from '../../src/modules/directory/index.js';
import { registerMember } from '../../src/modules/exchange/member.service.js';
import { requestSubscription } from '../../src/modules/exchange/subscription.service.js';
import { createStaffAccount } from '../../src/modules/identity/index.js';
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
import { personXml, populationEvent, seedTestExchange, type TestExchange } from '../support/exchange.js';
import { makePerson } from '../support/people.js';
import type { TestPlatform } from '../support/runtime.js';

const PASSWORD = 'Lantern-Festival-2025';
/** The demo district (src/modules/directory/demo-organisation.ts), over which the administrator holds roles. */
const DISTRICT = 'HT';

let served: BrowserPlatform;
/** The seeded exchange, to publish more messages later. */
let testExchange: TestExchange;
/** The push subscriber's endpoint: refuses everything until the test fixes it. */
let hook: Server;
let hookFailing = true;

beforeAll(async () => {
  hook = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(hookFailing ? 500 : 204).end());
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  served = await startBrowserPlatform({
    env: {
      // One failed push makes a dead letter, and a resubmitted one is tried again at once.
      HUITONG_EXCHANGE_MAX_ATTEMPTS: '1',
      HUITONG_EXCHANGE_RETRY_MAX_MS: '1000',
    },
    seed: (platform) => seed(platform, endpoint),
  });
});

afterAll(async () => {
  await served?.close();
  await new Promise((resolve) => hook?.close(resolve));
});

async function deliveryStatuses(platform: TestPlatform): Promise<string[]> {
  const result = await sql<{ status: string }>`select status from exchange.delivery order by message_seq`.execute(
    platform.runtime.database.kysely,
  );
  return result.rows.map((row) => row.status);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The demo exchange (`gaj-rkxt` publishes population-basic in XML, `mz-jzxt` takes it by push), one
 * message published and dead at the failing endpoint, a pending pull subscription of `sj-gxpt`, and
 * an administrator (system and department administrator over the district) with an account.
 */
async function seed(platform: TestPlatform, endpoint: string): Promise<void> {
  const db = platform.runtime.database.kysely;
  const policy = platform.runtime.policy;
  const exchange = await seedTestExchange(platform, [{ id: 'mz-jzxt', mode: 'push', endpoint }]);
  testExchange = exchange;
  await registerMember(
    db,
    SYSTEM_ACTOR,
    {
      id: 'sj-gxpt',
      nameZh: '数据共享平台',
      nameEn: 'Data sharing platform',
      ownerOrgUnitCode: 'D01',
      zone: 'internal',
    },
    { policy, secrets: platform.runtime.secrets },
  );
  await requestSubscription(
    db,
    SYSTEM_ACTOR,
    { memberId: 'sj-gxpt', standardCode: 'population-basic', mode: 'pull', endpoint: null },
    { policy },
  );
  await platform.runtime.exchange!.transport.start();
  const published = await exchange.publish('gaj-rkxt', populationEvent('wb-1', '101', { correlationid: 'case-42' }));
  expect(published.statusCode, published.body).toBe(202);
  await waitFor(async () => (await deliveryStatuses(platform))[0] === 'dead');

  const acting = { actor: SYSTEM_ACTOR, policy };
  const admin = await createPerson(db, makePerson({ staffNo: 'EX0800' }), acting);
  await assignPost(db, admin.id, { orgUnitCode: DISTRICT, title: '系统管理员', validFrom: '2024-01-01' }, acting);
  await createStaffAccount(
    db,
    SYSTEM_ACTOR,
    { policy },
    { personId: admin.id, username: 'admin01', password: PASSWORD },
  );
  const auditor = await createPerson(db, makePerson({ staffNo: 'EX0900' }), acting);
  await assignPost(db, auditor.id, { orgUnitCode: DISTRICT, title: '安全审计员', validFrom: '2024-01-01' }, acting);
  await createStaffAccount(
    db,
    SYSTEM_ACTOR,
    { policy },
    { personId: auditor.id, username: 'auditor01', password: PASSWORD },
  );
  await grantRole(
    db,
    { actor: SYSTEM_ACTOR },
    {
      roleCode: 'platform.security_auditor',
      grantee: { kind: 'person', personId: auditor.id },
      scopeOrgUnitCode: DISTRICT,
    },
  );
  for (const roleCode of ['platform.system_admin', 'platform.department_admin']) {
    await grantRole(
      db,
      { actor: SYSTEM_ACTOR },
      { roleCode, grantee: { kind: 'person', personId: admin.id }, scopeOrgUnitCode: DISTRICT },
    );
  }
}

async function deadCount(platform: TestPlatform): Promise<number> {
  const result = await sql<{ count: number }>`select count(*)::int as count from exchange.delivery
    where status = 'dead'`.execute(platform.runtime.database.kysely);
  return result.rows[0]?.count ?? 0;
}

let watched: WatchedPage;
let page: Page;
/** The answers a test provokes on purpose; anything else the page complains of is a fault. */
let provoked: number[];

beforeEach(async () => {
  watched = await openWatchedPage(served.browser);
  page = watched.page;
  // The 401 that sends a visitor to sign in is the behaviour under test.
  provoked = [401];
});

afterEach(() => closeWatchedPage(watched, provoked));

const heading = () => page.getByRole('main').getByRole('heading', { level: 1 });
const nav = () => page.getByRole('navigation', { name: '主导航' });
const panel = () => page.getByRole('tabpanel');
const status = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text });
/** antd draws a select's options outside the listbox it announces: pick the drawn one, as a mouse would. */
const option = (text: string) => page.locator('.ant-select-item-option', { hasText: text });

const isFocused = (locator: Locator) => locator.evaluate((element) => element === element.ownerDocument.activeElement);

const signIn = (login: string) => signInAsStaff(page, served.baseUrl, login, PASSWORD);

async function openTab(name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await eventually(() => page.getByRole('tab', { name, selected: true }).count()).toBe(1);
}

describe('the exchange pages for a system administrator', () => {
  it('walks the overview, members, standards, mappings, subscriptions, trace and dead letters', async () => {
    await signIn('admin01');
    await nav().getByRole('link', { name: '数据交换' }).click();
    await eventually(() => heading().textContent()).toBe('数据交换');
    expect(await heading().evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);

    // The overview: one message of the population standard, its one delivery dead.
    const perStandard = panel().getByRole('table', { name: /^各数据标准的消息数/ });
    const population = perStandard.getByRole('row').filter({ hasText: 'population-basic' });
    await eventually(() => population.getByRole('cell').nth(2).textContent()).toBe('1');
    expect(await perStandard.locator('tbody tr').count()).toBe(4);
    const byState = panel().getByRole('table', { name: '各状态的投递数，共 1 个' });
    await eventually(() =>
      byState.getByRole('row').filter({ hasText: '死信' }).getByRole('cell').nth(1).textContent(),
    ).toBe('1');
    await expectAccessible(page, 'exchange overview');

    // Members: the seeded three, and a new one whose secret is shown once.
    await openTab('交换成员');
    expect(new URL(page.url()).searchParams.get('tab')).toBe('members');
    const members = panel().getByRole('table', { name: /^您可查看的部门的交换成员/ });
    await eventually(() => members.locator('tbody tr').count()).toBe(3);
    await expectAccessible(page, 'exchange members');
    await panel().getByRole('button', { name: '登记交换成员' }).click();
    const register = page.getByRole('dialog', { name: '登记交换成员' });
    await register.getByLabel('成员标识（即 client_id）').fill('zj-test');
    await register.getByLabel('中文名称').fill('住建测试系统');
    await register.getByLabel('英文名称').fill('Housing test system');
    await register.getByLabel('主管部门').click();
    await page.getByRole('tree').last().getByText('汇通区 (HT)').click();
    await register.getByRole('button', { name: '添加联系人' }).click();
    await register.getByLabel('联系人 1 姓名').fill('王芳');
    await register.getByLabel('联系人 1 电话').fill('13812345678');
    await expectAccessible(page, 'member form');
    await register.getByRole('button', { name: '登记', exact: true }).click();
    const secret = page.getByRole('dialog', { name: 'zj-test 的密钥' });
    await eventually(() => secret.getByText('密钥只显示这一次').count()).toBe(1);
    const shown = await secret.locator('.secret-value code').textContent();
    expect(shown?.length).toBeGreaterThan(20);
    await expectAccessible(page, 'member secret');
    await secret.getByRole('button', { name: '我已妥善保存，关闭' }).click();
    await eventually(() => members.getByText('zj-test').count()).toBe(1);
    expect(await page.getByText(shown ?? '').count()).toBe(0);
    await eventually(() => status('“住建测试系统”的密钥窗口已关闭').count()).toBe(1);

    // Standards: the four demo standards; one's version with its schema and compatibility.
    await openTab('数据标准');
    const standards = panel().getByRole('table', { name: '全部数据标准，按代码排序' });
    await eventually(() => standards.locator('tbody tr').count()).toBe(4);
    await panel().getByRole('button', { name: '查看“人口基本信息”的版本' }).click();
    await eventually(() => panel().getByRole('region', { name: 'JSON Schema' }).textContent()).toContain('idNumber');
    expect(await panel().getByText('这是第一个版本，没有可比较的前一版本。').count()).toBe(1);
    await panel().getByRole('button', { name: '查看“人的性别代码”的条目' }).click();
    await eventually(() =>
      panel()
        .getByRole('table', { name: /^“人的性别代码”的条目/ })
        .locator('tbody tr')
        .count(),
    ).toBeGreaterThan(1);
    await expectAccessible(page, 'exchange standards');

    // Mappings: the population register's XML mapping, dry-run on a good and a bad sample.
    await openTab('映射');
    await panel().getByLabel('交换成员').click();
    await option('gaj-rkxt').click();
    const mappings = panel().getByRole('table', { name: /的映射$/ });
    await eventually(() => mappings.locator('tbody tr').count()).toBe(1);
    await mappings.getByRole('button', { name: '修改' }).click();
    const editor = panel().getByRole('region', { name: /^映射 population-basic v1/ });
    await eventually(() => editor.getByLabel('JSONata 表达式').inputValue()).toContain('GMSFHM');
    await editor.getByLabel('样例报文').fill(personXml('202', '李四'));
    await editor.getByRole('button', { name: '试运行', exact: true }).click();
    await eventually(() => status('试运行成功。').count()).toBe(1);
    expect(await editor.getByRole('region', { name: '试运行结果' }).textContent()).toContain('"name": "李四"');
    await expectAccessible(page, 'mapping dry run');
    await editor.getByLabel('样例报文').fill(personXml('202').replace('<XB>1</XB>', '<XB>3</XB>'));
    await editor.getByRole('button', { name: '试运行', exact: true }).click();
    await eventually(() => status(/^试运行失败：\d+ 处错误。$/).count()).toBe(1);
    const errors = editor.getByRole('table', { name: '试运行发现的错误' });
    expect(await errors.locator('tbody tr').allInnerTexts()).toEqual([expect.stringContaining('/data/sex')]);
    await expectAccessible(page, 'mapping dry-run errors');

    // Subscriptions: the pending one is approved.
    await openTab('订阅审批');
    const subscriptions = panel().getByRole('table', { name: /^成员或标准属于您可查看的部门的订阅/ });
    const pending = subscriptions.getByRole('row').filter({ hasText: 'sj-gxpt' });
    await eventually(() => pending.count()).toBe(1);
    await expectAccessible(page, 'exchange subscriptions');
    await pending.getByRole('button', { name: '批准' }).click();
    await eventually(() => status('已批准 sj-gxpt 对 population-basic 的订阅。').count()).toBe(1);
    await eventually(() => subscriptions.getByRole('row').filter({ hasText: 'sj-gxpt' }).count()).toBe(0);

    // Message trace: the message, found by its correlation id, opens with its proof and deliveries.
    await openTab('消息追踪');
    await panel().getByLabel('关联标识').fill('case-42');
    await panel().getByRole('button', { name: '筛选' }).click();
    await eventually(() => status('共 1 条消息。').count()).toBe(1);
    const trace = panel().getByRole('table', { name: /^消息日志/ });
    await trace.getByRole('button', { name: '详情（#1）' }).click();
    const drawer = page.getByRole('dialog').filter({ hasText: '消息 #1' });
    await eventually(() => drawer.getByRole('table', { name: '该消息的 1 个投递' }).textContent()).toContain(
      'HTTP 500',
    );
    expect(await drawer.getByText('ed25519', { exact: true }).count()).toBe(1);
    await expectAccessible(page, 'message detail');
    await page.keyboard.press('Escape');
    await eventually(() => drawer.count()).toBe(0);

    // Dead letters: why it failed, then resubmitted once the subscriber's endpoint works again.
    await openTab('死信处理');
    const dead = panel().getByRole('table', { name: '死信及其失败原因' });
    const letter = dead.getByRole('row').filter({ hasText: 'mz-jzxt' });
    await eventually(() => letter.textContent()).toContain('HTTP 500');
    await expectAccessible(page, 'dead letters');
    hookFailing = false;
    await letter.getByRole('checkbox', { name: '选择消息 #1 给 mz-jzxt 的投递' }).check();
    await panel().getByRole('button', { name: '重新投递所选（1）' }).click();
    await eventually(() => status('已重新投递 1 条。').count()).toBe(1);
    await waitFor(async () => (await deliveryStatuses(served.platform))[0] === 'delivered');
    await panel().getByRole('button', { name: '刷新' }).click();
    await eventually(() => dead.getByText('没有死信。').count()).toBe(1);
  });

  it('opens a tab from its address and speaks English', async () => {
    await signIn('admin01');
    await page.getByRole('radiogroup', { name: '界面语言' }).getByText('English').click();
    await page.goto(`${served.baseUrl}/workbench/exchange?tab=standards`);
    await eventually(() => heading().textContent()).toBe('Data exchange');
    await eventually(() => page.getByRole('tab', { name: 'Data standards', selected: true }).count()).toBe(1);
    await eventually(() =>
      panel().getByRole('table', { name: 'Every data standard, by code' }).locator('tbody tr').count(),
    ).toBe(4);
    await expectAccessible(page, 'standards in English');

    // The authoring dialogs in English: opened, checked, and left (one draft saved to publish).
    await panel().getByRole('button', { name: 'New data standard' }).click();
    const create = page.getByRole('dialog', { name: 'New data standard' });
    await eventually(() => create.getByLabel('Code').count()).toBe(1);
    await expectAccessible(page, 'standard form in English');
    await create.getByRole('button', { name: 'Cancel' }).click();
    await eventually(() => create.count()).toBe(0);

    await panel().getByRole('button', { name: 'Versions of “Population basic information”' }).click();
    await panel().getByRole('button', { name: 'Draft a new version' }).click();
    const draft = page.getByRole('dialog', { name: 'Draft a new version of “Population basic information”' });
    await eventually(() => draft.getByLabel('JSON Schema').inputValue()).toContain('idNumber');
    await expectAccessible(page, 'draft editor in English');
    await draft.getByRole('button', { name: 'Save the draft' }).click();
    await eventually(() => status('Draft v2 of “Population basic information” is saved.').count()).toBe(1);
    await panel().getByRole('button', { name: 'Publish v2…' }).click();
    const publish = page.getByRole('dialog', { name: 'Publish “Population basic information” v2' });
    await eventually(() =>
      publish.getByText('Compatible with v1: existing subscribers can use it as they are.').count(),
    ).toBe(1);
    await expectAccessible(page, 'publish dialog in English');
    await publish.getByRole('button', { name: 'Cancel' }).click();
    await eventually(() => publish.count()).toBe(0);

    // Deprecating the only published version would take the standard out of the members' catalogue: said first.
    await panel().getByRole('button', { name: 'Deprecate v1…' }).click();
    const deprecate = page.getByRole('dialog', { name: 'Deprecate “Population basic information” v1' });
    await eventually(() => deprecate.getByText(/^This is the standard’s only published version in use/).count()).toBe(
      1,
    );
    await expectAccessible(page, 'deprecate dialog in English');
    await deprecate.getByRole('button', { name: 'Cancel' }).click();
    await eventually(() => deprecate.count()).toBe(0);
    await eventually(() => isFocused(panel().getByRole('button', { name: 'Deprecate v1…' }))).toBe(true);

    const publishers = panel().getByRole('table', {
      name: 'The members that may publish data under “Population basic information”',
    });
    await eventually(() => publishers.getByText('gaj-rkxt', { exact: true }).count()).toBe(1);
    expect(await publishers.getByRole('cell', { name: 'System gaj-rkxt', exact: true }).count()).toBe(1);
    await panel().getByRole('button', { name: 'Grant the right to publish' }).click();
    const grant = page.getByRole('dialog', { name: 'Let a member publish “Population basic information”' });
    await eventually(() => grant.getByLabel('Member').count()).toBe(1);
    await expectAccessible(page, 'grant dialog in English');
    await grant.getByRole('button', { name: 'Cancel' }).click();
    await eventually(() => grant.count()).toBe(0);
    await publishers.getByRole('button', { name: 'Revoke the right of “System gaj-rkxt”' }).click();
    const revoke = page.getByRole('dialog', {
      name: 'Take away the right of “System gaj-rkxt” to publish “Population basic information”',
    });
    await eventually(() => revoke.count()).toBe(1);
    await expectAccessible(page, 'revoke dialog in English');
    await revoke.getByRole('button', { name: 'Cancel' }).click();
    await eventually(() => revoke.count()).toBe(0);
  });

  it('authors a standard: creates it, publishes two versions, deprecates the first, grants and revokes the right to publish it', async () => {
    provoked.push(422);
    await signIn('admin01');
    await page.goto(`${served.baseUrl}/workbench/exchange?tab=standards`);
    await eventually(() => page.getByRole('tab', { name: '数据标准', selected: true }).count()).toBe(1);
    await eventually(() =>
      panel().getByRole('table', { name: '全部数据标准，按代码排序' }).locator('tbody tr').count(),
    ).toBe(4);

    // A new standard: a code the service refuses is marked on its field, then a good one.
    await panel().getByRole('button', { name: '新建数据标准' }).click();
    const create = page.getByRole('dialog', { name: '新建数据标准' });
    const code = create.getByLabel('代码');
    await eventually(() => isFocused(code)).toBe(true);
    await code.fill('Housing Basic');
    await create.getByLabel('中文名称').fill('住房基本信息');
    await create.getByLabel('英文名称').fill('Housing basic information');
    await create.getByLabel('主管部门').click();
    await page.getByRole('tree').last().getByText('汇通区 (HT)').click();
    // The OK button's name is its label alone, busy or not (antd's loading icon would add "loading").
    const createButton = create.getByRole('button', { name: '新建', exact: true });
    await createButton.click();
    // The service's refusal is on the field, and the field says so to a screen reader.
    await eventually(async () => {
      const helpId = (await code.getAttribute('aria-describedby')) ?? '';
      return helpId === '' ? '' : create.locator(`[id="${helpId.split(' ')[0]}"]`).textContent();
    }).toBe('格式不正确');
    expect(await code.getAttribute('aria-invalid')).toBe('true');
    await eventually(() => isFocused(code)).toBe(true);
    expect(await createButton.getAttribute('aria-busy')).toBeNull();
    await expectAccessible(page, 'standard form with a field error');
    await code.fill('housing-basic');
    // A changed field is checked again: the server's complaint goes, and the form can be sent again.
    await eventually(() => create.getByText('格式不正确').count()).toBe(0);
    await createButton.click();
    await eventually(() => status('已新建数据标准“住房基本信息”（housing-basic），请起草第一个版本。').count()).toBe(1);
    expect(await create.count()).toBe(0);
    await eventually(() => panel().getByText('该标准还没有版本。').count()).toBe(1);
    // The dialog's work done, the reader is taken to what comes next: the new standard's versions.
    await eventually(() =>
      isFocused(panel().getByRole('heading', { name: '住房基本信息（housing-basic）的版本' })),
    ).toBe(true);

    // The first draft: not JSON, then a schema the server refuses (named under the editor), then a good one.
    await panel().getByRole('button', { name: '起草新版本' }).click();
    const draft = page.getByRole('dialog', { name: '起草“住房基本信息”的新版本' });
    const schema = draft.getByLabel('JSON Schema');
    await eventually(() => schema.inputValue()).toContain('2020-12');
    await eventually(() => isFocused(schema)).toBe(true);
    await schema.fill('{ "type": "object", ');
    await draft.getByRole('button', { name: '保存草稿' }).click();
    await eventually(() => draft.getByRole('alert').filter({ hasText: '不是有效的 JSON' }).count()).toBe(1);
    await schema.fill(JSON.stringify({ type: 'object', properties: { houseId: { type: 'strin' } } }));
    await draft.getByRole('button', { name: '保存草稿' }).click();
    const schemaErrors = draft.getByRole('alert').filter({ hasText: '/schema/properties/houseId/type' });
    await eventually(() => schemaErrors.textContent()).toContain('不是有效的 JSON Schema');
    expect(await schema.getAttribute('aria-invalid')).toBe('true');
    const describedBy = await schema.getAttribute('aria-describedby');
    expect(await draft.locator(`[id="${describedBy}"]`).textContent()).toContain('/schema/properties/houseId/type');
    await expectAccessible(page, 'draft editor with schema errors');
    const v1 = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { houseId: { type: 'string' }, area: { type: 'number' } },
      required: ['houseId'],
    };
    await schema.fill(JSON.stringify(v1, null, 2));
    await draft.getByLabel('变更说明').fill('首个版本');
    await draft.getByRole('button', { name: '保存草稿' }).click();
    await eventually(() => status('已保存“住房基本信息”的草稿 v1。').count()).toBe(1);
    await eventually(() => isFocused(panel().getByRole('button', { name: '发布 v1…' }))).toBe(true);

    // Published after reading its report: the first version has nothing to compare with.
    await panel().getByRole('button', { name: '发布 v1…' }).click();
    const publish1 = page.getByRole('dialog', { name: '发布“住房基本信息” v1' });
    await eventually(() => publish1.getByText('这是第一个版本，没有可比较的前一版本。').count()).toBe(1);
    await expectAccessible(page, 'publish dialog, first version');
    await publish1.getByRole('button', { name: '发布 v1', exact: true }).click();
    await eventually(() => status('已发布“住房基本信息” v1。').count()).toBe(1);
    const versions = panel().getByRole('table', { name: '各版本的状态，按版本号排序' });
    await eventually(() => versions.getByRole('row').filter({ hasText: 'v1' }).textContent()).toContain('已发布');

    // The second version requires the area: breaking, so publishing waits for the operator to say so.
    await panel().getByRole('button', { name: '起草新版本' }).click();
    const draft2 = page.getByRole('dialog', { name: '起草“住房基本信息”的新版本' });
    await eventually(() => draft2.getByLabel('JSON Schema').inputValue()).toContain('houseId');
    await draft2.getByLabel('JSON Schema').fill(JSON.stringify({ ...v1, required: ['houseId', 'area'] }, null, 2));
    await draft2.getByRole('button', { name: '保存草稿' }).click();
    await eventually(() => status('已保存“住房基本信息”的草稿 v2。').count()).toBe(1);
    await panel().getByRole('button', { name: '发布 v2…' }).click();
    const publish2 = page.getByRole('dialog', { name: '发布“住房基本信息” v2' });
    await eventually(() => publish2.getByText('与 v1 相比有不兼容的变更，订阅方须调整后才能使用。').count()).toBe(1);
    const changes = publish2.getByRole('table', { name: 'v2 相对 v1 的变更' });
    expect(await changes.locator('tbody tr').allInnerTexts()).toEqual([expect.stringContaining('/area')]);
    const publishButton = publish2.getByRole('button', { name: '发布 v2', exact: true });
    expect(await publishButton.isDisabled()).toBe(true);
    await expectAccessible(page, 'publish dialog, breaking version');
    await publish2.getByRole('checkbox', { name: /^我已知晓这是不兼容的版本/ }).check();
    await publishButton.click();
    await eventually(() => status('已发布“住房基本信息” v2。').count()).toBe(1);
    await eventually(() => versions.getByRole('row').filter({ hasText: 'v2' }).textContent()).toContain('是');

    // The first version deprecated, after asking: it says where publishers go instead, and that v1 stays valid.
    await versions.getByRole('button', { name: '弃用 v1…' }).click();
    const deprecate = page.getByRole('dialog', { name: '弃用“住房基本信息” v1' });
    await eventually(() => deprecate.getByText('此后目录向发布方推荐 v2。').count()).toBe(1);
    expect(await deprecate.getByText(/该版本仍然有效且不再改变/).count()).toBe(1);
    await expectAccessible(page, 'deprecate dialog');
    await deprecate.getByRole('button', { name: '弃用 v1', exact: true }).click();
    await eventually(() => status('已弃用“住房基本信息” v1。').count()).toBe(1);
    expect(await deprecate.count()).toBe(0);
    const firstRow = versions.getByRole('row').filter({ hasText: 'v1' });
    await eventually(() => firstRow.textContent()).toContain('已弃用');
    expect(await firstRow.getByRole('button').count()).toBe(0);
    expect(await versions.getByRole('button', { name: '弃用 v2…' }).count()).toBe(1);
    // The button went with the published state: the reader is back at the versions' heading, v1 shown as deprecated.
    await eventually(() =>
      isFocused(panel().getByRole('heading', { name: '住房基本信息（housing-basic）的版本' })),
    ).toBe(true);
    await eventually(() =>
      panel()
        .getByRole('alert')
        .filter({ hasText: /^v1 已于 .+ 弃用/ })
        .count(),
    ).toBe(1);
    await expectAccessible(page, 'a deprecated version');

    // The right to publish it: granted to the population register, then taken away; the list names the member.
    const publishers = panel().getByRole('table', { name: '可按“住房基本信息”发布数据的交换成员' });
    await eventually(() => publishers.getByText('还没有成员可按此标准发布。').count()).toBe(1);
    await panel().getByRole('button', { name: '授予发布权' }).click();
    const grant = page.getByRole('dialog', { name: '授予“住房基本信息”的发布权' });
    await grant.getByRole('button', { name: '授权', exact: true }).click();
    await eventually(() => grant.getByText('必填').count()).toBe(1);
    await grant.getByLabel('交换成员').click();
    await option('gaj-rkxt').click();
    await expectAccessible(page, 'grant dialog');
    await grant.getByRole('button', { name: '授权', exact: true }).click();
    await eventually(() => status('已允许“系统gaj-rkxt”按“住房基本信息”发布数据。').count()).toBe(1);
    const granted = publishers.getByRole('row').filter({ hasText: 'gaj-rkxt' });
    await eventually(() => granted.getByRole('cell').allInnerTexts()).toEqual([
      '系统gaj-rkxt',
      'gaj-rkxt',
      expect.stringMatching(/^user:/),
      expect.any(String),
      '撤销“系统gaj-rkxt”的发布权',
    ]);
    await publishers.getByRole('button', { name: '撤销“系统gaj-rkxt”的发布权' }).click();
    const revoke = page.getByRole('dialog', { name: '撤销“系统gaj-rkxt”按“住房基本信息”发布的权利' });
    await eventually(() => revoke.count()).toBe(1);
    await expectAccessible(page, 'revoke dialog');
    await revoke.getByRole('button', { name: '撤销', exact: true }).click();
    await eventually(() => status('已撤销“系统gaj-rkxt”按“住房基本信息”发布的权利。').count()).toBe(1);
    await eventually(() => publishers.getByText('还没有成员可按此标准发布。').count()).toBe(1);
  });

  it('corrects dead letters: a payload its schema refuses, then one it takes, in Chinese and English', async () => {
    provoked.push(422);
    hookFailing = true;
    const before = await deadCount(served.platform);
    for (const [id, serial] of [
      ['wb-2', '102'],
      ['wb-3', '103'],
    ] as const) {
      const published = await testExchange.publish('gaj-rkxt', populationEvent(id, serial));
      expect(published.statusCode, published.body).toBe(202);
    }
    await waitFor(async () => (await deadCount(served.platform)) === before + 2);
    // The corrected messages go to a subscriber that works again.
    hookFailing = false;

    await signIn('admin01');
    await page.goto(`${served.baseUrl}/workbench/exchange?tab=dead-letters`);
    const dead = panel().getByRole('table', { name: '死信及其失败原因' });
    await eventually(() => dead.locator('tbody tr').count()).toBe(2);
    await dead.getByRole('button', { name: '更正并重发' }).first().click();
    const dialog = page.getByRole('dialog', { name: /^更正并重发：消息 \d+ → mz-jzxt$/ });
    const payload = dialog.getByLabel('标准数据（JSON）');
    await eventually(() => payload.inputValue()).toContain('"sex"');
    const data = JSON.parse(await payload.inputValue()) as Record<string, unknown>;
    await expectAccessible(page, 'correction dialog');

    await payload.fill(JSON.stringify({ ...data, sex: '3' }, null, 2));
    await dialog.getByLabel('更正原因（记入审计）').fill('性别代码录入有误');
    await dialog.getByRole('button', { name: '更正并重发' }).click();
    const payloadErrors = dialog.getByRole('alert').filter({ hasText: '/data/sex' });
    await eventually(() => payloadErrors.textContent()).toContain('不是代码表中的值');
    expect(await payload.getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'correction dialog with a field error');

    await payload.fill(JSON.stringify({ ...data, sex: '2' }, null, 2));
    await dialog.getByRole('button', { name: '更正并重发' }).click();
    await eventually(() => status(/^已更正并重发，新事件 wb-\d#fix-1。$/).count()).toBe(1);
    expect(await dialog.count()).toBe(0);
    await eventually(() => dead.locator('tbody tr').count()).toBe(1);

    // The other in English.
    await page.getByRole('radiogroup', { name: '界面语言' }).getByText('English').click();
    const deadEn = panel().getByRole('table', { name: 'Dead letters with why they failed' });
    await eventually(() => deadEn.locator('tbody tr').count()).toBe(1);
    await deadEn.getByRole('button', { name: 'Correct and resubmit' }).click();
    const dialogEn = page.getByRole('dialog', { name: /^Correct and resubmit: message \d+ → mz-jzxt$/ });
    await eventually(() => dialogEn.getByLabel('Standard payload (JSON)').inputValue()).toContain('"sex"');
    await expectAccessible(page, 'correction dialog in English');
    await dialogEn.getByLabel('Why (audited)').fill('Resent after the endpoint was fixed');
    await dialogEn.getByRole('button', { name: 'Correct and resubmit' }).click();
    await eventually(() => deadEn.getByText('No dead letters.').count()).toBe(1);
    await expectAccessible(page, 'dead letters in English, after corrections');
    await waitFor(async () => (await deadCount(served.platform)) === before);
  });
});

describe('the exchange pages for a security auditor', () => {
  it('reads every tab but is offered nothing that changes the exchange', async () => {
    await signIn('auditor01');
    await nav().getByRole('link', { name: '数据交换' }).click();
    await eventually(() => heading().textContent()).toBe('数据交换');

    await openTab('交换成员');
    const members = panel().getByRole('table', { name: /^您可查看的部门的交换成员/ });
    await eventually(() => members.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await panel().getByRole('button', { name: '登记交换成员' }).count()).toBe(0);
    expect(await members.getByRole('button', { name: '停用' }).count()).toBe(0);

    await openTab('数据标准');
    await panel().getByRole('button', { name: '查看“人口基本信息”的版本' }).click();
    const publishers = panel().getByRole('table', { name: '可按“人口基本信息”发布数据的交换成员' });
    await eventually(() => publishers.getByText('gaj-rkxt', { exact: true }).count()).toBe(1);
    expect(await publishers.getByRole('cell', { name: '系统gaj-rkxt', exact: true }).count()).toBe(1);
    expect(await panel().getByRole('button', { name: '新建数据标准' }).count()).toBe(0);
    expect(
      await panel()
        .getByRole('button', { name: /^(起草新版本|修改草稿|发布 v|弃用 v)/ })
        .count(),
    ).toBe(0);
    expect(
      await panel()
        .getByRole('button', { name: /发布权$/ })
        .count(),
    ).toBe(0);

    await openTab('死信处理');
    await eventually(() => panel().getByRole('table', { name: '死信及其失败原因' }).count()).toBe(1);
    expect(await panel().getByRole('checkbox').count()).toBe(0);
    expect(await panel().getByRole('button', { name: '更正并重发' }).count()).toBe(0);
    expect(
      await panel()
        .getByRole('button', { name: /^重新投递/ })
        .count(),
    ).toBe(0);
    await expectAccessible(page, 'dead letters, read only');
  });
});
