/**
 * A router the size of the workbench: the path comes from the History API, pages are chosen by
 * `routeOf`. Enough for a handful of pages; no router library until the app outgrows this.
 */
import { type MouseEvent, useSyncExternalStore } from 'react';

/** Where the server mounts the workbench; Vite's `base` says the same. */
export const BASE_PATH = '/workbench/';

/** The workbench's pages, each at `/workbench/<route>`; the dashboard is the base path itself. */
export const PAGE_ROUTES = [
  'directory',
  'access',
  'systems',
  'exchange',
  'cases',
  'cases/intake',
  'cases/supervision',
  'cases/statistics',
  'cases/routes',
  'sessions',
  'audit',
  'account',
] as const;
export type PageRoute = (typeof PAGE_ROUTES)[number];
/** Pages of one record, at `/workbench/<kind>s/<id>`: one case (办件详情). */
export type RecordRoute = 'case';
export type Route = 'dashboard' | PageRoute | RecordRoute | 'not_found';

/** A case's id: a UUID, so it never collides with a named page under cases/. */
const CASE_PATH = /^cases\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export function routeOf(pathname: string): Route {
  if (pathname === BASE_PATH) return 'dashboard';
  const name = pathname.slice(BASE_PATH.length).replace(/\/$/, '');
  if (CASE_PATH.test(name)) return 'case';
  return PAGE_ROUTES.find((route) => route === name) ?? 'not_found';
}

/**
 * The case a case page's address names.
 * @example caseIdOf('/workbench/cases/0b5e…') // '0b5e…'
 */
export function caseIdOf(pathname: string): string | undefined {
  return CASE_PATH.exec(pathname.slice(BASE_PATH.length).replace(/\/$/, ''))?.[1];
}

/**
 * The address of one case.
 * @example casePathOf('0b5e…') // '/workbench/cases/0b5e…'
 */
export function casePathOf(id: string): string {
  return `${BASE_PATH}cases/${encodeURIComponent(id)}`;
}

/**
 * The address of a page.
 * @example pathOf('audit') // '/workbench/audit'
 */
export function pathOf(route: 'dashboard' | PageRoute): string {
  return route === 'dashboard' ? BASE_PATH : `${BASE_PATH}${route}`;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  return () => window.removeEventListener('popstate', onChange);
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function navigate(path: string): void {
  if (path === window.location.pathname) return;
  window.history.pushState(null, '', path);
  // pushState fires no event of its own; tell the subscribers the same way the back button does.
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/**
 * Click handler for an `<a href>` inside the workbench: navigates in place, but leaves a
 * modified click (new tab, new window, download) to the browser.
 */
export function followInApp(event: MouseEvent<HTMLAnchorElement>): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(event.currentTarget.pathname);
}
