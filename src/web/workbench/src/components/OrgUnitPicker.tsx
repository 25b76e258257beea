import { TreeSelect } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { OrgUnit } from '../api-types';
import { useLocale } from '../locale-context';
import { fetchChildUnits, fetchRootUnits, unitName } from '../org-units';

interface PickerNode {
  id: string;
  pId: string | null;
  value: string;
  title: string;
  isLeaf?: boolean;
}

/**
 * Chooses one org unit from the tree, loading a level at a time. A form control: takes `value` and
 * `onChange` from Form.Item, and `id` so the item's label points at it.
 */
export function OrgUnitPicker({
  id,
  value,
  onChange,
  placeholder,
}: {
  id?: string;
  value?: string;
  onChange?: (code: string | undefined) => void;
  placeholder?: string;
}) {
  const { locale, t } = useLocale();
  const [nodes, setNodes] = useState<PickerNode[]>([]);
  // The district opens at once: its departments and towns are what people pick.
  const [expanded, setExpanded] = useState<string[]>([]);

  const toNodes = useCallback(
    (units: OrgUnit[]): PickerNode[] =>
      units.map((unit) => ({
        id: unit.code,
        pId: unit.parentCode,
        value: unit.code,
        title: `${unitName(unit, locale)} (${unit.code})`,
      })),
    [locale],
  );

  useEffect(() => {
    const controller = new AbortController();
    fetchRootUnits(controller.signal)
      .then(async (roots) => {
        const children = await Promise.all(roots.map((root) => fetchChildUnits(root.code, controller.signal)));
        setNodes([...toNodes(roots), ...toNodes(children.flat())]);
        setExpanded(roots.map((root) => root.code));
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [toNodes]);

  const loadData = async (node: { value?: unknown }) => {
    const parent = typeof node.value === 'string' ? node.value : undefined;
    if (!parent || nodes.some((candidate) => candidate.pId === parent)) return;
    const children = await fetchChildUnits(parent);
    setNodes((previous) => [
      ...previous.map((known) => (known.id === parent && children.length === 0 ? { ...known, isLeaf: true } : known)),
      ...toNodes(children).filter((child) => !previous.some((known) => known.id === child.id)),
    ]);
  };

  return (
    <TreeSelect
      id={id}
      value={value}
      onChange={(code: string | undefined) => onChange?.(code)}
      treeDataSimpleMode
      treeData={nodes}
      loadData={loadData}
      treeExpandedKeys={expanded}
      onTreeExpand={(keys) => setExpanded(keys.map(String))}
      showSearch
      treeNodeFilterProp="title"
      allowClear
      placeholder={placeholder ?? t('org_unit.pick')}
      style={{ width: '100%' }}
    />
  );
}
