import { Typography } from 'antd';
import { useEffect } from 'react';
import { useLocale } from '../locale-context';

/**
 * Set when the shell navigated but the new page's title was not on screen yet (a page still loading):
 * the title takes focus when it mounts.
 */
let titleFocusPending = false;

/**
 * After in-app navigation, start the reader at the new page's title, as a full page load would; a
 * page still loading takes it when its title appears.
 */
export function focusPageTitle(container: HTMLElement | null): void {
  const title = container?.querySelector<HTMLElement>('h1');
  titleFocusPending = !title;
  title?.focus();
}

/**
 * A page's h1, also written to `document.title`. Focusable from script only (tabIndex -1): the shell
 * moves focus here after in-app navigation, so a screen reader announces the new page.
 */
export function PageTitle({ children }: { children: string }) {
  const { t } = useLocale();

  useEffect(() => {
    document.title = `${children} · ${t('app.title')}`;
  }, [children, t]);

  useEffect(() => {
    if (!titleFocusPending) return;
    titleFocusPending = false;
    document.querySelector<HTMLElement>('#main h1')?.focus();
  }, []);

  return (
    <Typography.Title level={1} className="page-title" tabIndex={-1}>
      {children}
    </Typography.Title>
  );
}
