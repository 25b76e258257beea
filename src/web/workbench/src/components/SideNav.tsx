import { Menu, type MenuProps } from 'antd';
import { useLocale } from '../locale-context';
import type { MessageKey } from '../messages';
import { followInApp, type PageRoute, pathOf, type Route } from '../router';
import { useSession } from '../session-context';

/** Each page, and the permissions of which any one makes it usable (none: everyone's own page). */
const PAGES: ReadonlyArray<{ route: PageRoute; label: MessageKey; permissions: readonly string[] }> = [
  { route: 'directory', label: 'nav.directory', permissions: ['directory.read'] },
  { route: 'access', label: 'nav.access', permissions: ['access.grant', 'access.role.manage', 'access.explain'] },
  { route: 'systems', label: 'nav.systems', permissions: ['identity.client.manage'] },
  { route: 'exchange', label: 'nav.exchange', permissions: ['exchange.read'] },
  { route: 'cases/intake', label: 'nav.cases.intake', permissions: ['cases.intake'] },
  {
    route: 'cases',
    label: 'nav.cases.queues',
    permissions: ['cases.intake', 'cases.handle', 'cases.decide', 'cases.supervise'],
  },
  // A department's handlers see their own department's lights and alerts, as supervisors see theirs.
  { route: 'cases/supervision', label: 'nav.cases.supervision', permissions: ['cases.supervise', 'cases.handle'] },
  { route: 'cases/statistics', label: 'nav.cases.statistics', permissions: ['cases.supervise'] },
  { route: 'cases/routes', label: 'nav.cases.routes', permissions: ['cases.route.manage'] },
  { route: 'sessions', label: 'nav.sessions', permissions: [] },
  { route: 'audit', label: 'nav.audit', permissions: ['audit.read'] },
  { route: 'account', label: 'nav.account', permissions: [] },
];

/**
 * The workbench's pages the signed-in person may use, then the platform's other faces. Items are
 * real links, so they open in a new tab on a modified click and read as links to assistive technology.
 */
export function SideNav({ route }: { route: Route }) {
  const { t } = useLocale();
  const { permissions: held } = useSession();
  const usable = PAGES.filter(
    (page) => page.permissions.length === 0 || held === undefined || page.permissions.some((p) => held.has(p)),
  );
  const link = (target: 'dashboard' | PageRoute, label: string) => (
    <a href={pathOf(target)} onClick={followInApp} aria-current={route === target ? 'page' : undefined}>
      {label}
    </a>
  );
  const items: MenuProps['items'] = [
    { key: 'dashboard', label: link('dashboard', t('nav.dashboard')) },
    ...usable.map((page) => ({ key: page.route, label: link(page.route, t(page.label)) })),
    { type: 'divider' },
    { key: 'api-docs', label: <a href="/docs">{t('nav.api_docs')}</a> },
    { key: 'portal', label: <a href="/">{t('nav.portal')}</a> },
  ];
  return (
    <nav aria-label={t('nav.label')} className="workbench-nav">
      {/* The nav column draws its own full-height edge; the menu's would stop where its items do. */}
      <Menu
        mode="inline"
        style={{ borderInlineEnd: 0 }}
        items={items}
        selectedKeys={[route === 'case' ? 'cases' : route]}
      />
    </nav>
  );
}
