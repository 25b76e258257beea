import { Tree, type TreeDataNode } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { OrgUnit } from '../api-types';
import { useLocale } from '../locale-context';
import { fetchChildUnits, fetchRootUnits, unitName } from '../org-units';
import { ProblemAlert } from './ProblemAlert';

interface Loaded {
  units: Map<string, OrgUnit>;
  children: Map<string | null, string[]>;
}

/**
 * The organisation tree, loaded a level at a time as branches open. It sits in a section the caller
 * names with a heading.
 */
export function OrgUnitTree({ selected, onSelect }: { selected: string | undefined; onSelect(unit: OrgUnit): void }) {
  const { locale } = useLocale();
  const [loaded, setLoaded] = useState<Loaded>({ units: new Map(), children: new Map() });
  const [error, setError] = useState<unknown>();
  const [expanded, setExpanded] = useState<string[]>([]);

  const addChildren = useCallback((parent: string | null, units: OrgUnit[]) => {
    setLoaded((previous) => {
      const next: Loaded = { units: new Map(previous.units), children: new Map(previous.children) };
      for (const unit of units) next.units.set(unit.code, unit);
      next.children.set(
        parent,
        units.map((unit) => unit.code),
      );
      return next;
    });
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    fetchRootUnits(controller.signal)
      .then((roots) => {
        addChildren(null, roots);
        // The district opens at once: its departments and towns are what people look for.
        setExpanded(roots.map((root) => root.code));
      })
      .catch((failure: unknown) => controller.signal.aborted || setError(failure));
    return () => controller.abort();
  }, [addChildren]);

  const loadData = useCallback(
    async (node: TreeDataNode) => {
      const code = String(node.key);
      if (loaded.children.has(code)) return;
      try {
        addChildren(code, await fetchChildUnits(code));
      } catch (failure) {
        setError(failure);
      }
    },
    [loaded, addChildren],
  );

  const nodesOf = (parent: string | null): TreeDataNode[] =>
    (loaded.children.get(parent) ?? []).flatMap((code) => {
      const unit = loaded.units.get(code);
      if (!unit) return [];
      const children = loaded.children.get(code);
      return [
        {
          key: code,
          title: unitName(unit, locale),
          isLeaf: children !== undefined && children.length === 0,
          ...(children && children.length > 0 ? { children: nodesOf(code) } : {}),
        },
      ];
    });

  return (
    <div className="org-tree">
      <ProblemAlert error={error} />
      <Tree
        blockNode
        treeData={nodesOf(null)}
        loadData={loadData}
        expandedKeys={expanded}
        onExpand={(keys) => setExpanded(keys.map(String))}
        selectedKeys={selected ? [selected] : []}
        onSelect={(keys) => {
          const unit = loaded.units.get(String(keys[0]));
          if (unit) onSelect(unit);
        }}
      />
    </div>
  );
}
