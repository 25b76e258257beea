import { Select, type SelectProps } from 'antd';

/**
 * antd's Select for a required form field. Form.Item hands its control `aria-required`, which Select
 * puts on its outer div, where ARIA does not allow it (axe: aria-allowed-attr); the field's label and
 * the announced error say it is required instead.
 */
export function FormSelect({ 'aria-required': _ariaRequired, ...props }: SelectProps & { 'aria-required'?: unknown }) {
  return <Select {...props} />;
}
