/**
 * The two faces people see, in a real browser: the public portal at / and the staff workbench at
 * /workbench/. Each renders in Chinese and in English, passes axe's WCAG 2.1 AA rules, and runs
 * without console errors or Content-Security-Policy violations under the platform's real headers.
 * Needs `npm run build` first: the workbench is served from its Vite build.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WORKBENCH_ASSETS_DIR } from '../../src/web/workbench.routes.js';
import { axeViolations, launchChromium, type PageComplaints, watchPage } from '../support/browser.js';
import { createTestPlatform, type TestPlatform } from '../support/runtime.js';

const SCREENSHOT_DIR = path.join(os.tmpdir(), 'huitong-screenshots');

let platform: TestPlatform;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  const builtIndex = path.join(WORKBENCH_ASSETS_DIR, 'index.html');
  if (!existsSync(builtIndex)) {
    throw new Error(
      `The browser tests need the built workbench: run \`npm run build\` first (${builtIndex} is missing).`,
    );
  }
  platform = await createTestPlatform();
  baseUrl = await platform.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
  await mkdir(SCREENSHOT_DIR, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

let context: BrowserContext;
let page: Page;
let complaints: PageComplaints;

beforeEach(async () => {
  // A browser set to Chinese, as most visitors' are; each test starts with fresh storage.
  context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  complaints = await watchPage(page);
});

afterEach(async () => {
  expect(complaints.errors).toEqual([]);
  expect(await complaints.cspViolations()).toEqual([]);
  await context.close();
});

async function expectAccessible(): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

async function screenshot(name: string): Promise<void> {
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

/** The status card's rows, label → value, as a reader sees them. */
async function statusValues(card: Locator): Promise<Record<string, string>> {
  const rows = await card.locator('tr').all();
  const entries = await Promise.all(
    rows.map(async (row) => [await row.locator('th').textContent(), await row.locator('td').textContent()]),
  );
  return Object.fromEntries(entries);
}

describe('the public portal', () => {
  it('renders in Chinese with a heading, switches to English, and passes WCAG 2.1 AA in both', async () => {
    await page.goto(`${baseUrl}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('h1').count()).toBe(1);
    await expectAccessible();
    await screenshot('portal-zh');

    await page.locator('a[href*="lang=en"]').first().click();
    await page.waitForURL(/[?&]lang=en/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').count()).toBe(1);
    await expectAccessible();
    await screenshot('portal-en');
  });
});

describe('the staff workbench', () => {
  const engineName = () =>
    platform.runtime.database.engine === 'pglite'
      ? { zh: 'PGlite（内嵌）', en: 'PGlite (embedded)' }
      : { zh: 'PostgreSQL', en: 'PostgreSQL' };

  it('renders the shell in Chinese with the live platform status, and passes WCAG 2.1 AA', async () => {
    await page.goto(`${baseUrl}/workbench/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await expect.poll(() => page.getByRole('banner').textContent()).toContain('汇通 · 工作台');
    expect(await page.getByRole('navigation', { name: '主导航' }).getByRole('link').allTextContents()).toEqual([
      '工作台首页',
      '接口文档',
      '门户网站',
    ]);
    expect(await page.getByRole('main').getByRole('heading', { level: 1 }).textContent()).toBe('工作台首页');
    expect(await page.title()).toBe('工作台首页 · 汇通工作台');
    await expect.poll(() => page.getByText('业务模块启用后将显示在这里。').count()).toBe(1);

    const status = page.getByRole('region', { name: '平台状态' });
    await expect.poll(() => status.getByRole('status').textContent()).toMatch(/^检查于/);
    expect(await statusValues(status)).toEqual({
      数据库: '正常',
      数据库引擎: engineName().zh,
      数据库迁移: '正常',
      版本: platform.runtime.version,
    });

    await expectAccessible();
    await screenshot('workbench-zh');
  });

  it('switches to English, remembers the choice, and passes WCAG 2.1 AA in English', async () => {
    await page.goto(`${baseUrl}/workbench/`);
    const language = page.getByRole('radiogroup', { name: '界面语言' });
    await language.getByText('English').click();

    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('banner').textContent()).toContain('Huitong Workbench');
    expect(await page.getByRole('main').getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');

    await page.reload();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('radio', { name: 'English' }).isChecked()).toBe(true);
    const status = page.getByRole('region', { name: 'Platform status' });
    await expect.poll(() => status.getByRole('status').textContent()).toMatch(/^Checked at/);
    expect(await statusValues(status)).toEqual({
      Database: 'OK',
      'Database engine': engineName().en,
      'Database migrations': 'OK',
      Version: platform.runtime.version,
    });

    await expectAccessible();
    await screenshot('workbench-en');
  });

  it('starts keyboard users at a skip link that lands in the main content', async () => {
    await page.goto(`${baseUrl}/workbench/`);
    await page.getByRole('main').getByRole('heading', { level: 1 }).waitFor();
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
    await page.goto(`${baseUrl}/workbench/no/such/page`);
    const heading = page.getByRole('main').getByRole('heading', { level: 1 });
    await expect.poll(() => heading.textContent()).toBe('页面不存在');
    await page.evaluate('window.__sameDocument = true');
    await page.getByRole('link', { name: '返回工作台首页' }).click();
    await expect.poll(() => heading.textContent()).toBe('工作台首页');
    expect(new URL(page.url()).pathname).toBe('/workbench/');
    expect(await page.evaluate<boolean>('window.__sameDocument === true')).toBe(true);
    // Focus follows the navigation to the new page's title, for screen reader users.
    expect(await heading.evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);
  });
});
