import { Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import { PERSON_STATUSES, type PersonStatus, type PersonView } from '../../api-types';
import { OrgUnitPicker } from '../../components/OrgUnitPicker';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';

type Mode = { kind: 'create'; orgUnitCode: string | undefined } | { kind: 'edit'; person: PersonView };

interface Values {
  staffNo?: string;
  name?: string;
  mobile?: string;
  email?: string;
  status?: PersonStatus;
  statusFrom?: string;
  firstPost?: { orgUnitCode?: string; title?: string; validFrom?: string };
}

const CREATE_FIELDS = [
  'staffNo',
  'name',
  'mobile',
  'email',
  'statusFrom',
  'firstPost.orgUnitCode',
  'firstPost.title',
  'firstPost.validFrom',
];
const EDIT_FIELDS = ['name', 'mobile', 'email', 'status', 'statusFrom'];

/**
 * Adds a person with their first post, or changes one's name, contact details or status. The
 * server's field errors land on the fields; the rest are listed above the form.
 */
export function PersonFormModal({
  mode,
  onClose,
  onSaved,
}: {
  mode: Mode;
  onClose(): void;
  onSaved(person: PersonView): void;
}) {
  const { t } = useLocale();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();
  const editing = mode.kind === 'edit' ? mode.person : undefined;

  const initialValues: Values = editing
    ? {
        name: editing.name,
        mobile: editing.mobile ?? '',
        email: editing.email ?? '',
        status: editing.status,
        statusFrom: editing.statusFrom,
      }
    : { firstPost: { orgUnitCode: mode.kind === 'create' ? mode.orgUnitCode : undefined } };

  const save = async (values: Values) => {
    setSaving(true);
    setProblem(undefined);
    try {
      const saved = editing
        ? await apiFetch<PersonView>(`/api/directory/v1/people/${editing.id}`, {
            method: 'PATCH',
            json: changedFields(editing, values),
          })
        : await apiFetch<PersonView>('/api/directory/v1/people', { method: 'POST', json: newPerson(values) });
      onSaved(saved);
    } catch (error) {
      const rest =
        error instanceof ApiProblem
          ? showFieldErrors(form, error, t, editing ? EDIT_FIELDS : CREATE_FIELDS)
          : undefined;
      setProblem({ error, rest });
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={editing ? t('person.edit_title') : t('person.create_title')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      <Form
        form={form}
        name="person"
        layout="vertical"
        initialValues={initialValues}
        onFinish={save}
        requiredMark="optional"
      >
        {editing ? null : (
          <Form.Item
            name="staffNo"
            label={t('person.staff_no')}
            rules={[{ required: true, message: t('field.reason.required') }]}
          >
            <Input autoComplete="off" />
          </Form.Item>
        )}
        <Form.Item
          name="name"
          label={t('person.name')}
          rules={[{ required: true, message: t('field.reason.required') }]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="mobile" label={t('person.mobile')}>
          <Input inputMode="tel" autoComplete="off" />
        </Form.Item>
        <Form.Item name="email" label={t('person.email')}>
          <Input type="email" autoComplete="off" />
        </Form.Item>
        {editing ? (
          <>
            <Form.Item name="status" label={t('person.status')} extra={t('person.status_left_hint')}>
              <Select options={PERSON_STATUSES.map((value) => ({ value, label: t(`person.status.${value}`) }))} />
            </Form.Item>
            <Form.Item name="statusFrom" label={t('person.status_from_label')}>
              <Input type="date" />
            </Form.Item>
          </>
        ) : (
          <fieldset className="form-fieldset">
            <legend>{t('person.first_post')}</legend>
            <Form.Item
              name={['firstPost', 'orgUnitCode']}
              label={t('post.unit')}
              rules={[{ required: true, message: t('field.reason.required') }]}
            >
              <OrgUnitPicker />
            </Form.Item>
            <Form.Item
              name={['firstPost', 'title']}
              label={t('post.title')}
              rules={[{ required: true, message: t('field.reason.required') }]}
            >
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item name={['firstPost', 'validFrom']} label={t('post.valid_from')} extra={t('post.valid_from_hint')}>
              <Input type="date" />
            </Form.Item>
          </fieldset>
        )}
      </Form>
    </Modal>
  );
}

function optional(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function newPerson(values: Values) {
  return {
    staffNo: values.staffNo?.trim() ?? '',
    name: values.name?.trim() ?? '',
    ...(optional(values.mobile) ? { mobile: optional(values.mobile) } : {}),
    ...(optional(values.email) ? { email: optional(values.email) } : {}),
    firstPost: {
      orgUnitCode: values.firstPost?.orgUnitCode ?? '',
      title: values.firstPost?.title?.trim() ?? '',
      ...(optional(values.firstPost?.validFrom) ? { validFrom: values.firstPost?.validFrom } : {}),
    },
  };
}

/** Only what changed goes out: the API keeps every field left out, and a patch must change something. */
function changedFields(person: PersonView, values: Values) {
  const patch: Record<string, string | null> = {};
  const name = values.name?.trim() ?? '';
  if (name !== person.name) patch.name = name;
  const mobile = optional(values.mobile) ?? null;
  if (mobile !== person.mobile) patch.mobile = mobile;
  const email = optional(values.email) ?? null;
  if (email !== person.email) patch.email = email;
  if (values.status && values.status !== person.status) patch.status = values.status;
  if (values.statusFrom && values.statusFrom !== person.statusFrom) patch.statusFrom = values.statusFrom;
  return Object.keys(patch).length > 0 ? patch : { name };
}
