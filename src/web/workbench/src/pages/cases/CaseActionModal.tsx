import { Form, Input, Modal } from 'antd';
import { type ReactNode, useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import { FormCheckboxGroup } from '../../components/FormCheckboxGroup';
import { FormRadioGroup } from '../../components/FormRadioGroup';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';
import { type CaseView, caseApiPath, DELIVERY_METHODS, SPECIAL_KINDS } from './case-types';

/** The actions a modal asks a body for; receiving materials has a form of its own on the page. */
export const MODAL_ACTIONS = [
  'accept',
  'reject',
  'advance',
  'decide',
  'supplement',
  'supplement_complete',
  'special',
  'special_end',
  'complete',
  'deliver',
  'withdraw',
  'rate',
] as const;
export type ModalAction = (typeof MODAL_ACTIONS)[number];

/** Where each action is posted, under the case. */
const PATHS: Record<ModalAction, string[]> = {
  accept: ['accept'],
  reject: ['reject'],
  advance: ['advance'],
  decide: ['decide'],
  supplement: ['supplement'],
  supplement_complete: ['supplement', 'complete'],
  special: ['special'],
  special_end: ['special', 'end'],
  complete: ['complete'],
  deliver: ['deliver'],
  withdraw: ['withdraw'],
  rate: ['rating'],
};

/** The fields each action's body has, and which of them the contract requires. */
type Field =
  | 'opinion'
  | 'reason'
  | 'decision'
  | 'materialIndexes'
  | 'kind'
  | 'resultNumber'
  | 'method'
  | 'score'
  | 'comment';
const BODIES: Record<ModalAction, { fields: Field[]; required: Field[] }> = {
  accept: { fields: ['opinion'], required: [] },
  reject: { fields: ['reason'], required: ['reason'] },
  advance: { fields: ['opinion'], required: ['opinion'] },
  decide: { fields: ['decision', 'opinion'], required: ['decision', 'opinion'] },
  supplement: { fields: ['reason', 'materialIndexes'], required: ['reason', 'materialIndexes'] },
  supplement_complete: { fields: ['opinion'], required: [] },
  special: { fields: ['kind', 'reason'], required: ['kind', 'reason'] },
  special_end: { fields: ['opinion'], required: ['opinion'] },
  complete: { fields: ['resultNumber', 'opinion'], required: [] },
  deliver: { fields: ['method', 'opinion'], required: ['method'] },
  withdraw: { fields: ['reason'], required: ['reason'] },
  rate: { fields: ['score', 'comment'], required: ['score'] },
};

const SCORES = [5, 4, 3, 2, 1] as const;

type Values = Partial<Record<Field, unknown>>;

/** The body the server takes: trimmed texts, empty optional ones left out, the case's version when it has one. */
function bodyOf(action: ModalAction, values: Values, version: number): Record<string, unknown> {
  const body: Record<string, unknown> = action === 'rate' ? {} : { version };
  for (const field of BODIES[action].fields) {
    const value = values[field];
    if (typeof value === 'string') {
      if (value.trim() !== '') body[field] = value.trim();
    } else if (value !== undefined && value !== null) {
      body[field] = value;
    }
  }
  return body;
}

/**
 * One action on a case, in a modal asking for its body (opinion, reason, decision, kind, method, result
 * number, the materials to supplement, a rating), sent with the case's `version`. A version conflict
 * (someone acted first) or a wrong state goes back to the page, which reloads the case and says so;
 * other refusals stay here, marked on their fields.
 */
export function CaseActionModal({
  action,
  detail,
  onDone,
  onConflict,
  onClose,
}: {
  action: ModalAction;
  detail: CaseView;
  onDone(): void;
  onConflict(problem: ApiProblem): void;
  onClose(): void;
}) {
  const { t, locale } = useLocale();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();
  const { fields, required } = BODIES[action];

  const send = async (values: Values) => {
    setSaving(true);
    setProblem(undefined);
    try {
      await apiFetch(caseApiPath(detail.id, ...PATHS[action]), {
        method: 'POST',
        json: bodyOf(action, values, detail.version),
      });
      onDone();
    } catch (error) {
      setSaving(false);
      if (error instanceof ApiProblem && error.status === 409) {
        onConflict(error);
        return;
      }
      const rest = error instanceof ApiProblem ? showFieldErrors(form, error, t, fields) : undefined;
      setProblem({ error, rest });
    }
  };

  const rules = (field: Field) =>
    required.includes(field) ? [{ required: true, message: t('field.reason.required') }] : [];
  const item = (field: Field, control: ReactNode, extra?: string) =>
    fields.includes(field) ? (
      <Form.Item name={field} label={t(`cases.body.${field}`)} rules={rules(field)} extra={extra}>
        {control}
      </Form.Item>
    ) : null;

  return (
    <Modal
      open
      width={640}
      title={t('cases.action.title', { action: t(`cases.action.${action}`), number: detail.number })}
      okText={t(`cases.action.${action}`)}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      <Form<Values> form={form} name={`case-${action}`} layout="vertical" onFinish={send} requiredMark="optional">
        {item(
          'decision',
          <FormRadioGroup
            optionType="button"
            options={(['granted', 'refused'] as const).map((value) => ({ value, label: t(`cases.decision.${value}`) }))}
          />,
        )}
        {item(
          'kind',
          <FormRadioGroup options={SPECIAL_KINDS.map((value) => ({ value, label: t(`cases.pause.${value}`) }))} />,
        )}
        {item(
          'method',
          <FormRadioGroup
            options={DELIVERY_METHODS.map((value) => ({ value, label: t(`cases.delivery.${value}`) }))}
          />,
        )}
        {item(
          'materialIndexes',
          <FormCheckboxGroup
            className="checkbox-column"
            options={detail.checklist.map((line) => ({
              value: line.materialIndex,
              label: locale === 'en' ? line.nameEn : line.nameZh,
            }))}
          />,
        )}
        {item(
          'score',
          <FormRadioGroup
            className="checkbox-column"
            options={SCORES.map((value) => ({ value, label: t(`cases.score.${value}`) }))}
          />,
        )}
        {item('resultNumber', <Input autoComplete="off" maxLength={100} />, t('cases.body.result_number_hint'))}
        {item('reason', <Input.TextArea rows={3} maxLength={2000} showCount />)}
        {item('opinion', <Input.TextArea rows={3} maxLength={2000} showCount />)}
        {item('comment', <Input.TextArea rows={3} maxLength={1000} showCount />)}
      </Form>
    </Modal>
  );
}
