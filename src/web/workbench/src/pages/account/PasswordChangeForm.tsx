import { Button, Form, Input } from 'antd';
import { useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import type { SessionsEnded } from '../../api-types';
import { LiveStatus } from '../../components/LiveStatus';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';
import { useSession } from '../../session-context';

interface Values {
  currentPassword?: string;
  newPassword?: string;
  repeat?: string;
}

/** Changes the password: the current one, the new one twice; every other session then ends. */
export function PasswordChangeForm() {
  const { t } = useLocale();
  const { refresh } = useSession();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();
  const [announcement, setAnnouncement] = useState<string>();

  const change = async (values: Values) => {
    setBusy(true);
    setProblem(undefined);
    setAnnouncement(undefined);
    try {
      const result = await apiFetch<SessionsEnded>('/api/identity/v1/me/password', {
        method: 'POST',
        json: { currentPassword: values.currentPassword ?? '', newPassword: values.newPassword ?? '' },
      });
      form.resetFields();
      setAnnouncement(t('password.changed', { count: result.sessionsEnded }));
      refresh();
    } catch (error) {
      // The policy names the field `/password`; on this form it is the new one.
      const renamed =
        error instanceof ApiProblem
          ? new ApiProblem({
              ...error,
              errors: error.errors.map((field) => ({
                ...field,
                pointer: field.pointer.replace(/^(\/body)?\/password$/, '/newPassword'),
              })),
            })
          : error;
      const rest =
        renamed instanceof ApiProblem
          ? showFieldErrors(form, renamed, t, ['currentPassword', 'newPassword'])
          : undefined;
      setProblem({ error: renamed, rest });
    } finally {
      setBusy(false);
    }
  };

  const required = { required: true, message: t('field.reason.required') };

  return (
    <section aria-labelledby="password-title" className="panel">
      <h2 id="password-title" className="section-title">
        {t('password.title')}
      </h2>
      <p className="hint-text">{t('password.lead')}</p>
      <LiveStatus message={announcement} />
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      <Form form={form} name="password" layout="vertical" onFinish={change} className="narrow-form">
        <Form.Item name="currentPassword" label={t('password.current')} rules={[required]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="newPassword" label={t('password.new')} rules={[required]} extra={t('password.policy')}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="repeat"
          label={t('password.repeat')}
          dependencies={['newPassword']}
          rules={[
            required,
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                value === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('password.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('password.submit')}
        </Button>
      </Form>
    </section>
  );
}
