import { Button, Dropdown, type MenuProps } from 'antd';
import { apiFetch } from '../api-client';
import { useLocale } from '../locale-context';
import { followInApp, pathOf } from '../router';
import { useSession } from '../session-context';

/**
 * The signed-in person (name masked, as the API gives it) and their menu: my account, my sessions,
 * sign out. Signing out ends the session on the server, then opens the sign-in page.
 */
export function UserMenu() {
  const { t } = useLocale();
  const { me } = useSession();

  const signOut = async () => {
    // Whatever the answer, the cookie is cleared or was never good: go to sign in either way.
    await apiFetch('/api/identity/v1/sign-out', { method: 'POST' }).catch(() => undefined);
    window.location.assign('/signin');
  };

  const items: MenuProps['items'] = [
    {
      key: 'account',
      label: (
        <a href={pathOf('account')} onClick={followInApp}>
          {t('user_menu.account')}
        </a>
      ),
    },
    {
      key: 'sessions',
      label: (
        <a href={pathOf('sessions')} onClick={followInApp}>
          {t('user_menu.sessions')}
        </a>
      ),
    },
    { type: 'divider' },
    { key: 'sign-out', label: t('user_menu.sign_out'), onClick: signOut },
  ];

  return (
    <Dropdown menu={{ items }} trigger={['click']} placement="bottomRight">
      <Button className="user-menu-button" aria-haspopup="menu">
        <span className="visually-hidden">{t('user_menu.signed_in_as')}</span>
        {me.maskedName}
        <span className="user-menu-username">（{me.username}）</span>
      </Button>
    </Dropdown>
  );
}
