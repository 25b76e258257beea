/**
 * The organisation tree: reads for every module (lists, one unit, a subtree to scope permissions by,
 * the path up to the district) and the one way to write it, `upsertOrgUnits`, which keeps the tree
 * whole. Writes carry no actor yet: they come with authentication (identity) and are in-process only.
 */

import type { Executor } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/database.js';
import { NotFoundError } from '../../platform/errors.js';
import './directory.messages.js';
import type { OrgUnit, OrgUnitChange, OrgUnitFields, OrgUnitInput, OrgUnitKind, OrgUnitStatus } from './org-unit.js';
import {
  countOrgUnits,
  insertOrgUnits,
  lockOrgTree,
  type OrgUnitRow,
  selectLineage,
  selectOrgUnit,
  selectOrgUnits,
  selectSubtree,
  updateOrgUnit,
} from './org-unit.repository.js';
import { planOrgUnitChanges } from './org-unit-plan.js';

export interface OrgUnitQuery {
  kinds?: readonly OrgUnitKind[] | undefined;
  /** Only the direct children of this unit. */
  parentCode?: string | undefined;
  status?: OrgUnitStatus | undefined;
  /** At most this many; all when absent. */
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface OrgUnitList {
  items: OrgUnit[];
  /** How many match the filters, whatever the page. */
  total: number;
}

export interface UpsertProgress {
  done: number;
  total: number;
}

export interface UpsertReport {
  created: number;
  updated: number;
  unchanged: number;
}

/** Inserts per statement: far below PostgreSQL's 65,535 bind parameters at 10 columns a unit. */
const INSERT_CHUNK = 500;

/**
 * The units that match, siblings by sort order then code, with the total for paging.
 * @example const { items, total } = await listOrgUnits(db, { kinds: ['town', 'street'], parentCode: 'HT' });
 */
export async function listOrgUnits(executor: Executor, query: OrgUnitQuery = {}): Promise<OrgUnitList> {
  const filter = { kinds: query.kinds, parentCode: query.parentCode, status: query.status };
  const items = await selectOrgUnits(executor, filter, { limit: query.limit, offset: query.offset });
  const total = query.limit === undefined && !query.offset ? items.length : await countOrgUnits(executor, filter);
  return { items, total };
}

/**
 * One unit by code.
 * @throws NotFoundError `directory.org_unit_not_found`
 * @example const district = await getOrgUnit(db, 'HT');
 */
export async function getOrgUnit(executor: Executor, code: string): Promise<OrgUnit> {
  const unit = await selectOrgUnit(executor, code);
  if (!unit) throw new NotFoundError('directory.org_unit_not_found', { code });
  return unit;
}

/**
 * The unit and everything below it, each unit before its children: what a permission granted on
 * the unit reaches.
 * @throws NotFoundError `directory.org_unit_not_found`
 * @example const scope = new Set((await orgSubtree(db, 'T01')).map((unit) => unit.id));
 */
export async function orgSubtree(executor: Executor, code: string): Promise<OrgUnit[]> {
  const units = await selectSubtree(executor, code);
  if (units.length === 0) throw new NotFoundError('directory.org_unit_not_found', { code });
  return units;
}

/**
 * The ancestors of a unit, the district first and the parent last; empty for the district.
 * @throws NotFoundError `directory.org_unit_not_found`
 * @example const breadcrumb = (await orgPath(db, 'C01')).map((unit) => unit.nameZh); // ['汇通区', '通衢街道']
 */
export async function orgPath(executor: Executor, code: string): Promise<OrgUnit[]> {
  const lineage = await selectLineage(executor, code);
  if (lineage.length === 0) throw new NotFoundError('directory.org_unit_not_found', { code });
  return lineage.slice(1).reverse();
}

/**
 * Creates a unit or replaces the one with its code, keeping the tree whole: a valid code and fields,
 * an existing parent of a compatible kind (a service centre under the district, a town or a street),
 * no cycle, one root, no active unit under a dissolved one.
 * @throws ValidationError, ConflictError
 * @example
 * const { unit, change } = await upsertOrgUnit(db, {
 *   code: 'D48', parentCode: 'HT', kind: 'department',
 *   nameZh: '汇通区数据局', nameEn: 'Huitong District Data Bureau', validFrom: '2024-01-01',
 * });
 */
export async function upsertOrgUnit(
  executor: Executor,
  input: OrgUnitInput,
): Promise<{ unit: OrgUnit; change: OrgUnitChange }> {
  return inTransaction(executor, async (tx) => {
    const report = await upsertOrgUnits(tx, [input]);
    const change: OrgUnitChange = report.created ? 'created' : report.updated ? 'updated' : 'unchanged';
    return { unit: await getOrgUnit(tx, input.code), change };
  });
}

/**
 * Creates or replaces many units in one transaction, by the same rules as `upsertOrgUnit`; inputs
 * may refer to parents that come later in the list. Rewriting what is stored changes nothing.
 * @example const report = await upsertOrgUnits(tx, units, { onProgress: ({ done, total }) => bar.update(done) });
 */
export async function upsertOrgUnits(
  executor: Executor,
  inputs: readonly OrgUnitInput[],
  options: { onProgress?: (progress: UpsertProgress) => void } = {},
): Promise<UpsertReport> {
  return inTransaction(executor, async (tx) => {
    await lockOrgTree(tx);
    const current = await selectOrgUnits(tx, {});
    const plan = planOrgUnitChanges(current, inputs);
    const progress = { done: plan.unchanged, total: inputs.length };
    options.onProgress?.({ ...progress });

    const ids = new Map(current.map((unit) => [unit.code, unit.id]));
    const rowOf = ({ parentCode, ...fields }: OrgUnitFields): OrgUnitRow => ({
      ...fields,
      // Parents are stored already or were inserted by an earlier batch (see planOrgUnitChanges).
      parentId: parentCode === null ? null : ids.get(parentCode)!,
    });
    for (const batch of plan.createBatches) {
      for (let start = 0; start < batch.length; start += INSERT_CHUNK) {
        const chunk = batch.slice(start, start + INSERT_CHUNK);
        for (const [code, id] of await insertOrgUnits(tx, chunk.map(rowOf))) ids.set(code, id);
        progress.done += chunk.length;
        options.onProgress?.({ ...progress });
      }
    }
    for (const { id, fields } of plan.updates) {
      await updateOrgUnit(tx, id, rowOf(fields));
      progress.done += 1;
      options.onProgress?.({ ...progress });
    }
    const created = plan.createBatches.reduce((sum, batch) => sum + batch.length, 0);
    return { created, updated: plan.updates.length, unchanged: plan.unchanged };
  });
}
