import { Alert, Button, Form, Input, Radio, Select, Space } from 'antd';
import { useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import {
  CSV_DELIMITERS,
  type DryRunResult,
  MAPPING_DIRECTIONS,
  type MappingDirection,
  type MappingOptions,
  type MappingView,
  NATIVE_FORMATS,
  type NativeFormat,
  type StandardView,
} from '../../api-types';
import { BusyButton } from '../../components/BusyButton';
import { CaptionedTable } from '../../components/CaptionedTable';
import { FormSelect } from '../../components/FormSelect';
import { LiveStatus } from '../../components/LiveStatus';
import { ProblemAlert } from '../../components/ProblemAlert';
import { reasonText, showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';
import { CodeBlock } from './CodeBlock';
import { nameIn } from './exchange-tags';

interface Values {
  standard?: string;
  version?: number;
  direction?: MappingDirection;
  format?: NativeFormat;
  expression?: string;
  options?: MappingOptions;
  sample?: string;
}

const FIELDS = [
  'standard',
  'version',
  'direction',
  'format',
  'expression',
  'options.xmlRootElement',
  'options.csvDelimiter',
  'sample',
];

/** The sample as the dry run takes it: text for native XML and CSV, a JSON value otherwise. */
function sampleOf(values: Values): { ok: true; sample: unknown } | { ok: false } {
  const text = values.sample ?? '';
  if (values.direction === 'inbound' && values.format !== 'json') return { ok: true, sample: text };
  try {
    return { ok: true, sample: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Only the options the chosen format uses: the service refuses none, but stores what it is given. */
function optionsOf(values: Values): MappingOptions {
  const options: MappingOptions = {};
  const root = values.options?.xmlRootElement?.trim();
  if (values.format === 'xml' && root) options.xmlRootElement = root;
  if (values.format === 'csv' && values.options?.csvDelimiter) options.csvDelimiter = values.options.csvDelimiter;
  return options;
}

/**
 * One mapping of a member, new or saved: the standard version, direction and native format, the
 * JSONata expression, and a sample to try it on. The dry run stores nothing and shows the mapped
 * result, or the mapping's errors and (inbound) the standard's validation errors, field by field.
 */
export function MappingEditor({
  memberId,
  mapping,
  standards,
  mayManage,
  onClose,
  onSaved,
}: {
  memberId: string;
  mapping: MappingView | undefined;
  standards: StandardView[];
  mayManage: boolean;
  onClose(): void;
  onSaved(saved: MappingView): void;
}) {
  const { t, locale } = useLocale();
  const [form] = Form.useForm<Values>();
  const standard = Form.useWatch('standard', form);
  const watchedDirection = Form.useWatch('direction', form);
  // A saved mapping's key (standard, version, direction) is fixed: shown as text, not as disabled fields.
  const direction = mapping?.direction ?? watchedDirection;
  const format = Form.useWatch('format', form);
  const [busy, setBusy] = useState<'dry-run' | 'save' | undefined>();
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();
  const [dryRun, setDryRun] = useState<DryRunResult | undefined>();
  const savedStandard = mapping && standards.find((candidate) => candidate.code === mapping.standard);
  const versions = standards.find((candidate) => candidate.code === standard)?.versions ?? [];

  const initialValues: Values = mapping
    ? {
        standard: mapping.standard,
        version: mapping.version,
        direction: mapping.direction,
        format: mapping.format,
        expression: mapping.expression,
        options: mapping.options,
        sample: '',
      }
    : { direction: 'inbound', format: 'json', expression: '', sample: '' };

  /** The form's values with a saved mapping's fixed key. */
  const withKey = (values: Values): Values =>
    mapping
      ? { ...values, standard: mapping.standard, version: mapping.version, direction: mapping.direction }
      : values;

  const fail = (error: unknown) => {
    const rest = error instanceof ApiProblem ? showFieldErrors(form, error, t, FIELDS) : undefined;
    setProblem({ error, rest });
  };

  const runDry = async () => {
    setProblem(undefined);
    setDryRun(undefined);
    let values: Values;
    try {
      values = withKey(await form.validateFields());
    } catch {
      return;
    }
    const sample = sampleOf(values);
    if (!sample.ok) {
      form.setFields([{ name: 'sample', errors: [t('exchange.mapping.sample_not_json')] }]);
      return;
    }
    setBusy('dry-run');
    try {
      setDryRun(
        await apiFetch<DryRunResult>('/api/exchange/v1/mappings/dry-run', {
          method: 'POST',
          json: {
            memberId,
            standard: values.standard,
            version: values.version,
            direction: values.direction,
            format: values.format,
            expression: values.expression,
            options: optionsOf(values),
            sample: sample.sample,
          },
        }),
      );
    } catch (error) {
      fail(error);
    } finally {
      setBusy(undefined);
    }
  };

  const save = async () => {
    setProblem(undefined);
    let values: Values;
    try {
      values = withKey(await form.validateFields());
    } catch {
      return;
    }
    setBusy('save');
    try {
      const path = [memberId, 'mappings', values.standard ?? '', String(values.version), values.direction ?? '']
        .map(encodeURIComponent)
        .join('/');
      onSaved(
        await apiFetch<MappingView>(`/api/exchange/v1/members/${path}`, {
          method: 'PUT',
          json: { format: values.format, expression: values.expression, options: optionsOf(form.getFieldsValue()) },
        }),
      );
    } catch (error) {
      fail(error);
    } finally {
      setBusy(undefined);
    }
  };

  const required = [{ required: true, message: t('field.reason.required') }];

  return (
    <section aria-labelledby="exchange-mapping-editor-title" className="panel">
      <div className="section-head">
        <h2 id="exchange-mapping-editor-title" className="section-title">
          {mapping
            ? t('exchange.mapping.edit_title', {
                standard: mapping.standard,
                version: mapping.version,
                revision: mapping.revision,
              })
            : t('exchange.mappings.new')}
        </h2>
        <Button onClick={onClose}>{t('common.close')}</Button>
      </div>
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      <Form form={form} name="exchange-mapping" layout="vertical" initialValues={initialValues} requiredMark="optional">
        {mapping ? (
          <p>
            {t('exchange.mapping.key', {
              standard: savedStandard ? nameIn(locale, savedStandard) : mapping.standard,
              version: mapping.version,
              direction: t(`exchange.direction.${mapping.direction}`),
            })}
          </p>
        ) : null}
        <Space wrap align="start">
          {mapping ? null : (
            <>
              <Form.Item name="standard" label={t('exchange.standard')} rules={required}>
                <FormSelect
                  showSearch
                  optionFilterProp="label"
                  style={{ minWidth: 280 }}
                  onChange={() => form.setFieldValue('version', undefined)}
                  options={standards.map((candidate) => ({
                    value: candidate.code,
                    label: `${nameIn(locale, candidate)} (${candidate.code})`,
                  }))}
                />
              </Form.Item>
              <Form.Item name="version" label={t('exchange.version')} rules={required}>
                <FormSelect
                  style={{ minWidth: 120 }}
                  options={versions.map((row) => ({ value: row.version, label: `v${row.version}` }))}
                />
              </Form.Item>
              {/* Always set (it starts at inbound), so no required rule: antd would put aria-required on the group's div. */}
              <Form.Item name="direction" label={t('exchange.mapping.direction')}>
                <Radio.Group
                  optionType="button"
                  options={MAPPING_DIRECTIONS.map((value) => ({ value, label: t(`exchange.direction.${value}`) }))}
                />
              </Form.Item>
            </>
          )}
          <Form.Item name="format" label={t('exchange.mapping.format')}>
            <Radio.Group
              optionType="button"
              options={NATIVE_FORMATS.map((value) => ({ value, label: t(`exchange.format.${value}`) }))}
            />
          </Form.Item>
          {format === 'xml' && direction === 'outbound' ? (
            <Form.Item
              name={['options', 'xmlRootElement']}
              label={t('exchange.mapping.xml_root')}
              extra={t('exchange.mapping.xml_root_hint')}
            >
              <Input spellCheck={false} />
            </Form.Item>
          ) : null}
          {format === 'csv' ? (
            <Form.Item name={['options', 'csvDelimiter']} label={t('exchange.mapping.csv_delimiter')}>
              <Select
                allowClear
                style={{ minWidth: 160 }}
                placeholder={t('exchange.csv_delimiter.,')}
                options={CSV_DELIMITERS.map((value) => ({ value, label: t(`exchange.csv_delimiter.${value}`) }))}
              />
            </Form.Item>
          ) : null}
        </Space>
        <Form.Item
          name="expression"
          label={t('exchange.mapping.expression')}
          rules={required}
          extra={t(
            direction === 'outbound' ? 'exchange.mapping.expression_hint_out' : 'exchange.mapping.expression_hint_in',
          )}
        >
          <Input.TextArea rows={8} spellCheck={false} className="code-input" readOnly={!mayManage} />
        </Form.Item>
        <Form.Item
          name="sample"
          label={t('exchange.mapping.sample')}
          extra={t(
            direction === 'outbound'
              ? 'exchange.mapping.sample_hint_out'
              : format === 'json'
                ? 'exchange.mapping.sample_hint_json'
                : 'exchange.mapping.sample_hint_text',
          )}
        >
          <Input.TextArea rows={8} spellCheck={false} className="code-input" />
        </Form.Item>
        <Space wrap>
          <BusyButton onClick={runDry} busy={busy === 'dry-run'}>
            {t('exchange.mapping.dry_run')}
          </BusyButton>
          {mayManage ? (
            <BusyButton type="primary" onClick={save} busy={busy === 'save'}>
              {t('exchange.mapping.save')}
            </BusyButton>
          ) : null}
        </Space>
      </Form>
      <LiveStatus
        message={
          dryRun
            ? dryRun.ok
              ? t('exchange.mapping.dry_run_ok')
              : t('exchange.mapping.dry_run_failed', { count: dryRun.errors.length })
            : undefined
        }
      />
      {dryRun ? <DryRunView result={dryRun} /> : null}
    </section>
  );
}

/** The dry run's answer: the mapped result, or each error with where it is. */
function DryRunView({ result }: { result: DryRunResult }) {
  const { t } = useLocale();
  const outbound =
    typeof result.result === 'object' &&
    result.result !== null &&
    'body' in result.result &&
    'contentType' in result.result
      ? (result.result as { contentType: string; body: string })
      : undefined;
  return (
    <>
      <h3 className="section-subtitle">{t('exchange.mapping.result_title')}</h3>
      {result.ok ? (
        <Alert
          type="success"
          showIcon
          className="block-alert"
          message={t('exchange.mapping.dry_run_ok')}
          description={
            result.schemaChecked ? t('exchange.mapping.schema_checked') : t('exchange.mapping.schema_not_checked')
          }
        />
      ) : (
        <Alert
          type="error"
          showIcon
          className="block-alert"
          message={t('exchange.mapping.dry_run_failed', { count: result.errors.length })}
        />
      )}
      {result.errors.length > 0 ? (
        <CaptionedTable
          caption={t('exchange.mapping.errors_caption')}
          rowKey={(error) => `${error.pointer}:${error.reason}`}
          size="small"
          pagination={false}
          dataSource={result.errors}
          columns={[
            {
              key: 'pointer',
              title: t('exchange.mapping.error_where'),
              render: (_, error) => <code>{error.pointer || '/'}</code>,
            },
            { key: 'reason', title: t('exchange.mapping.error_why'), render: (_, error) => reasonText(t, error) },
          ]}
        />
      ) : null}
      {result.result !== undefined ? (
        <>
          {outbound ? (
            <p>
              {t('exchange.mapping.content_type')} <code>{outbound.contentType}</code>
            </p>
          ) : null}
          <CodeBlock label={t('exchange.mapping.result_title')}>
            {outbound ? outbound.body : JSON.stringify(result.result, null, 2)}
          </CodeBlock>
        </>
      ) : null}
    </>
  );
}
