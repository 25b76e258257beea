import { Button, Form, Input, Radio, Space } from 'antd';
import { useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import {
  EXCHANGE_ZONES,
  type ExchangeContact,
  type ExchangeMember,
  type ExchangeMemberWithSecret,
} from '../../api-types';
import { ActionModal } from '../../components/ActionModal';
import { OrgUnitPicker } from '../../components/OrgUnitPicker';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';

interface Values {
  id?: string;
  nameZh?: string;
  nameEn?: string;
  ownerOrgUnitCode?: string;
  zone?: string;
  contacts?: Array<{ name?: string; phone?: string; email?: string }>;
}

const FIELDS = ['id', 'nameZh', 'nameEn', 'ownerOrgUnitCode', 'zone', 'contacts'];
/** The service's limit (member.ts MAX_CONTACTS); it refuses more, the form does not offer them. */
const MAX_CONTACTS = 5;

function contactsOf(values: Values['contacts']): ExchangeContact[] {
  return (values ?? [])
    .map((contact) => ({
      name: contact.name?.trim() ?? '',
      phone: contact.phone?.trim() || null,
      email: contact.email?.trim() || null,
    }))
    .filter((contact) => contact.name !== '' || contact.phone !== null || contact.email !== null);
}

/**
 * Registers an exchange member (the answer carries the secret of its new client, shown next by the
 * caller) or changes one. The owner unit and the id are fixed at registration. Every bad field the
 * service names is marked on its field.
 */
export function MemberFormModal({
  member,
  onClose,
  onRegistered,
  onSaved,
}: {
  member: ExchangeMember | undefined;
  onClose(): void;
  onRegistered(registered: ExchangeMemberWithSecret): void;
  onSaved(saved: ExchangeMember): void;
}) {
  const { t } = useLocale();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();

  const initialValues: Values = member
    ? {
        nameZh: member.nameZh,
        nameEn: member.nameEn,
        zone: member.zone,
        contacts: member.contacts.map((contact) => ({
          name: contact.name,
          phone: contact.phone ?? '',
          email: contact.email ?? '',
        })),
      }
    : { zone: 'internal', contacts: [] };

  const save = async (values: Values) => {
    setSaving(true);
    setProblem(undefined);
    const body = {
      nameZh: values.nameZh?.trim() ?? '',
      nameEn: values.nameEn?.trim() ?? '',
      zone: values.zone ?? '',
      // Masked contacts are not the real ones: sending them back would overwrite the real ones.
      ...(member?.contactsMasked ? {} : { contacts: contactsOf(values.contacts) }),
    };
    try {
      if (member) {
        onSaved(
          await apiFetch<ExchangeMember>(`/api/exchange/v1/members/${encodeURIComponent(member.id)}`, {
            method: 'PATCH',
            json: body,
          }),
        );
      } else {
        onRegistered(
          await apiFetch<ExchangeMemberWithSecret>('/api/exchange/v1/members', {
            method: 'POST',
            json: { id: values.id?.trim() ?? '', ownerOrgUnitCode: values.ownerOrgUnitCode ?? '', ...body },
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
    <ActionModal
      open
      width={720}
      title={member ? t('exchange.member.edit_title', { id: member.id }) : t('exchange.members.register')}
      okText={member ? t('common.save') : t('exchange.member.register_submit')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      <Form
        form={form}
        name="exchange-member"
        layout="vertical"
        initialValues={initialValues}
        onFinish={save}
        requiredMark="optional"
      >
        {member ? null : (
          <Form.Item name="id" label={t('exchange.member.id')} rules={required} extra={t('exchange.member.id_hint')}>
            <Input autoComplete="off" spellCheck={false} />
          </Form.Item>
        )}
        <Form.Item name="nameZh" label={t('exchange.name_zh')} rules={required}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="nameEn" label={t('exchange.name_en')} rules={required}>
          <Input autoComplete="off" lang="en" />
        </Form.Item>
        {member ? null : (
          <Form.Item
            name="ownerOrgUnitCode"
            label={t('exchange.owner')}
            rules={required}
            extra={t('exchange.member.owner_hint')}
          >
            <OrgUnitPicker />
          </Form.Item>
        )}
        <Form.Item name="zone" label={t('exchange.zone')} extra={t('exchange.member.zone_hint')}>
          <Radio.Group
            options={EXCHANGE_ZONES.map((value) => ({ value, label: t(`exchange.zone.${value}`) }))}
            optionType="button"
          />
        </Form.Item>
        {member?.contactsMasked ? (
          <p className="hint-text">{t('exchange.member.contacts_masked')}</p>
        ) : (
          <fieldset className="form-fieldset">
            <legend>{t('exchange.member.contacts')}</legend>
            <Form.List name="contacts">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field, index) => (
                    <Space key={field.key} align="start" wrap>
                      <Form.Item
                        name={[field.name, 'name']}
                        label={t('exchange.contact.name', { n: index + 1 })}
                        rules={required}
                      >
                        <Input autoComplete="off" />
                      </Form.Item>
                      <Form.Item name={[field.name, 'phone']} label={t('exchange.contact.phone', { n: index + 1 })}>
                        <Input autoComplete="off" inputMode="tel" />
                      </Form.Item>
                      <Form.Item name={[field.name, 'email']} label={t('exchange.contact.email', { n: index + 1 })}>
                        <Input autoComplete="off" type="email" />
                      </Form.Item>
                      <Button className="contact-remove" onClick={() => remove(field.name)}>
                        {t('exchange.contact.remove', { n: index + 1 })}
                      </Button>
                    </Space>
                  ))}
                  {fields.length < MAX_CONTACTS ? (
                    <Button onClick={() => add({ name: '', phone: '', email: '' })}>{t('exchange.contact.add')}</Button>
                  ) : null}
                </>
              )}
            </Form.List>
          </fieldset>
        )}
      </Form>
    </ActionModal>
  );
}
