import { Checkbox, Form, Input, InputNumber } from 'antd';
import { FormRadioGroup } from '../../components/FormRadioGroup';
import { FormSelect } from '../../components/FormSelect';
import { useLocale } from '../../locale-context';
import type { SchemaField } from './schema-form';

/** More choices than this read better as a drop-down than as a row of radio buttons. */
const RADIO_LIMIT = 4;

/**
 * An item's application form as antd fields under `prefix` (`['form']`): each with its label (the
 * schema's title, in the reader's language), its hint, a required mark, and the server's refusal
 * shown on it (field-errors.ts marks `/form/applicant/name` on `form.applicant.name`). Groups are
 * fieldsets named by a legend.
 */
export function SchemaFields({ fields, prefix }: { fields: SchemaField[]; prefix: string[] }) {
  return (
    <>
      {fields.map((field) => (
        <SchemaFieldItem key={field.path.join('.')} field={field} prefix={prefix} requiredHere />
      ))}
    </>
  );
}

function SchemaFieldItem({
  field,
  prefix,
  requiredHere,
}: {
  field: SchemaField;
  prefix: string[];
  /** Whether every group around the field is required: an optional group's fields are optional. */
  requiredHere: boolean;
}) {
  const { t, locale } = useLocale();
  const title = locale === 'en' ? field.titleEn : field.titleZh;
  const hint = locale === 'en' ? field.hintEn : field.hintZh;
  const required = requiredHere && field.required;
  const name = [...prefix, ...field.path];

  if (field.kind === 'group') {
    return (
      <fieldset className="form-fieldset">
        <legend>{title}</legend>
        {hint ? <p className="hint-text">{hint}</p> : null}
        {field.fields.map((inner) => (
          <SchemaFieldItem key={inner.path.join('.')} field={inner} prefix={prefix} requiredHere={required} />
        ))}
      </fieldset>
    );
  }

  const rules = required ? [{ required: true, message: t('field.reason.required') }] : [];
  const common = { name, label: title, extra: hint ?? undefined, rules };
  switch (field.kind) {
    case 'boolean':
      return (
        <Form.Item {...common} valuePropName="checked" rules={[]}>
          <Checkbox />
        </Form.Item>
      );
    case 'number':
    case 'integer':
      return (
        <Form.Item {...common}>
          <InputNumber
            className="number-input"
            precision={field.kind === 'integer' ? 0 : undefined}
            min={field.minimum ?? undefined}
            max={field.maximum ?? undefined}
          />
        </Form.Item>
      );
    case 'choice':
      return (
        <Form.Item {...common}>
          {field.options.length <= RADIO_LIMIT ? (
            <FormRadioGroup options={field.options.map((value) => ({ value, label: value }))} />
          ) : (
            <FormSelect allowClear options={field.options.map((value) => ({ value, label: value }))} />
          )}
        </Form.Item>
      );
    case 'date':
      return (
        <Form.Item {...common}>
          <Input type="date" className="date-input" />
        </Form.Item>
      );
    case 'email':
      return (
        <Form.Item {...common}>
          <Input type="email" autoComplete="off" maxLength={field.maxLength ?? undefined} />
        </Form.Item>
      );
    default:
      return (
        <Form.Item {...common}>
          <Input autoComplete="off" maxLength={field.maxLength ?? undefined} />
        </Form.Item>
      );
  }
}
