import { Tag } from 'antd';
import type { RoleView } from '../../api-types';
import { CaptionedTable } from '../../components/CaptionedTable';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { useLoad } from '../../use-load';
import { fetchRoles, roleName } from './roles';

/** Every role: platform roles first (three of them the separated duties, 三员), then systems' roles. */
export function RolesPanel() {
  const { t, locale } = useLocale();
  const roles = useLoad(fetchRoles, []);
  return (
    <section aria-labelledby="roles-title">
      <h2 id="roles-title" className="section-title">
        {t('access.roles')}
      </h2>
      <p className="hint-text">{t('access.roles_lead')}</p>
      <ProblemAlert error={roles.error} className="block-alert" />
      <CaptionedTable<RoleView>
        caption={t('access.roles_caption')}
        rowKey="code"
        loading={roles.loading}
        pagination={false}
        dataSource={roles.data ?? []}
        columns={[
          { key: 'name', title: t('role.name'), render: (_, role) => roleName(role, locale) },
          { key: 'code', title: t('role.code'), render: (_, role) => <code>{role.code}</code> },
          {
            key: 'application',
            title: t('role.application'),
            render: (_, role) => role.application ?? t('role.platform'),
          },
          {
            key: 'duty',
            title: t('role.duty'),
            render: (_, role) => (role.duty ? <Tag color="purple">{t(`duty.${role.duty}`)}</Tag> : '—'),
          },
          {
            key: 'permissions',
            title: t('role.permissions'),
            render: (_, role) => (
              <ul className="plain-list">
                {role.permissions.map((permission) => (
                  <li key={permission}>
                    <code>{permission}</code>
                  </li>
                ))}
              </ul>
            ),
          },
        ]}
      />
    </section>
  );
}
