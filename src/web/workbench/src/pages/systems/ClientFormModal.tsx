import { Checkbox, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import { CLIENT_GRANT_TYPES, CLIENT_SCOPES, type ClientView, type ClientWithSecret } from '../../api-types';
import { OrgUnitPicker } from '../../components/OrgUnitPicker';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';

interface Values {
  clientId?: string;
  nameZh?: string;
  nameEn?: string;
  ownerOrgUnitCode?: string;
  redirectUris?: string;
  postLogoutRedirectUris?: string;
  backchannelLogoutUri?: string;
  grantTypes?: string[];
  scopes?: string[];
  firstParty?: boolean;
}

const FIELDS = [
  'clientId',
  'nameZh',
  'nameEn',
  'ownerOrgUnitCode',
  'redirectUris',
  'postLogoutRedirectUris',
  'backchannelLogoutUri',
  'grantTypes',
  'scopes',
  'firstParty',
];

/** One address a line: how people paste a list of callback URLs. */
function lines(text: string | undefined): string[] {
  return (text ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * Registers a system (the answer carries its secret, shown next by the caller) or changes one. The
 * service checks every field at once; each bad one is marked on its field.
 */
export function ClientFormModal({
  client,
  onClose,
  onRegistered,
  onSaved,
}: {
  client: ClientView | undefined;
  onClose(): void;
  onRegistered(registered: ClientWithSecret): void;
  onSaved(saved: ClientView): void;
}) {
  const { t } = useLocale();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();

  const initialValues: Values = client
    ? {
        nameZh: client.nameZh,
        nameEn: client.nameEn,
        ownerOrgUnitCode: client.ownerOrgUnitCode,
        redirectUris: client.redirectUris.join('\n'),
        postLogoutRedirectUris: client.postLogoutRedirectUris.join('\n'),
        backchannelLogoutUri: client.backchannelLogoutUri ?? '',
        grantTypes: client.grantTypes,
        scopes: client.scopes,
        firstParty: client.firstParty,
      }
    : { grantTypes: ['authorization_code'], scopes: ['openid', 'profile'], firstParty: false };

  const save = async (values: Values) => {
    setSaving(true);
    setProblem(undefined);
    const body = {
      nameZh: values.nameZh?.trim() ?? '',
      nameEn: values.nameEn?.trim() ?? '',
      ownerOrgUnitCode: values.ownerOrgUnitCode ?? '',
      redirectUris: lines(values.redirectUris),
      postLogoutRedirectUris: lines(values.postLogoutRedirectUris),
      backchannelLogoutUri: values.backchannelLogoutUri?.trim() || null,
      grantTypes: values.grantTypes ?? [],
      scopes: values.scopes ?? [],
      firstParty: values.firstParty ?? false,
    };
    try {
      if (client) {
        onSaved(
          await apiFetch<ClientView>(`/api/identity/v1/clients/${encodeURIComponent(client.clientId)}`, {
            method: 'PATCH',
            json: body,
          }),
        );
      } else {
        onRegistered(
          await apiFetch<ClientWithSecret>('/api/identity/v1/clients', {
            method: 'POST',
            json: { clientId: values.clientId?.trim() ?? '', ...body },
          }),
        );
      }
    } catch (error) {
      const rest = error instanceof ApiProblem ? showFieldErrors(form, error, t, FIELDS) : undefined;
      setProblem({ error, rest });
    } finally {
      setSaving(false);
    }
  };

  const required = [{ required: true, message: t('field.reason.required') }];

  return (
    <Modal
      open
      width={720}
      title={client ? t('client.edit_title', { clientId: client.clientId }) : t('systems.register')}
      okText={client ? t('common.save') : t('client.register_submit')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      <Form
        form={form}
        name="client"
        layout="vertical"
        initialValues={initialValues}
        onFinish={save}
        requiredMark="optional"
      >
        {client ? null : (
          <Form.Item name="clientId" label={t('client.id')} rules={required} extra={t('client.id_hint')}>
            <Input autoComplete="off" />
          </Form.Item>
        )}
        <Form.Item name="nameZh" label={t('client.name_zh')} rules={required}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="nameEn" label={t('client.name_en')} rules={required}>
          <Input autoComplete="off" lang="en" />
        </Form.Item>
        <Form.Item name="ownerOrgUnitCode" label={t('client.owner')} rules={required} extra={t('client.owner_hint')}>
          <OrgUnitPicker />
        </Form.Item>
        <Form.Item name="grantTypes" label={t('client.grant_types')}>
          <Checkbox.Group options={CLIENT_GRANT_TYPES.map((value) => ({ value, label: t(`grant_type.${value}`) }))} />
        </Form.Item>
        <Form.Item name="redirectUris" label={t('client.redirect_uris')} extra={t('client.uris_hint')}>
          <Input.TextArea rows={3} spellCheck={false} />
        </Form.Item>
        <Form.Item name="postLogoutRedirectUris" label={t('client.post_logout_uris')} extra={t('client.uris_hint')}>
          <Input.TextArea rows={2} spellCheck={false} />
        </Form.Item>
        <Form.Item name="backchannelLogoutUri" label={t('client.backchannel_uri')} extra={t('client.backchannel_hint')}>
          <Input spellCheck={false} />
        </Form.Item>
        <Form.Item name="scopes" label={t('client.scopes')}>
          <Checkbox.Group options={CLIENT_SCOPES.map((value) => ({ value, label: value }))} />
        </Form.Item>
        <Form.Item name="firstParty" valuePropName="checked" extra={t('client.first_party_hint')}>
          <Checkbox>{t('client.first_party')}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}
