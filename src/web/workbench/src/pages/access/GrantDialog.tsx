import { Form, Input, Modal, Radio } from 'antd';
import { useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import type { GrantView, RoleView } from '../../api-types';
import { FormSelect } from '../../components/FormSelect';
import { OrgUnitPicker } from '../../components/OrgUnitPicker';
import { PersonPicker } from '../../components/PersonPicker';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';
import { roleName } from './roles';

interface Values {
  roleCode?: string;
  granteeKind: 'person' | 'post';
  personId?: string;
  postUnit?: string;
  postTitle?: string;
  scopeOrgUnitCode?: string;
}

/**
 * Grants a role to a person or a post over a unit and everything below it. The server decides by the
 * rules of 分级管理 and 三员分立 and says why it refuses (not one's own rights, a second duty, …): its
 * title and detail are shown as they come, above the form.
 */
export function GrantDialog({
  roles,
  onClose,
  onGranted,
}: {
  roles: RoleView[];
  onClose(): void;
  onGranted(grant: GrantView): void;
}) {
  const { t, locale } = useLocale();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('granteeKind', form) ?? 'person';
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();

  const save = async (values: Values) => {
    setSaving(true);
    setProblem(undefined);
    try {
      const grantee =
        values.granteeKind === 'person'
          ? { kind: 'person', personId: values.personId ?? '' }
          : { kind: 'post', orgUnitCode: values.postUnit ?? '', title: values.postTitle?.trim() ?? '' };
      const grant = await apiFetch<GrantView>('/api/access/v1/grants', {
        method: 'POST',
        json: { roleCode: values.roleCode ?? '', grantee, scopeOrgUnitCode: values.scopeOrgUnitCode ?? '' },
      });
      onGranted(grant);
    } catch (error) {
      if (!(error instanceof ApiProblem)) {
        setProblem({ error });
        return;
      }
      // The API names the grantee's fields inside `grantee`; the form has one field for each.
      const renamed = new ApiProblem({
        ...error,
        errors: error.errors.map((field) => ({
          ...field,
          pointer: field.pointer
            .replace(/grantee\/personId$/, 'personId')
            .replace(/grantee\/orgUnitCode$/, 'postUnit')
            .replace(/grantee\/title$/, 'postTitle'),
        })),
      });
      const rest = showFieldErrors(form, renamed, t, [
        'roleCode',
        'personId',
        'postUnit',
        'postTitle',
        'scopeOrgUnitCode',
      ]);
      setProblem({ error: renamed, rest });
    } finally {
      setSaving(false);
    }
  };

  const required = [{ required: true, message: t('field.reason.required') }];

  return (
    <Modal
      open
      title={t('grant.new')}
      okText={t('grant.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <p className="hint-text">{t('grant.rules')}</p>
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      <Form form={form} name="grant" layout="vertical" initialValues={{ granteeKind: 'person' }} onFinish={save}>
        <Form.Item name="roleCode" label={t('grant.role')} rules={required}>
          <FormSelect
            showSearch
            optionFilterProp="label"
            options={roles.map((role) => ({
              value: role.code,
              label: role.duty ? `${roleName(role, locale)}（${t(`duty.${role.duty}`)}）` : roleName(role, locale),
            }))}
          />
        </Form.Item>
        <Form.Item name="granteeKind" label={t('grant.grantee')}>
          <Radio.Group
            options={[
              { value: 'person', label: t('grant.grantee.person') },
              { value: 'post', label: t('grant.grantee.post') },
            ]}
          />
        </Form.Item>
        {kind === 'person' ? (
          <Form.Item name="personId" label={t('grant.person_field')} rules={required}>
            <PersonPicker />
          </Form.Item>
        ) : (
          <>
            <Form.Item name="postUnit" label={t('grant.post_unit')} rules={required}>
              <OrgUnitPicker />
            </Form.Item>
            <Form.Item
              name="postTitle"
              label={t('grant.post_title')}
              rules={required}
              extra={t('grant.post_title_hint')}
            >
              <Input autoComplete="off" />
            </Form.Item>
          </>
        )}
        <Form.Item name="scopeOrgUnitCode" label={t('grant.scope')} rules={required} extra={t('grant.scope_hint')}>
          <OrgUnitPicker />
        </Form.Item>
      </Form>
    </Modal>
  );
}
