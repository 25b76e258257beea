import { Radio, type RadioGroupProps } from 'antd';

/**
 * antd's Radio.Group for a required form field. Form.Item hands its control `aria-required`, which the
 * group puts on its plain div, where ARIA does not allow it (axe: aria-allowed-attr); as with
 * FormSelect, the field's label and the announced error say it is required instead.
 */
export function FormRadioGroup({
  'aria-required': _ariaRequired,
  ...props
}: RadioGroupProps & { 'aria-required'?: unknown }) {
  return <Radio.Group {...props} />;
}
