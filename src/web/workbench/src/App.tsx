import { ConfigProvider, Layout } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { useEffect, useRef } from 'react';
import { LanguageSwitch } from './components/LanguageSwitch';
import { SideNav } from './components/SideNav';
import { LocaleProvider, useLocale } from './locale-context';
import { DashboardPage } from './pages/DashboardPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { BASE_PATH, followInApp, routeOf, usePathname } from './router';
import { workbenchTheme } from './theme';

export function App() {
  return (
    <LocaleProvider>
      <Shell />
    </LocaleProvider>
  );
}

/** The frame every page sits in: skip link, header, side navigation and the page itself. */
function Shell() {
  const { locale, t } = useLocale();
  const pathname = usePathname();
  const route = routeOf(pathname);
  const main = useRef<HTMLElement>(null);
  const shownPath = useRef(pathname);

  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    // After in-app navigation, start the reader at the new page's title, as a full page load would.
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [pathname]);

  return (
    <ConfigProvider locale={locale === 'en' ? enUS : zhCN} theme={workbenchTheme}>
      <a className="skip-link" href="#main">
        {t('app.skip_to_content')}
      </a>
      <Layout className="workbench">
        <Layout.Header className="workbench-header">
          <a className="workbench-brand" href={BASE_PATH} onClick={followInApp}>
            {t('app.name')}
          </a>
          <LanguageSwitch />
        </Layout.Header>
        <Layout className="workbench-body">
          <SideNav route={route} />
          <Layout.Content id="main" ref={main} tabIndex={-1} className="workbench-main">
            {route === 'dashboard' ? <DashboardPage /> : <NotFoundPage pathname={pathname} />}
          </Layout.Content>
        </Layout>
      </Layout>
    </ConfigProvider>
  );
}
