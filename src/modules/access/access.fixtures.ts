/**
 * Directory data for the access module's tests: people with posts, made through the directory's public
 * face (never its tables). Imported by tests only.
 */
import type { Policy } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import { assignPost, createPerson, endPost, type Person, type Post, updatePerson } from '../directory/index.js';
import { decide, deniedError, scopeOfPermission } from './access-policy.js';

/** The platform itself, asking this module's own decisions (which always allow it). */
const SYSTEM_POLICY: Policy = {
  authorize: decide,
  async assertAllowed(executor, actor, permission, orgUnitCode) {
    const decision = await decide(executor, actor, permission, orgUnitCode);
    if (!decision.allowed) throw deniedError(decision);
  },
  scopeOf: scopeOfPermission,
};
const ACTING = { actor: { type: 'system', id: 'huitong' } as const, policy: SYSTEM_POLICY };

let sequence = 0;

/**
 * An active person with a fresh staff number (`AC000001`…), holding the posts given (title in unit).
 * @example const head = await makeStaff(db, { posts: [{ orgUnitCode: 'XD1', title: '科长' }] });
 */
export async function makeStaff(
  executor: Executor,
  options: { posts?: Array<{ orgUnitCode: string; title: string }> } = {},
): Promise<Person & { postIds: string[] }> {
  sequence += 1;
  const number = String(sequence).padStart(6, '0');
  const person = await createPerson(
    executor,
    { staffNo: `AC${number}`, name: `权限测试${number}`, statusFrom: '2024-01-01' },
    ACTING,
  );
  const postIds: string[] = [];
  for (const post of options.posts ?? []) {
    const held = await assignPost(executor, person.id, { ...post, validFrom: '2024-01-01' }, ACTING);
    postIds.push(held.id);
  }
  return { ...person, postIds };
}

/** Ends a post today: whoever held it no longer holds what was granted to it. */
export function leavePost(executor: Executor, postId: string): Promise<Post> {
  return endPost(executor, postId, {}, ACTING);
}

/** Sets a person's status (suspended, left). */
export function setStatus(executor: Executor, personId: string, status: 'active' | 'suspended' | 'left') {
  return updatePerson(executor, personId, { status }, ACTING);
}
