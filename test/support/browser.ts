/**
 * Browser-test helpers: the platform served on a local port, Debian's Chromium driven by
 * playwright-core, a watch on what a page complains about, axe-core's WCAG check run inside the
 * page, and the workbench's sign-in.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { WORKBENCH_ASSETS_DIR } from '../../src/web/workbench.routes.js';
import { createTestPlatform, type TestPlatform } from './runtime.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Chromium without sandbox (containers) and without any call home (the machines have no internet). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface PageComplaints {
  /** Console errors, uncaught exceptions and failed requests, one line each. */
  errors: string[];
  /** Content-Security-Policy violations reported by the page. */
  cspViolations(): Promise<string[]>;
}

/** Collects everything a page complains about from now on. Call before the first navigation. */
export async function watchPage(page: Page): Promise<PageComplaints> {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) =>
    errors.push(`request failed: ${request.url()} ${request.failure()?.errorText}`),
  );
  // Init scripts run through the DevTools protocol, outside the page's CSP, before any page script.
  await page.addInitScript(`
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations.push(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline'));
    });
  `);
  return {
    errors,
    cspViolations: () => page.evaluate<string[]>('window.__cspViolations'),
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core on the page as it is now. The source goes in with `page.evaluate`, which the
 * DevTools protocol runs outside the page's CSP: `addScriptTag` would add an inline script that
 * our `script-src 'self'` rightly refuses, and `bypassCSP` would switch off the very policy the
 * tests check is not violated.
 */
export async function axeViolations(page: Page, tags: string[] = WCAG_21_AA): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate<AxeViolation[]>(`
    axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(tags)} } }).then((results) =>
      results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact ?? null,
        help: violation.help,
        nodes: violation.nodes.map((node) => node.target.join(' ') + ' ' + (node.failureSummary ?? '')),
      })),
    )
  `);
}

/** A platform with the real runtime served on a local port, and Chromium to drive it. */
export interface BrowserPlatform {
  platform: TestPlatform;
  /** Where the platform listens, which is also its public URL. */
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

export interface BrowserPlatformOptions {
  /** Environment variables on top of the public URL. */
  env?: Record<string, string>;
  /** Builds the test's data, before the platform listens. */
  seed?: (platform: TestPlatform) => Promise<void>;
}

/**
 * Serves the platform with the real runtime on a free local port, seeded, and launches Chromium.
 * The workbench is served from its Vite build, which must exist (`npm run build`).
 */
export async function startBrowserPlatform(options: BrowserPlatformOptions = {}): Promise<BrowserPlatform> {
  const builtIndex = path.join(WORKBENCH_ASSETS_DIR, 'index.html');
  if (!existsSync(builtIndex)) {
    throw new Error(
      `The browser tests need the built workbench: run \`npm run build\` first (${builtIndex} is missing).`,
    );
  }
  // The sign-in form refuses posts from any origin but the platform's public URL: serve exactly there.
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const platform = await createTestPlatform({ env: { HUITONG_PUBLIC_URL: baseUrl, ...options.env } });
  try {
    await options.seed?.(platform);
    await platform.app.listen({ port, host: '127.0.0.1' });
    const browser = await launchChromium();
    return {
      platform,
      baseUrl,
      browser,
      async close() {
        await browser.close();
        await platform.close();
      },
    };
  } catch (error) {
    await platform.close();
    throw error;
  }
}

/** A port nothing listens on now, so the platform's public URL can be known before it listens. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A fresh browser context with one page, and what that page complains about. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  complaints: PageComplaints;
}

/** A browser set to Chinese, as most visitors' are, with fresh storage; watched from before its first navigation. */
export async function openWatchedPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  return { context, page, complaints: await watchPage(page) };
}

/**
 * Fails on anything the page complained about but the answers of the given statuses and the requests
 * the page cancels itself (leaving for the sign-in page, a newer search), then closes the context.
 * Chromium logs every 4xx answer as a console error, so the refusals a test provokes are named here.
 */
export async function closeWatchedPage(
  { context, complaints }: WatchedPage,
  expectedStatuses: number[],
): Promise<void> {
  try {
    const unexpected = complaints.errors.filter(
      (error) =>
        !expectedStatuses.some((status) =>
          error.includes(`Failed to load resource: the server responded with a status of ${status}`),
        ) && !/^request failed: .* net::ERR_ABORTED$/.test(error),
    );
    expect(unexpected).toEqual([]);
    expect(await complaints.cspViolations()).toEqual([]);
  } finally {
    await context.close();
  }
}

/**
 * `expect.poll` with room for a machine shared with other work: the default second is too short for a
 * page chunk to load, a dry run to finish or antd's two-second click wave to fade.
 */
export function eventually<T>(read: () => T | Promise<T>) {
  return expect.poll(read, { timeout: 15_000 });
}

/** No WCAG 2.1 AA violation on the page as it is now, once the workbench's fades have ended. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  // antd fades dialogs and buttons in: colours measured mid-fade are blends, not what is read. Spinners
  // animate for ever, so only animations that end are waited for.
  // (page.evaluate runs through the DevTools protocol; waitForFunction would need the eval our CSP forbids.)
  const settled = `document.getAnimations().every((animation) =>
    animation.playState !== 'running' || animation.effect?.getComputedTiming().endTime === Infinity)`;
  await eventually(() => page.evaluate<boolean>(settled)).toBe(true);
  const violations = await axeViolations(page);
  expect(violations, `${where}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

/** Opens the workbench signed out, which sends the visitor to the sign-in form. */
export async function openStaffSignIn(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/workbench/`);
  await page.waitForURL((url) => url.pathname === '/signin');
}

/** Fills the sign-in form open on the page and sends it; done once the workbench's home page shows. */
export async function submitStaffSignIn(page: Page, login: string, password: string): Promise<void> {
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => url.pathname === '/workbench/');
  await eventually(() => page.getByRole('main').getByRole('heading', { level: 1 }).textContent()).toBe('工作台首页');
}

/** Signs a member of staff in to the workbench through the form, as they would. */
export async function signInAsStaff(page: Page, baseUrl: string, login: string, password: string): Promise<void> {
  await openStaffSignIn(page, baseUrl);
  await submitStaffSignIn(page, login, password);
}
