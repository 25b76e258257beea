import { Tabs } from 'antd';
import { PageTitle } from '../../components/PageTitle';
import { useLocale } from '../../locale-context';
import { ExplainTool } from './ExplainTool';
import { GrantsPanel } from './GrantsPanel';
import { RolesPanel } from './RolesPanel';

/**
 * 角色与授权: the roles (platform roles with their 三员 duties, then the registered systems' roles), the
 * grants with granting and revoking, and the explanation of one decision.
 */
export function AccessPage() {
  const { t } = useLocale();
  return (
    <>
      <PageTitle>{t('access.title')}</PageTitle>
      <Tabs
        items={[
          { key: 'grants', label: t('access.tab.grants'), children: <GrantsPanel /> },
          { key: 'roles', label: t('access.tab.roles'), children: <RolesPanel /> },
          { key: 'explain', label: t('access.tab.explain'), children: <ExplainTool /> },
        ]}
      />
    </>
  );
}
