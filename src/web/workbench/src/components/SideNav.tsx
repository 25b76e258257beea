import { Menu, type MenuProps } from 'antd';
import { useLocale } from '../locale-context';
import { BASE_PATH, followInApp, type Route } from '../router';

/**
 * The workbench's pages, then the platform's other faces. Items are real links, so they open in a
 * new tab on a modified click and read as links to assistive technology.
 */
export function SideNav({ route }: { route: Route }) {
  const { t } = useLocale();
  const items: MenuProps['items'] = [
    {
      key: 'dashboard',
      label: (
        <a href={BASE_PATH} onClick={followInApp} aria-current={route === 'dashboard' ? 'page' : undefined}>
          {t('nav.dashboard')}
        </a>
      ),
    },
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
        selectedKeys={route === 'dashboard' ? ['dashboard'] : []}
      />
    </nav>
  );
}
