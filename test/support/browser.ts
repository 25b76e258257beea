/**
 * Browser-test helpers: Debian's Chromium driven by playwright-core, a watch on what a page
 * complains about, and axe-core's WCAG check run inside the page.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';

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
