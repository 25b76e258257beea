/**
 * Where a supervisor (or a department's handlers) may look: the units under the roots of their grants,
 * as a cut that lists and statistics apply to a case's department and centre. A grant at the district
 * root sees everything without a cut.
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Actor, Policy } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import { NotFoundError } from '../../platform/errors.js';
import { orgSubtree } from '../directory/index.js';

/** `everywhere`, or the codes of the units in scope (departments, centres and the rest of their subtrees). */
export type UnitCut = { everywhere: true } | { everywhere: false; units: string[] };

/**
 * The union of the scopes of `permissions`. Whoever holds none of them anywhere is refused with the
 * first one, so the refusal is audited as every other.
 * @throws ForbiddenError `access.denied`
 * @example const cut = await unitCutOf(db, actor, [CASES_SUPERVISE, CASES_HANDLE], policy);
 */
export async function unitCutOf(
  executor: Executor,
  actor: Actor,
  permissions: readonly [string, ...string[]],
  policy: Policy,
): Promise<UnitCut> {
  const roots = new Set<string>();
  for (const permission of permissions) {
    const scope = await policy.scopeOf(executor, actor, permission);
    if (scope.everywhere) return { everywhere: true };
    for (const code of scope.orgUnitCodes) roots.add(code);
  }
  if (roots.size === 0) {
    await policy.assertAllowed(executor, actor, permissions[0], null);
    return { everywhere: true }; // only a policy that allows what its scope denied gets here
  }
  const subtrees = await Promise.all([...roots].map((code) => subtreeOrNothing(executor, code)));
  return { everywhere: false, units: [...new Set(subtrees.flat().map((unit) => unit.code))] };
}

/**
 * The cut as SQL over rows with `department_code` and `centre_code` (a case, an alert, a tally) under
 * `alias`: the department or the centre is in scope.
 * @example query.where(unitCondition(cut))
 */
export function unitCondition(cut: UnitCut, alias = 'c'): RawBuilder<SqlBool> {
  if (cut.everywhere) return sql<SqlBool>`true`;
  if (cut.units.length === 0) return sql<SqlBool>`false`;
  const units = sql.join(cut.units);
  return sql<SqlBool>`(${sql.ref(`${alias}.department_code`)} in (${units}) or ${sql.ref(`${alias}.centre_code`)} in (${units}))`;
}

/** A grant on a unit since dissolved out of the tree reaches nothing. */
async function subtreeOrNothing(executor: Executor, code: string) {
  try {
    return await orgSubtree(executor, code);
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    throw error;
  }
}
