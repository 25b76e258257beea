import { Alert, Button, Form } from 'antd';
import { useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import type { DecisionView, PermissionView } from '../../api-types';
import { CaptionedTable } from '../../components/CaptionedTable';
import { FormSelect } from '../../components/FormSelect';
import { OrgUnitPicker } from '../../components/OrgUnitPicker';
import { PersonPicker } from '../../components/PersonPicker';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';
import { useSession } from '../../session-context';
import { useLoad } from '../../use-load';

interface Values {
  personId?: string;
  permission?: string;
  orgUnit?: string;
}

/**
 * Why someone may or may not do something: person + permission + unit → the platform's decision, its
 * reason in words and the grants it rests on. Anyone may ask about themselves (the default); asking
 * about others needs access.explain.
 */
export function ExplainTool() {
  const { t, locale } = useLocale();
  const { me } = useSession();
  const [form] = Form.useForm<Values>();
  const [decision, setDecision] = useState<DecisionView | undefined>();
  const [asking, setAsking] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();
  const permissions = useLoad(
    (signal) => apiFetch<{ items: PermissionView[] }>('/api/access/v1/permissions', { signal }),
    [],
  );

  const explain = async (values: Values) => {
    setAsking(true);
    setProblem(undefined);
    setDecision(undefined);
    try {
      setDecision(
        await apiFetch<DecisionView>('/api/access/v1/decisions', {
          query: { personId: values.personId ?? me.personId, permission: values.permission, orgUnit: values.orgUnit },
        }),
      );
    } catch (error) {
      const rest =
        error instanceof ApiProblem
          ? showFieldErrors(form, error, t, ['personId', 'permission', 'orgUnit'])
          : undefined;
      setProblem({ error, rest });
    } finally {
      setAsking(false);
    }
  };

  return (
    <section aria-labelledby="explain-title">
      <h2 id="explain-title" className="section-title">
        {t('explain.title')}
      </h2>
      <p className="hint-text">{t('explain.lead')}</p>
      <Form form={form} name="explain" layout="vertical" onFinish={explain} className="narrow-form">
        <Form.Item name="personId" label={t('explain.person')} extra={t('explain.person_hint')}>
          <PersonPicker />
        </Form.Item>
        <Form.Item
          name="permission"
          label={t('explain.permission')}
          rules={[{ required: true, message: t('field.reason.required') }]}
        >
          <FormSelect
            showSearch
            optionFilterProp="label"
            options={(permissions.data?.items ?? []).map((permission) => ({
              value: permission.name,
              label: `${permission.name} · ${locale === 'en' ? permission.descriptionEn : permission.descriptionZh}`,
            }))}
          />
        </Form.Item>
        <Form.Item name="orgUnit" label={t('explain.unit')} extra={t('explain.unit_hint')}>
          <OrgUnitPicker />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={asking}>
            {t('explain.submit')}
          </Button>
        </Form.Item>
      </Form>
      <ProblemAlert error={permissions.error} className="block-alert" />
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      <div role="status">
        {decision ? (
          <Alert
            type={decision.allowed ? 'success' : 'warning'}
            showIcon
            message={
              decision.allowed
                ? t('explain.allowed', { permission: decision.permission })
                : t('explain.denied', { permission: decision.permission })
            }
            description={`${decision.explanation}（${decision.reason}）`}
          />
        ) : null}
      </div>
      {decision && decision.grants.length > 0 ? (
        <CaptionedTable
          caption={t('explain.grants_caption')}
          rowKey="grantId"
          size="small"
          pagination={false}
          dataSource={decision.grants}
          columns={[
            { key: 'role', title: t('grant.role'), render: (_, grant) => <code>{grant.roleCode}</code> },
            { key: 'scope', title: t('grant.scope'), render: (_, grant) => <code>{grant.scopeOrgUnitCode}</code> },
            { key: 'via', title: t('explain.via'), render: (_, grant) => t(`explain.via.${grant.via}`) },
          ]}
        />
      ) : null}
    </section>
  );
}
