import { Alert, Button, Form, type FormInstance, Input, Radio, Space } from 'antd';
import { useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import type { RecoveryCodes, TotpBegun } from '../../api-types';
import { CopyButton } from '../../components/CopyButton';
import { LiveStatus } from '../../components/LiveStatus';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';
import { useSession } from '../../session-context';
import { RecoveryCodesView } from './RecoveryCodesView';

/**
 * The secret in groups of four, as authenticator apps ask it to be typed.
 * @example groupsOfFour('JBSWY3DPEHPK3PXP') // 'JBSW Y3DP EHPK 3PXP'
 */
export function groupsOfFour(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

type Proof = { kind: 'code' | 'password'; value?: string };

/**
 * Two-step verification: enrolment (the secret to type in and the otpauth URI to copy, since no QR
 * library ships with the platform; then a code from the app to confirm, which yields the recovery
 * codes once), and, when on, new recovery codes or turning it off, each proven with a code or the
 * password.
 */
export function TwoStepPanel() {
  const { t } = useLocale();
  const { me, refresh } = useSession();
  const [begun, setBegun] = useState<TotpBegun | undefined>();
  const [codes, setCodes] = useState<string[] | undefined>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();
  const [announcement, setAnnouncement] = useState<string>();
  const [confirmForm] = Form.useForm<{ code?: string }>();
  const [proofForm] = Form.useForm<Proof>();
  const proofKind = Form.useWatch('kind', proofForm) ?? 'code';

  const run = async (work: () => Promise<void>, form?: FormInstance, fields: string[] = []) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await work();
    } catch (error) {
      const rest = error instanceof ApiProblem && form ? showFieldErrors(form, error, t, fields) : undefined;
      setProblem({ error, rest });
    } finally {
      setBusy(false);
    }
  };

  const begin = () =>
    run(async () => {
      setBegun(await apiFetch<TotpBegun>('/api/identity/v1/me/totp', { method: 'POST' }));
    });

  const confirm = ({ code }: { code?: string }) =>
    run(
      async () => {
        const result = await apiFetch<RecoveryCodes>('/api/identity/v1/me/totp/confirm', {
          method: 'POST',
          json: { code: code?.replace(/\s/g, '') ?? '' },
        });
        setBegun(undefined);
        setCodes(result.recoveryCodes);
        setAnnouncement(t('totp.enabled'));
      },
      confirmForm,
      ['code'],
    );

  const proofBody = (proof: Proof) =>
    proof.kind === 'password' ? { password: proof.value ?? '' } : { code: proof.value?.replace(/\s/g, '') ?? '' };

  const regenerate = () =>
    proofForm.validateFields().then((proof) =>
      run(
        async () => {
          const result = await apiFetch<RecoveryCodes>('/api/identity/v1/me/recovery-codes', {
            method: 'POST',
            json: proofBody(proof),
          });
          proofForm.resetFields();
          setCodes(result.recoveryCodes);
        },
        proofForm,
        [],
      ),
    );

  const disable = () =>
    proofForm.validateFields().then((proof) =>
      run(
        async () => {
          await apiFetch('/api/identity/v1/me/totp', { method: 'DELETE', json: proofBody(proof) });
          proofForm.resetFields();
          setAnnouncement(t('totp.disabled'));
          refresh();
        },
        proofForm,
        [],
      ),
    );

  return (
    <section aria-labelledby="two-step-title" className="panel">
      <h2 id="two-step-title" className="section-title">
        {t('totp.title')}
      </h2>
      <LiveStatus message={announcement} />
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      {codes ? (
        <RecoveryCodesView
          codes={codes}
          onDone={() => {
            setCodes(undefined);
            refresh();
          }}
        />
      ) : me.secondFactorEnrolled ? (
        <>
          <p>{t('totp.on_lead')}</p>
          <Form
            form={proofForm}
            name="totp-proof"
            layout="vertical"
            initialValues={{ kind: 'code' }}
            className="narrow-form"
          >
            <Form.Item name="kind" label={t('totp.proof_kind')}>
              <Radio.Group
                options={[
                  { value: 'code', label: t('totp.proof_code') },
                  { value: 'password', label: t('totp.proof_password') },
                ]}
              />
            </Form.Item>
            <Form.Item
              name="value"
              label={proofKind === 'password' ? t('totp.proof_password') : t('totp.proof_code')}
              rules={[{ required: true, message: t('field.reason.required') }]}
            >
              {proofKind === 'password' ? (
                <Input.Password autoComplete="current-password" />
              ) : (
                <Input autoComplete="one-time-code" spellCheck={false} />
              )}
            </Form.Item>
            <Space wrap>
              <Button onClick={regenerate} loading={busy}>
                {t('totp.regenerate')}
              </Button>
              <Button danger onClick={disable} loading={busy}>
                {t('totp.disable')}
              </Button>
            </Space>
          </Form>
        </>
      ) : begun ? (
        <div className="totp-enrolment">
          <ol className="steps">
            <li>
              <p>{t('totp.step_secret')}</p>
              <p className="secret-value">
                {t('totp.secret_label')} <code>{groupsOfFour(begun.secret)}</code>
              </p>
              <CopyButton text={begun.secret} label={t('totp.copy_secret')} />
            </li>
            <li>
              <p>{t('totp.step_uri')}</p>
              <p className="uri-value">
                <code>{begun.uri}</code>
              </p>
              <CopyButton text={begun.uri} label={t('totp.copy_uri')} />
            </li>
            <li>
              <Form form={confirmForm} name="totp-confirm" layout="vertical" onFinish={confirm} className="narrow-form">
                <Form.Item
                  name="code"
                  label={t('totp.step_confirm')}
                  rules={[{ required: true, message: t('field.reason.required') }]}
                >
                  <Input inputMode="numeric" autoComplete="one-time-code" maxLength={12} />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={busy}>
                  {t('totp.confirm')}
                </Button>
              </Form>
            </li>
          </ol>
        </div>
      ) : (
        <>
          <Alert type="info" showIcon message={t('totp.off_lead')} className="block-alert" />
          <Button type="primary" onClick={begin} loading={busy}>
            {t('totp.begin')}
          </Button>
        </>
      )}
    </section>
  );
}
