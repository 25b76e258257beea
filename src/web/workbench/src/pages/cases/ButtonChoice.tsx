import { Radio } from 'antd';

/**
 * A small set of exclusive choices drawn as buttons (which grouping, which light), named for assistive
 * technology: the group is a radiogroup with a label, which antd's own group div cannot carry.
 */
export function ButtonChoice<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: Array<{ value: T; label: string }>;
  onChange(value: T): void;
}) {
  return (
    <div role="radiogroup" aria-label={label}>
      <Radio.Group
        optionType="button"
        value={value}
        onChange={(event) => onChange(event.target.value as T)}
        options={options}
      />
    </div>
  );
}
