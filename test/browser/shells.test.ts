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
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
