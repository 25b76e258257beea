import { Button, Form, Input, InputNumber } from 'antd';
import { useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import { CaptionedTable } from '../../components/CaptionedTable';
import { FormRadioGroup } from '../../components/FormRadioGroup';
import { FormSelect } from '../../components/FormSelect';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';
import { EmptyText } from '../exchange/exchange-tags';
import { type CaseView, type ChecklistLine, caseApiPath, type ReceivedMaterial } from './case-types';

/** What the "other" choice of the material list stands for: a document the checklist does not name. */
const OTHER = -1;

interface Values {
  materialIndex?: number;
  name?: string;
  form?: 'electronic' | 'original' | 'copy';
  copies?: number;
}

/**
 * The materials of a case: the item's checklist (each line received ✓ or missing, in words as well as
 * marks), what was received with its file to download, and — when the reader may receive materials
 * now — a form to receive one: a file uploaded as it is (its own Content-Type), or paper, original or
 * copy, with the number of copies.
 */
export function MaterialsSection({ detail, onReceived }: { detail: CaseView; onReceived(message: string): void }) {
  const { t, locale } = useLocale();
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const mayReceive = detail.allowedActions.includes('receive_material');

  return (
    <section aria-labelledby="case-materials" className="panel">
      <h2 id="case-materials" className="section-title">
        {t('cases.materials.title')}
      </h2>
      <CaptionedTable<ChecklistLine>
        caption={t('cases.checklist.caption')}
        rowKey="materialIndex"
        size="small"
        pagination={false}
        dataSource={detail.checklist}
        locale={{ emptyText: <EmptyText>{t('cases.checklist.empty')}</EmptyText> }}
        columns={[
          { key: 'n', title: t('cases.checklist.n'), render: (_, line) => line.materialIndex + 1 },
          {
            key: 'name',
            title: t('cases.checklist.name'),
            render: (_, line) => (locale === 'en' ? line.nameEn : line.nameZh),
          },
          {
            key: 'required',
            title: t('cases.checklist.required'),
            render: (_, line) => (line.required ? t('common.yes') : t('common.no')),
          },
          {
            key: 'received',
            title: t('cases.checklist.received'),
            render: (_, line) =>
              line.received ? (
                <span className="received">✓ {t('cases.checklist.is_received')}</span>
              ) : (
                <span className="missing">✗ {t('cases.checklist.missing')}</span>
              ),
          },
        ]}
      />
      <CaptionedTable<ReceivedMaterial>
        caption={t('cases.materials.caption', { count: detail.materials.length })}
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={detail.materials}
        className="section-gap"
        locale={{ emptyText: <EmptyText>{t('cases.materials.empty')}</EmptyText> }}
        columns={[
          { key: 'name', title: t('cases.checklist.name'), dataIndex: 'name' },
          { key: 'form', title: t('cases.materials.form'), render: (_, row) => t(`cases.material_form.${row.form}`) },
          { key: 'copies', title: t('cases.materials.copies'), dataIndex: 'copies', align: 'right' },
          {
            key: 'at',
            title: t('cases.materials.received_at'),
            render: (_, row) => dateTime.format(new Date(row.receivedAt)),
          },
          {
            key: 'file',
            title: t('cases.materials.file'),
            render: (_, row) =>
              row.form === 'electronic' ? (
                <a href={caseApiPath(detail.id, 'materials', row.id, 'content')} download={row.filename ?? undefined}>
                  {t('cases.materials.download', { name: row.filename ?? row.name })}
                </a>
              ) : (
                '—'
              ),
          },
        ]}
      />
      {mayReceive ? <ReceiveForm detail={detail} onReceived={onReceived} /> : null}
    </section>
  );
}

function ReceiveForm({ detail, onReceived }: { detail: CaseView; onReceived(message: string): void }) {
  const { t, locale } = useLocale();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('form', form);
  const materialIndex = Form.useWatch('materialIndex', form);
  const [file, setFile] = useState<File | null>(null);
  const [fileMissing, setFileMissing] = useState(false);
  // A file input cannot be cleared by setting its value: a new key gives a new, empty one.
  const [fileInput, setFileInput] = useState(0);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();

  const receive = async (values: Values) => {
    const index = values.materialIndex === OTHER ? null : (values.materialIndex ?? null);
    if (values.form === 'electronic' && !file) {
      setFileMissing(true);
      return;
    }
    setSaving(true);
    setProblem(undefined);
    try {
      if (values.form === 'electronic' && file) {
        await apiFetch(caseApiPath(detail.id, 'materials'), {
          method: 'POST',
          query: { materialIndex: index, filename: file.name },
          file: { body: file, contentType: file.type || 'application/octet-stream' },
        });
      } else {
        await apiFetch(caseApiPath(detail.id, 'materials', 'paper'), {
          method: 'POST',
          json: {
            materialIndex: index,
            ...(index === null ? { name: values.name?.trim() ?? '' } : {}),
            form: values.form,
            copies: values.copies ?? 1,
          },
        });
      }
      form.resetFields();
      setFile(null);
      setFileInput((n) => n + 1);
      onReceived(t('cases.materials.received_done'));
    } catch (error) {
      const rest =
        error instanceof ApiProblem
          ? showFieldErrors(form, error, t, ['materialIndex', 'name', 'form', 'copies'])
          : undefined;
      setProblem({ error, rest });
    } finally {
      setSaving(false);
    }
  };

  const required = [{ required: true, message: t('field.reason.required') }];
  return (
    <section aria-labelledby="case-receive" className="section-gap">
      <h3 id="case-receive" className="section-subtitle">
        {t('cases.materials.receive')}
      </h3>
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      <Form<Values>
        form={form}
        name="case-receive"
        layout="vertical"
        className="narrow-form"
        initialValues={{ form: 'electronic', copies: 1 }}
        onFinish={receive}
        requiredMark="optional"
      >
        <Form.Item name="materialIndex" label={t('cases.materials.which')} rules={required}>
          <FormSelect
            options={[
              ...detail.checklist.map((line) => ({
                value: line.materialIndex,
                label: `${line.materialIndex + 1}. ${locale === 'en' ? line.nameEn : line.nameZh}`,
              })),
              { value: OTHER, label: t('cases.materials.other') },
            ]}
          />
        </Form.Item>
        {materialIndex === OTHER ? (
          <Form.Item name="name" label={t('cases.materials.other_name')} rules={required}>
            <Input autoComplete="off" maxLength={200} />
          </Form.Item>
        ) : null}
        <Form.Item name="form" label={t('cases.materials.form')} rules={required}>
          <FormRadioGroup
            optionType="button"
            options={(['electronic', 'original', 'copy'] as const).map((value) => ({
              value,
              label: t(`cases.material_form.${value}`),
            }))}
          />
        </Form.Item>
        {kind === 'electronic' ? (
          <Form.Item
            label={t('cases.materials.file')}
            htmlFor="case-material-file"
            required
            validateStatus={fileMissing ? 'error' : undefined}
            help={fileMissing ? t('field.reason.required') : undefined}
          >
            <input
              key={fileInput}
              id="case-material-file"
              type="file"
              onChange={(event) => {
                setFile(event.target.files?.[0] ?? null);
                setFileMissing(false);
              }}
            />
          </Form.Item>
        ) : (
          <Form.Item name="copies" label={t('cases.materials.copies')} rules={required}>
            <InputNumber min={1} max={99} precision={0} />
          </Form.Item>
        )}
        <Button htmlType="submit" loading={saving}>
          {t('cases.materials.receive_submit')}
        </Button>
      </Form>
    </section>
  );
}
