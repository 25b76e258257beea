/**
 * Who may read and change which people, asked of the platform's Policy (the access module implements
 * it). A person is reached through the units of their current posts: reading them needs
 * `directory.read` over any of those units, changing a post needs `directory.manage` over its unit
 * (services say which units each change touches). A person without a current post belongs to no unit,
 * so the question is asked platform-wide (`null`: a grant at the district root).
 */
import type { Actor, Policy } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import { ForbiddenError } from '../../platform/errors.js';
import type { OrgUnit } from './org-unit.js';
import { selectOrgUnits } from './org-unit.repository.js';
import type { Post } from './person.js';

export const DIRECTORY_READ = 'directory.read';
export const DIRECTORY_MANAGE = 'directory.manage';

/** Who acts and the policy that decides what it may do: every directory service that reads for someone or changes anything takes both. */
export interface Acting {
  actor: Actor;
  policy: Policy;
}

/** A unit a permission is asked about, or null for the platform-wide question. */
export type UnitAsked = string | null;

/**
 * The units a question about a person is asked over: those of their current posts, or platform-wide
 * for someone without one.
 * @example unitsOfPerson(person.posts); // ['D01', 'C03']
 */
export function unitsOfPerson(posts: readonly Pick<Post, 'orgUnitCode'>[]): UnitAsked[] {
  const codes = [...new Set(posts.map((post) => post.orgUnitCode))];
  return codes.length > 0 ? codes : [null];
}

/**
 * Throws (the policy's `access.denied`) unless the actor holds `permission` over every unit, asking
 * only about units not in `alreadyAsked`; returns every unit asked so far. A service asks before its
 * transaction, then again under its locks for units that appeared meanwhile (usually none), so a
 * refusal is never decided while a transaction holds the database.
 * @example const asked = await assertAllowedOverEach(db, acting, DIRECTORY_MANAGE, ['D01']);
 */
export async function assertAllowedOverEach(
  executor: Executor,
  acting: Acting,
  permission: string,
  units: readonly UnitAsked[],
  alreadyAsked: ReadonlySet<UnitAsked> = new Set(),
): Promise<Set<UnitAsked>> {
  const asked = new Set(alreadyAsked);
  for (const unit of units) {
    if (asked.has(unit)) continue;
    await acting.policy.assertAllowed(executor, acting.actor, permission, unit);
    asked.add(unit);
  }
  return asked;
}

/**
 * Whether the actor holds `permission` over at least one of the units (a decision only: nothing is
 * refused or recorded).
 * @example const revealed = await allowedOverAny(db, acting, DIRECTORY_MANAGE, unitsOfPerson(person.posts));
 */
export async function allowedOverAny(
  executor: Executor,
  acting: Acting,
  permission: string,
  units: readonly UnitAsked[],
): Promise<boolean> {
  for (const unit of units) {
    if ((await acting.policy.authorize(executor, acting.actor, permission, unit)).allowed) return true;
  }
  return false;
}

/**
 * Throws unless the actor holds `permission` over at least one of the units. The refusal is the
 * policy's own (asked about the first unit), so it is explained and recorded as any other.
 * @example await assertAllowedOverAny(db, acting, DIRECTORY_READ, unitsOfPerson(person.posts));
 */
export async function assertAllowedOverAny(
  executor: Executor,
  acting: Acting,
  permission: string,
  units: readonly UnitAsked[],
): Promise<void> {
  if (await allowedOverAny(executor, acting, permission, units)) return;
  const [first = null] = units;
  await acting.policy.assertAllowed(executor, acting.actor, permission, first);
  // A policy whose assertion allows what its decisions refused is inconsistent: refuse all the same.
  throw new ForbiddenError('access.denied', { permission, reason: 'no_grant', orgUnitCode: first });
}

/** Where an actor holds a permission, as the units it covers. */
export interface UnitReach {
  /** Held at the district root: every unit, and people without a post. */
  everywhere: boolean;
  /** The units covered (all of them when everywhere). */
  codes: ReadonlySet<string>;
  ids: readonly string[];
}

/**
 * The units where the actor holds `permission`: the subtrees under the roots the policy names.
 * @example const reach = await reachOf(db, acting, DIRECTORY_READ); reach.codes.has('D01');
 */
export async function reachOf(executor: Executor, acting: Acting, permission: string): Promise<UnitReach> {
  const scope = await acting.policy.scopeOf(executor, acting.actor, permission);
  const units = await selectOrgUnits(executor, {});
  const roots = new Set(scope.orgUnitCodes);
  const everywhere = scope.everywhere || units.some((unit) => unit.parentCode === null && roots.has(unit.code));
  const covered = everywhere ? units : subtreesOf(units, roots);
  return { everywhere, codes: new Set(covered.map((unit) => unit.code)), ids: covered.map((unit) => unit.id) };
}

/**
 * Whether a reach covers any of the units (a platform-wide question only when everywhere).
 * @example reaches(manageReach, unitsOfPerson(person.posts));
 */
export function reaches(reach: UnitReach, units: readonly UnitAsked[]): boolean {
  return reach.everywhere || units.some((unit) => unit !== null && reach.codes.has(unit));
}

function subtreesOf(units: readonly OrgUnit[], roots: ReadonlySet<string>): OrgUnit[] {
  const children = new Map<string, OrgUnit[]>();
  for (const unit of units) {
    if (unit.parentCode !== null) children.set(unit.parentCode, [...(children.get(unit.parentCode) ?? []), unit]);
  }
  const found = new Map<string, OrgUnit>();
  const pending = units.filter((unit) => roots.has(unit.code));
  for (let unit = pending.pop(); unit; unit = pending.pop()) {
    if (found.has(unit.code)) continue;
    found.set(unit.code, unit);
    pending.push(...(children.get(unit.code) ?? []));
  }
  return [...found.values()];
}
