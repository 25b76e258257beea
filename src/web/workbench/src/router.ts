/**
 * A router the size of the workbench: the path comes from the History API, pages are chosen by
 * `routeOf`. Enough for a handful of pages; no router library until the app outgrows this.
 */
import { type MouseEvent, useSyncExternalStore } from 'react';

/** Where the server mounts the workbench; Vite's `base` says the same. */
export const BASE_PATH = '/workbench/';

export type Route = 'dashboard' | 'not_found';

export function routeOf(pathname: string): Route {
  return pathname === BASE_PATH ? 'dashboard' : 'not_found';
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
