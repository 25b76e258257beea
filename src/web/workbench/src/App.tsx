import { Button, ConfigProvider, Layout, Spin } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { type ComponentType, lazy, Suspense, useEffect, useRef } from 'react';
import { LanguageSwitch } from './components/LanguageSwitch';
import { focusPageTitle } from './components/PageTitle';
import { ProblemAlert } from './components/ProblemAlert';
import { SideNav } from './components/SideNav';
import { UserMenu } from './components/UserMenu';
import { LocaleProvider, useLocale } from './locale-context';
import { DashboardPage } from './pages/DashboardPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { BASE_PATH, followInApp, type PageRoute, type RecordRoute, type Route, routeOf, usePathname } from './router';
import { SessionProvider, useSessionLoader } from './session-context';
import { workbenchTheme } from './theme';

/** Each page is its own chunk, loaded when first opened, so the first paint carries only the shell. */
const PAGES: Record<PageRoute | RecordRoute, ComponentType> = {
  directory: lazy(() => import('./pages/directory/DirectoryPage').then((m) => ({ default: m.DirectoryPage }))),
  access: lazy(() => import('./pages/access/AccessPage').then((m) => ({ default: m.AccessPage }))),
  systems: lazy(() => import('./pages/systems/SystemsPage').then((m) => ({ default: m.SystemsPage }))),
  exchange: lazy(() => import('./pages/exchange/ExchangePage').then((m) => ({ default: m.ExchangePage }))),
  cases: lazy(() => import('./pages/cases/QueuesPage').then((m) => ({ default: m.QueuesPage }))),
  'cases/intake': lazy(() => import('./pages/cases/IntakePage').then((m) => ({ default: m.IntakePage }))),
  'cases/supervision': lazy(() =>
    import('./pages/cases/SupervisionPage').then((m) => ({ default: m.SupervisionPage })),
  ),
  'cases/statistics': lazy(() => import('./pages/cases/StatisticsPage').then((m) => ({ default: m.StatisticsPage }))),
  'cases/routes': lazy(() => import('./pages/cases/RoutesPage').then((m) => ({ default: m.RoutesPage }))),
  case: lazy(() => import('./pages/cases/CasePage').then((m) => ({ default: m.CasePage }))),
  sessions: lazy(() => import('./pages/sessions/SessionsPage').then((m) => ({ default: m.SessionsPage }))),
  audit: lazy(() => import('./pages/audit/AuditPage').then((m) => ({ default: m.AuditPage }))),
  account: lazy(() => import('./pages/account/AccountPage').then((m) => ({ default: m.AccountPage }))),
};

export function App() {
  return (
    <LocaleProvider>
      <Shell />
    </LocaleProvider>
  );
}

/**
 * The frame every page sits in: skip link, header with the signed-in person, side navigation and the
 * page itself. Nothing but the frame shows until the session is known; without one, the API client
 * has already sent the browser to sign in.
 */
function Shell() {
  const { locale, t } = useLocale();
  const pathname = usePathname();
  const route = routeOf(pathname);
  const session = useSessionLoader();
  const main = useRef<HTMLElement>(null);
  const shownPath = useRef(pathname);

  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    focusPageTitle(main.current);
  }, [pathname]);

  const ready = session.status === 'ready' ? session : undefined;
  const frame = (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip_to_content')}
      </a>
      <Layout className="workbench">
        <Layout.Header className="workbench-header">
          <a className="workbench-brand" href={BASE_PATH} onClick={followInApp}>
            {t('app.name')}
          </a>
          <div className="workbench-header-tools">
            {ready ? <UserMenu /> : null}
            <LanguageSwitch />
          </div>
        </Layout.Header>
        <Layout className="workbench-body">
          {ready ? <SideNav route={route} /> : null}
          <Layout.Content id="main" ref={main} tabIndex={-1} className="workbench-main">
            {session.status === 'loading' ? (
              <Spin tip={t('app.loading')}>
                <div className="page-loading" />
              </Spin>
            ) : session.status === 'failed' ? (
              <>
                <h1 className="page-title" tabIndex={-1}>
                  {t('app.session_failed')}
                </h1>
                <ProblemAlert error={session.problem} />
                <Button className="retry-button" onClick={session.retry}>
                  {t('app.retry')}
                </Button>
              </>
            ) : (
              <PageFor route={route} pathname={pathname} />
            )}
          </Layout.Content>
        </Layout>
      </Layout>
    </>
  );

  return (
    // antd spaces out two-character Chinese button labels (“筛 选”), which screen readers then spell out.
    <ConfigProvider locale={locale === 'en' ? enUS : zhCN} theme={workbenchTheme} button={{ autoInsertSpace: false }}>
      {ready ? <SessionProvider value={ready}>{frame}</SessionProvider> : frame}
    </ConfigProvider>
  );
}

function PageFor({ route, pathname }: { route: Route; pathname: string }) {
  const { t } = useLocale();
  if (route === 'dashboard') return <DashboardPage />;
  if (route === 'not_found') return <NotFoundPage pathname={pathname} />;
  const Page = PAGES[route];
  return (
    <Suspense
      fallback={
        <Spin tip={t('app.loading')}>
          <div className="page-loading" />
        </Spin>
      }
    >
      <Page />
    </Suspense>
  );
}
