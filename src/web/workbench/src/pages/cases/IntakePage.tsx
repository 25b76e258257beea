import { Button, Form, Input, Space } from 'antd';
import { useMemo, useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import { FormRadioGroup } from '../../components/FormRadioGroup';
import { FormSelect } from '../../components/FormSelect';
import { PageTitle } from '../../components/PageTitle';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';
import { unitName } from '../../org-units';
import { casePathOf, navigate } from '../../router';
import { useSession } from '../../session-context';
import { useLoad } from '../../use-load';
import { APPLICANT_KINDS, type ApplicantKind, CASES_API, type CaseView, type ItemDetail } from './case-types';
import { ItemPicker } from './ItemPicker';
import { intakeCentres } from './intake-centres';
import { SchemaFields } from './SchemaFields';
import { describeSchema, fieldNamesOf, formDataOf } from './schema-form';
import { useUnitNames } from './unit-names';
import './cases.css';

interface Values {
  centreCode?: string;
  itemCode?: string;
  applicant?: { kind?: ApplicantKind; name?: string; idNumber?: string; mobile?: string };
  form?: Record<string, unknown>;
}

const FIXED_FIELDS = [
  'centreCode',
  'itemCode',
  'applicant',
  'applicant.kind',
  'applicant.name',
  'applicant.idNumber',
  'applicant.mobile',
  'form',
];

/**
 * 收件受理: a window clerk takes in an application at one of the centres they are granted: the item
 * (searched among those the centre may take), the applicant, and the item's application form rendered
 * from its JSON Schema. Creating the case opens its page, where the materials are received against
 * the checklist and the case is accepted (受理) or refused (不予受理).
 */
export function IntakePage() {
  const { t, locale } = useLocale();
  const { me } = useSession();
  const units = useUnitNames();
  const [form] = Form.useForm<Values>();
  const centreCode = Form.useWatch('centreCode', form);
  const itemCode = Form.useWatch('itemCode', form);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();

  const centres = useLoad(
    units.centres.length === 0 ? undefined : (signal) => intakeCentres(me.personId, units.centres, signal),
    [units.centres, me.personId],
  );
  const item = useLoad(
    itemCode
      ? (signal) => apiFetch<ItemDetail>(`/api/services/v1/items/${encodeURIComponent(itemCode)}`, { signal })
      : undefined,
    [itemCode],
  );
  const fields = useMemo(() => (item.data && itemCode ? describeSchema(item.data.form) : []), [item.data, itemCode]);

  const create = async (values: Values) => {
    setSaving(true);
    setProblem(undefined);
    try {
      const created = await apiFetch<CaseView>(`${CASES_API}/cases`, {
        method: 'POST',
        json: {
          itemCode: values.itemCode ?? '',
          centreCode: values.centreCode ?? '',
          applicant: {
            kind: values.applicant?.kind ?? 'citizen',
            name: values.applicant?.name?.trim() ?? '',
            idNumber: values.applicant?.idNumber?.trim().toUpperCase() ?? '',
            ...(values.applicant?.mobile?.trim() ? { mobile: values.applicant.mobile.trim() } : {}),
          },
          form: formDataOf(values.form),
        },
      });
      navigate(casePathOf(created.id));
    } catch (error) {
      const names = [...FIXED_FIELDS, ...fieldNamesOf(fields, 'form')];
      const rest = error instanceof ApiProblem ? showFieldErrors(form, error, t, names) : undefined;
      setProblem({ error, rest });
      setSaving(false);
    }
  };

  const required = [{ required: true, message: t('field.reason.required') }];
  const centreOptions = (centres.data ?? []).map((centre) => ({
    value: centre.code,
    label: `${unitName(centre, locale)} (${centre.code})`,
  }));

  return (
    <>
      <PageTitle>{t('cases.intake.title')}</PageTitle>
      <p className="hint-text">{t('cases.intake.lead')}</p>
      <ProblemAlert error={centres.error} className="block-alert" />
      {centres.data && centres.data.length === 0 ? (
        <p className="hint-text" role="status">
          {t('cases.intake.no_centre')}
        </p>
      ) : null}
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      <Form<Values>
        form={form}
        name="case-intake"
        layout="vertical"
        className="intake-form"
        initialValues={{ applicant: { kind: 'citizen' } }}
        onFinish={create}
        onValuesChange={(changed: Values) => {
          // Another centre may not take the chosen item; another item has another form.
          if ('centreCode' in changed) form.setFieldsValue({ itemCode: undefined, form: undefined });
          if ('itemCode' in changed) form.setFieldsValue({ form: undefined });
        }}
        requiredMark="optional"
      >
        <section aria-labelledby="intake-where" className="panel">
          <h2 id="intake-where" className="section-title">
            {t('cases.intake.where')}
          </h2>
          <Form.Item name="centreCode" label={t('cases.field.centre')} rules={required}>
            <FormSelect
              loading={centres.loading}
              options={centreOptions}
              placeholder={t('cases.intake.centre_pick')}
              className="wide-select"
            />
          </Form.Item>
          <Form.Item
            name="itemCode"
            label={t('cases.field.item')}
            rules={required}
            extra={centreCode ? t('cases.intake.item_hint') : t('cases.intake.centre_first')}
          >
            {centreCode ? <ItemPicker centre={centreCode} /> : <Input disabled />}
          </Form.Item>
          {item.data && itemCode ? (
            <p className="hint-text">
              {t('cases.intake.item_facts', {
                department: units.nameOf(item.data.departmentCode),
                days: item.data.promisedLimitDays,
                materials: item.data.materials.length,
              })}
            </p>
          ) : null}
          <ProblemAlert error={item.error} />
        </section>

        <section aria-labelledby="intake-applicant" className="panel">
          <h2 id="intake-applicant" className="section-title">
            {t('cases.intake.applicant')}
          </h2>
          <Form.Item name={['applicant', 'kind']} label={t('cases.applicant.kind')} rules={required}>
            <FormRadioGroup
              optionType="button"
              options={APPLICANT_KINDS.map((value) => ({ value, label: t(`cases.applicant.kind.${value}`) }))}
            />
          </Form.Item>
          <Space wrap align="start">
            <Form.Item name={['applicant', 'name']} label={t('cases.applicant.name')} rules={required}>
              <Input autoComplete="off" maxLength={200} className="medium-input" />
            </Form.Item>
            <Form.Item
              name={['applicant', 'idNumber']}
              label={t('cases.applicant.id_number')}
              rules={required}
              extra={t('cases.applicant.id_number_hint')}
            >
              <Input autoComplete="off" spellCheck={false} maxLength={18} className="medium-input" />
            </Form.Item>
            <Form.Item name={['applicant', 'mobile']} label={t('cases.applicant.mobile')}>
              <Input autoComplete="off" inputMode="tel" maxLength={11} className="medium-input" />
            </Form.Item>
          </Space>
        </section>

        {fields.length > 0 ? (
          <section aria-labelledby="intake-form" className="panel">
            <h2 id="intake-form" className="section-title">
              {t('cases.intake.form')}
            </h2>
            <SchemaFields fields={fields} prefix={['form']} />
          </section>
        ) : null}

        <Button type="primary" htmlType="submit" loading={saving}>
          {t('cases.intake.create')}
        </Button>
      </Form>
    </>
  );
}
