import { Descriptions, Tag } from 'antd';
import { PageTitle } from '../../components/PageTitle';
import { useLocale } from '../../locale-context';
import { useSession } from '../../session-context';
import { PasswordChangeForm } from './PasswordChangeForm';
import { TwoStepPanel } from './TwoStepPanel';

/** 我的账号: the account at a glance, two-step verification (TOTP) and the password. */
export function AccountPage() {
  const { t, locale } = useLocale();
  const { me } = useSession();
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <>
      <PageTitle>{t('account.title')}</PageTitle>
      <section aria-labelledby="account-overview-title" className="panel">
        <h2 id="account-overview-title" className="section-title">
          {t('account.overview')}
        </h2>
        <Descriptions
          bordered
          size="small"
          column={1}
          items={[
            { key: 'name', label: t('account.name'), children: me.maskedName },
            { key: 'username', label: t('account.username'), children: me.username },
            {
              key: 'password',
              label: t('account.password_changed'),
              children: dateTime.format(new Date(me.passwordChangedAt)),
            },
            {
              key: 'totp',
              label: t('account.two_step'),
              children: me.secondFactorEnrolled ? (
                <Tag color="success">{t('account.two_step_on')}</Tag>
              ) : (
                <Tag color="error">{t('account.two_step_off')}</Tag>
              ),
            },
            ...(me.secondFactorEnrolled
              ? [{ key: 'codes', label: t('account.recovery_left'), children: me.recoveryCodesLeft }]
              : []),
          ]}
        />
      </section>
      <TwoStepPanel />
      <PasswordChangeForm />
    </>
  );
}
