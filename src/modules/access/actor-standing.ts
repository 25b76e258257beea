/**
 * What a person holds: whether it is active, the posts it holds now, and the live grants to it and to
 * those posts. Every decision, grant check and token's role list starts here; the directory is read
 * through its public face only.
 */
import type { Executor } from '../../platform/db/database.js';
import { NotFoundError } from '../../platform/errors.js';
import { getPerson, listOrgUnits, orgPath, type Person } from '../directory/index.js';
import { UUID_PATTERN } from './grant.js';
import { type HeldGrantRow, type PostKey, selectHeldGrants } from './grant.repository.js';
import type { Duty } from './permission-catalogue.js';

export interface Standing {
  /** Undefined when no person has this id. */
  person: Person | undefined;
  active: boolean;
  posts: PostKey[];
  /** Live grants to the person and to its current posts (empty for an inactive person). */
  grants: HeldGrantRow[];
}

/**
 * A person's standing. Two round trips: the person with its posts, then the grants to both.
 * @example const { active, grants } = await standingOf(db, personId, { permission: 'directory.read' });
 */
export async function standingOf(
  executor: Executor,
  personId: string,
  filter: { permission?: string | undefined; application?: string | null | undefined } = {},
): Promise<Standing> {
  const person = await findPerson(executor, personId);
  if (!person) return { person, active: false, posts: [], grants: [] };
  const posts = person.posts.map((post) => ({ orgUnitCode: post.orgUnitCode, title: post.title }));
  if (person.status !== 'active') return { person, active: false, posts, grants: [] };
  const grants = await selectHeldGrants(executor, { personId, posts }, filter);
  return { person, active: true, posts, grants };
}

/** The person with this id, or undefined (also for a string that is not a UUID). */
export async function findPerson(executor: Executor, personId: string): Promise<Person | undefined> {
  if (!UUID_PATTERN.test(personId)) return undefined;
  try {
    return await getPerson(executor, personId);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/**
 * The codes a grant's scope must be one of to cover `orgUnitCode`: the unit and its ancestors; for a
 * platform-wide question (null), the root alone. Undefined when the unit does not exist (or, for null,
 * when the tree has no root yet).
 * @example await coveringScopes(db, 'XC1'); // ['XX', 'XT1', 'XC1']
 */
export async function coveringScopes(executor: Executor, orgUnitCode: string | null): Promise<string[] | undefined> {
  if (orgUnitCode === null) {
    const root = await rootUnitCode(executor);
    return root === undefined ? undefined : [root];
  }
  try {
    return [...(await orgPath(executor, orgUnitCode)).map((unit) => unit.code), orgUnitCode];
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** The code of the tree's root (the district), if there is one. */
export async function rootUnitCode(executor: Executor): Promise<string | undefined> {
  // Without a limit: one query (a limit would add a count), and there is only one district.
  const { items } = await listOrgUnits(executor, { kinds: ['district'] });
  return items[0]?.code;
}

/** The platform permissions the grants give over a unit whose covering scopes are `scopes`. */
export function permissionsAt(grants: readonly HeldGrantRow[], scopes: readonly string[]): Set<string> {
  const held = new Set<string>();
  for (const grant of grants) {
    if (scopes.includes(grant.scopeOrgUnitCode)) for (const permission of grant.permissions) held.add(permission);
  }
  return held;
}

/** The duties (三员) the grants carry. */
export function dutiesOf(grants: readonly HeldGrantRow[]): Set<Duty> {
  return new Set(grants.flatMap((grant) => (grant.duty ? [grant.duty] : [])));
}
