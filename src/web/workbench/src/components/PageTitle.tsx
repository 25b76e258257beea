import { Typography } from 'antd';
import { useEffect } from 'react';
import { useLocale } from '../locale-context';

/**
 * A page's h1, also written to `document.title`. Focusable from script only (tabIndex -1): the shell
 * moves focus here after in-app navigation, so a screen reader announces the new page.
 */
export function PageTitle({ children }: { children: string }) {
  const { t } = useLocale();

  useEffect(() => {
    document.title = `${children} · ${t('app.title')}`;
  }, [children, t]);

  return (
    <Typography.Title level={1} className="page-title" tabIndex={-1}>
      {children}
    </Typography.Title>
  );
}
