import { Checkbox, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import type { PostView } from '../../api-types';
import { OrgUnitPicker } from '../../components/OrgUnitPicker';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';

interface Values {
  orgUnitCode?: string;
  title?: string;
  validFrom?: string;
  isPrimary?: boolean;
}

/** Gives a person another post (in an active unit), primary or not. */
export function PostFormModal({
  personId,
  onClose,
  onSaved,
}: {
  personId: string;
  onClose(): void;
  onSaved(post: PostView): void;
}) {
  const { t } = useLocale();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();

  const save = async (values: Values) => {
    setSaving(true);
    setProblem(undefined);
    try {
      const post = await apiFetch<PostView>(`/api/directory/v1/people/${personId}/posts`, {
        method: 'POST',
        json: {
          orgUnitCode: values.orgUnitCode ?? '',
          title: values.title?.trim() ?? '',
          ...(values.validFrom ? { validFrom: values.validFrom } : {}),
          ...(values.isPrimary ? { isPrimary: true } : {}),
        },
      });
      onSaved(post);
    } catch (error) {
      const rest =
        error instanceof ApiProblem
          ? showFieldErrors(form, error, t, ['orgUnitCode', 'title', 'validFrom'])
          : undefined;
      setProblem({ error, rest });
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={t('person.assign_post')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      <Form form={form} name="post" layout="vertical" onFinish={save} requiredMark="optional">
        <Form.Item
          name="orgUnitCode"
          label={t('post.unit')}
          rules={[{ required: true, message: t('field.reason.required') }]}
        >
          <OrgUnitPicker />
        </Form.Item>
        <Form.Item
          name="title"
          label={t('post.title')}
          rules={[{ required: true, message: t('field.reason.required') }]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="validFrom" label={t('post.valid_from')} extra={t('post.valid_from_hint')}>
          <Input type="date" />
        </Form.Item>
        <Form.Item name="isPrimary" valuePropName="checked">
          <Checkbox>{t('post.make_primary_on_assign')}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}
