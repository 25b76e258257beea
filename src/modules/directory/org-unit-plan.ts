/**
 * The rules of the organisation tree, applied to a snapshot of it: given the units as stored and the
 * units to write, either the writes that keep the tree whole or the first rule they break. One rule
 * set serves a single upsert and a batch (the demo seed), and it needs no SQL, because a district's
 * tree is small (hundreds to a few thousand units) and read in one query.
 */
import { ConflictError, type FieldError, ValidationError } from '../../platform/errors.js';
import {
  ORG_UNIT_CODE_PATTERN,
  ORG_UNIT_KINDS,
  ORG_UNIT_STATUSES,
  type OrgUnit,
  type OrgUnitFields,
  type OrgUnitInput,
  PARENT_KINDS,
} from './org-unit.js';

export interface OrgUnitPlan {
  /** New units in batches: a unit's parent is stored already or comes in an earlier batch. */
  createBatches: OrgUnitFields[][];
  /** Stored units whose fields change. */
  updates: Array<{ id: string; fields: OrgUnitFields }>;
  /** Inputs identical to what is stored. */
  unchanged: number;
}

const NAME_MAX = 200;
const SHORT_NAME_MAX = 50;
const SORT_ORDER_MAX = 1_000_000;

/**
 * Validates `inputs` against the tree `current` and returns what to write. Field errors point into
 * the input (`/parentCode`), or into the list when there are several (`/3/parentCode`).
 * @example
 * const plan = planOrgUnitChanges(await selectOrgUnits(tx, {}), [
 *   { code: 'D48', parentCode: 'HT', kind: 'department', nameZh: '汇通区数据局', nameEn: 'Huitong District Data Bureau', validFrom: '2024-01-01' },
 * ]);
 */
export function planOrgUnitChanges(current: readonly OrgUnit[], inputs: readonly OrgUnitInput[]): OrgUnitPlan {
  const pointer = (index: number, field: string) => (inputs.length === 1 ? `/${field}` : `/${index}/${field}`);
  const wanted = normalise(inputs, pointer);
  const stored = new Map(current.map((unit) => [unit.code, unit]));
  const tree = new Map<string, OrgUnitFields>(current.map((unit) => [unit.code, unit]));
  for (const fields of wanted) tree.set(fields.code, fields);
  checkStructure(wanted, tree, pointer);

  const plan: OrgUnitPlan = { createBatches: [], updates: [], unchanged: 0 };
  const created = new Set<string>();
  for (const fields of wanted) {
    const existing = stored.get(fields.code);
    if (!existing) created.add(fields.code);
    else if (sameFields(existing, fields)) plan.unchanged += 1;
    else plan.updates.push({ id: existing.id, fields });
  }
  plan.createBatches = inCreationOrder(
    wanted.filter((fields) => created.has(fields.code)),
    created,
  );
  return plan;
}

/** Applies defaults, trims names and checks each input on its own; all field errors at once. */
function normalise(inputs: readonly OrgUnitInput[], pointer: (index: number, field: string) => string) {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const wanted = inputs.map((input, index): OrgUnitFields => {
    const fail = (field: string, reason: string) => errors.push({ pointer: pointer(index, field), reason });
    const fields: OrgUnitFields = {
      code: input.code,
      parentCode: input.parentCode,
      kind: input.kind,
      nameZh: input.nameZh.trim(),
      nameEn: input.nameEn.trim(),
      shortNameZh: input.shortNameZh?.trim() || null,
      sortOrder: input.sortOrder ?? 0,
      status: input.status ?? 'active',
      validFrom: input.validFrom,
    };
    if (!ORG_UNIT_CODE_PATTERN.test(fields.code)) fail('code', 'pattern');
    else if (seen.has(fields.code)) fail('code', 'duplicate');
    seen.add(fields.code);
    if (!ORG_UNIT_KINDS.includes(fields.kind)) fail('kind', 'enum');
    else if (fields.kind === 'district' && fields.parentCode !== null) fail('parentCode', 'must_be_null');
    else if (fields.kind !== 'district' && fields.parentCode === null) fail('parentCode', 'required');
    if (!fields.nameZh || fields.nameZh.length > NAME_MAX) fail('nameZh', 'length');
    if (!fields.nameEn || fields.nameEn.length > NAME_MAX) fail('nameEn', 'length');
    if (fields.shortNameZh && fields.shortNameZh.length > SHORT_NAME_MAX) fail('shortNameZh', 'length');
    if (!Number.isInteger(fields.sortOrder) || fields.sortOrder < 0 || fields.sortOrder > SORT_ORDER_MAX) {
      fail('sortOrder', 'range');
    }
    if (!ORG_UNIT_STATUSES.includes(fields.status)) fail('status', 'enum');
    if (!isCivilDate(fields.validFrom)) fail('validFrom', 'date');
    return fields;
  });
  if (errors.length) throw new ValidationError('directory.org_unit_invalid', errors, { count: errors.length });
  return wanted;
}

/** The rules between units, checked on the tree as it would be after the writes. */
function checkStructure(
  wanted: readonly OrgUnitFields[],
  tree: ReadonlyMap<string, OrgUnitFields>,
  pointer: (index: number, field: string) => string,
): void {
  const children = new Map<string, OrgUnitFields[]>();
  for (const unit of tree.values()) {
    if (unit.parentCode === null) continue;
    const siblings = children.get(unit.parentCode) ?? [];
    siblings.push(unit);
    children.set(unit.parentCode, siblings);
  }
  const roots = [...tree.values()].filter((unit) => unit.parentCode === null);

  wanted.forEach((unit, index) => {
    const { code, kind } = unit;
    if (unit.parentCode === null) {
      const other = roots.find((root) => root.code !== code);
      if (other) throw new ConflictError('directory.root_exists', { code, rootCode: other.code });
    } else {
      const parentCode = unit.parentCode;
      const parent = tree.get(parentCode);
      const at = [{ pointer: pointer(index, 'parentCode'), reason: 'not_found' }];
      if (!parent) throw new ValidationError('directory.parent_not_found', at, { code, parentCode });
      if (!PARENT_KINDS[kind].includes(parent.kind)) {
        throw new ValidationError(
          'directory.parent_kind_mismatch',
          [{ pointer: pointer(index, 'parentCode'), reason: 'kind_mismatch' }],
          { code, kind, parentCode, parentKind: parent.kind },
        );
      }
      if (formsCycle(unit, tree)) {
        throw new ValidationError(
          'directory.org_unit_cycle',
          [{ pointer: pointer(index, 'parentCode'), reason: 'cycle' }],
          {
            code,
            parentCode,
          },
        );
      }
      if (unit.status === 'active' && parent.status !== 'active') {
        throw new ConflictError('directory.parent_dissolved', { code, parentCode });
      }
    }
    for (const child of children.get(code) ?? []) {
      if (!PARENT_KINDS[child.kind].includes(kind)) {
        throw new ValidationError(
          'directory.children_kind_mismatch',
          [{ pointer: pointer(index, 'kind'), reason: 'children_kind_mismatch' }],
          { code, kind, childCode: child.code, childKind: child.kind },
        );
      }
      if (unit.status !== 'active' && child.status === 'active') {
        throw new ConflictError('directory.active_children', { code, childCode: child.code });
      }
    }
  });
}

/** True when walking up from `unit` comes back to it. */
function formsCycle(unit: OrgUnitFields, tree: ReadonlyMap<string, OrgUnitFields>): boolean {
  let parentCode = unit.parentCode;
  // The tree has `tree.size` units, so a walk longer than that is going round in circles.
  for (let steps = 0; parentCode !== null && steps <= tree.size; steps += 1) {
    if (parentCode === unit.code) return true;
    parentCode = tree.get(parentCode)?.parentCode ?? null;
  }
  return parentCode !== null;
}

/** Groups new units so each one's parent is stored already or created in an earlier group. */
function inCreationOrder(creates: readonly OrgUnitFields[], created: ReadonlySet<string>): OrgUnitFields[][] {
  const byCode = new Map(creates.map((unit) => [unit.code, unit]));
  const levels = new Map<string, number>();
  const levelOf = (unit: OrgUnitFields): number => {
    const known = levels.get(unit.code);
    if (known !== undefined) return known;
    const parent = unit.parentCode !== null && created.has(unit.parentCode) ? byCode.get(unit.parentCode) : undefined;
    const level = parent ? levelOf(parent) + 1 : 0;
    levels.set(unit.code, level);
    return level;
  };
  const batches: OrgUnitFields[][] = [];
  for (const unit of creates) {
    const batch = batches[levelOf(unit)] ?? [];
    batch.push(unit);
    batches[levelOf(unit)] = batch;
  }
  return batches;
}

function sameFields(a: OrgUnitFields, b: OrgUnitFields): boolean {
  return (
    a.parentCode === b.parentCode &&
    a.kind === b.kind &&
    a.nameZh === b.nameZh &&
    a.nameEn === b.nameEn &&
    a.shortNameZh === b.shortNameZh &&
    a.sortOrder === b.sortOrder &&
    a.status === b.status &&
    a.validFrom === b.validFrom
  );
}

function isCivilDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  // Date.UTC rolls 2023-02-30 over to March; a real date survives the round trip.
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
