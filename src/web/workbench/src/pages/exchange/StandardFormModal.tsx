import { Form, Input, Radio } from 'antd';
import { useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import { CLASSIFICATIONS, type StandardView } from '../../api-types';
import { ActionModal } from '../../components/ActionModal';
import { OrgUnitPicker } from '../../components/OrgUnitPicker';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';

interface Values {
  code?: string;
  nameZh?: string;
  nameEn?: string;
  description?: string;
  ownerOrgUnitCode?: string;
  classification?: string;
}

const FIELDS: Array<keyof Values> = ['code', 'nameZh', 'nameEn', 'description', 'ownerOrgUnitCode', 'classification'];

/**
 * Registers a data standard, without versions yet (a draft is added next). The code and the owner
 * unit are fixed from then on; every bad field the service names is marked on its field, and the
 * first of them takes the focus.
 */
export function StandardFormModal({
  onClose,
  onCreated,
}: {
  onClose(): void;
  onCreated(standard: StandardView): void;
}) {
  const { t } = useLocale();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();

  const save = async (values: Values) => {
    setSaving(true);
    setProblem(undefined);
    try {
      onCreated(
        await apiFetch<StandardView>('/api/exchange/v1/standards', {
          method: 'POST',
          json: {
            code: values.code?.trim() ?? '',
            nameZh: values.nameZh?.trim() ?? '',
            nameEn: values.nameEn?.trim() ?? '',
            description: values.description?.trim() || null,
            ownerOrgUnitCode: values.ownerOrgUnitCode ?? '',
            classification: values.classification ?? '',
          },
        }),
      );
    } catch (error) {
      const rest = error instanceof ApiProblem ? showFieldErrors(form, error, t, FIELDS) : undefined;
      setProblem({ error, rest });
      const first = FIELDS.find((name) => form.getFieldError(name).length > 0);
      if (first) form.focusField(first);
    } finally {
      setSaving(false);
    }
  };

  const required = [{ required: true, message: t('field.reason.required') }];

  return (
    <ActionModal
      open
      width={720}
      title={t('exchange.standard.create_title')}
      okText={t('exchange.standard.create_submit')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      // The dialog takes the focus as it opens; the form starts at its first field.
      afterOpenChange={(open) => {
        if (open) form.focusField('code');
      }}
    >
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      <Form
        form={form}
        name="exchange-standard"
        layout="vertical"
        initialValues={{ classification: 'internal' }}
        onFinish={save}
        scrollToFirstError={{ focus: true }}
        requiredMark="optional"
      >
        <Form.Item
          name="code"
          label={t('exchange.standard.code')}
          rules={required}
          extra={t('exchange.standard.code_hint')}
        >
          <Input autoComplete="off" spellCheck={false} />
        </Form.Item>
        <Form.Item name="nameZh" label={t('exchange.name_zh')} rules={required}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="nameEn" label={t('exchange.name_en')} rules={required}>
          <Input autoComplete="off" lang="en" />
        </Form.Item>
        <Form.Item name="description" label={t('exchange.standard.description')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
        </Form.Item>
        <Form.Item
          name="ownerOrgUnitCode"
          label={t('exchange.owner')}
          rules={required}
          extra={t('exchange.standard.owner_hint')}
        >
          <OrgUnitPicker />
        </Form.Item>
        <Form.Item
          name="classification"
          label={t('exchange.classification')}
          extra={t('exchange.standard.classification_hint')}
        >
          <Radio.Group
            options={CLASSIFICATIONS.map((value) => ({ value, label: t(`exchange.classification.${value}`) }))}
            optionType="button"
          />
        </Form.Item>
      </Form>
    </ActionModal>
  );
}
