import { Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import type { PostView } from '../../api-types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';

/** Ends a current post on a day (today when left empty); ending the primary promotes another. */
export function EndPostModal({
  personId,
  post,
  onClose,
  onEnded,
}: {
  personId: string;
  post: PostView;
  onClose(): void;
  onEnded(): void;
}) {
  const { t } = useLocale();
  const [form] = Form.useForm<{ validTo?: string }>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();

  const end = async ({ validTo }: { validTo?: string }) => {
    setSaving(true);
    setProblem(undefined);
    try {
      await apiFetch(`/api/directory/v1/people/${personId}/posts/${post.id}`, {
        method: 'DELETE',
        query: { validTo },
      });
      onEnded();
    } catch (error) {
      const rest = error instanceof ApiProblem ? showFieldErrors(form, error, t, ['validTo']) : undefined;
      setProblem({ error, rest });
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={t('post.end_title', { title: post.title, unit: post.orgUnitNameZh })}
      okText={t('post.end')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      {post.isPrimary ? <p>{t('post.end_primary_hint')}</p> : null}
      <Form form={form} name="end-post" layout="vertical" onFinish={end}>
        <Form.Item name="validTo" label={t('post.valid_to')} extra={t('post.valid_to_hint')}>
          <Input type="date" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
