import { Checkbox } from 'antd';
import type { CheckboxGroupProps } from 'antd/es/checkbox';

/**
 * antd's Checkbox.Group for a required form field, without the `aria-required` Form.Item hands it:
 * the group puts it on a plain div, where ARIA does not allow it (axe: aria-allowed-attr).
 */
export function FormCheckboxGroup({
  'aria-required': _ariaRequired,
  ...props
}: CheckboxGroupProps<number> & { 'aria-required'?: unknown }) {
  return <Checkbox.Group {...props} />;
}
