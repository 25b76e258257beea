import { Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { apiFetch } from '../../api-client';
import type { GrantView } from '../../api-types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';

/** Revokes a live grant, with the reason kept in its history. */
export function RevokeDialog({
  grant,
  roleLabel,
  onClose,
  onRevoked,
}: {
  grant: GrantView;
  roleLabel: string;
  onClose(): void;
  onRevoked(): void;
}) {
  const { t } = useLocale();
  const [form] = Form.useForm<{ reason?: string }>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<unknown>();

  const revoke = async ({ reason }: { reason?: string }) => {
    setSaving(true);
    setProblem(undefined);
    try {
      await apiFetch(`/api/access/v1/grants/${grant.id}/revoke`, {
        method: 'POST',
        json: reason?.trim() ? { reason: reason.trim() } : {},
      });
      onRevoked();
    } catch (error) {
      setProblem(error);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={t('grant.revoke_title', { role: roleLabel, scope: grant.scopeOrgUnitCode })}
      okText={t('grant.revoke')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ProblemAlert error={problem} className="block-alert" />
      <Form form={form} name="revoke" layout="vertical" onFinish={revoke}>
        <Form.Item
          name="reason"
          label={t('grant.revoke_reason')}
          rules={[{ required: true, message: t('field.reason.required') }, { max: 500 }]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
