/**
 * A Policy for tests of modules that ask one, until they are tested with the access module's: a table
 * of which user holds which permission over which subtrees, read against the real directory tree.
 * System actors are allowed everything, as the real policy does. Refusals are `access.denied` with the
 * permission and a reason, and are kept in `denials` so a test can see what was asked.
 */
import { getOrgUnit, orgPath } from '../../src/modules/directory/index.js';
import type { Actor, Decision, Policy } from '../../src/platform/authorization.js';
import type { Executor } from '../../src/platform/db/database.js';
import { ForbiddenError, NotFoundError } from '../../src/platform/errors.js';

/** Per user id, per permission, the roots of the subtrees it is held over. */
export type GrantTable = Record<string, Partial<Record<string, readonly string[]>>>;

export interface GrantTablePolicy extends Policy {
  readonly denials: Array<{ actorId: string; permission: string; orgUnitCode: string | null }>;
}

/**
 * @example const policy = grantTablePolicy({ 'admin-d01': { 'directory.read': ['D01'], 'directory.manage': ['D01'] } });
 */
export function grantTablePolicy(grants: GrantTable): GrantTablePolicy {
  const denials: GrantTablePolicy['denials'] = [];
  const rootsOf = (actor: Actor, permission: string) =>
    (actor.type === 'user' ? grants[actor.id]?.[permission] : []) ?? [];
  const isDistrict = async (executor: Executor, code: string) => {
    const unit = await getOrgUnit(executor, code).catch(() => undefined);
    return unit?.parentCode === null;
  };
  const policy: GrantTablePolicy = {
    denials,
    async authorize(executor, actor, permission, orgUnitCode): Promise<Decision> {
      const decision = (allowed: boolean, reason: string): Decision => ({
        allowed,
        permission,
        orgUnitCode,
        reason,
        grants: [],
      });
      if (actor.type === 'system') return decision(true, 'system_actor');
      const roots = rootsOf(actor, permission);
      if (roots.length === 0) return decision(false, 'no_grant');
      let covered: boolean;
      if (orgUnitCode === null) {
        covered = (await Promise.all(roots.map((root) => isDistrict(executor, root)))).some(Boolean);
      } else {
        const lineage = await orgPath(executor, orgUnitCode).then(
          (ancestors) => [...ancestors.map((unit) => unit.code), orgUnitCode],
          (error: unknown) => {
            if (error instanceof NotFoundError) return [];
            throw error;
          },
        );
        covered = lineage.some((code) => roots.includes(code));
      }
      return decision(covered, covered ? 'granted' : 'out_of_scope');
    },
    async assertAllowed(executor, actor, permission, orgUnitCode) {
      const decision = await policy.authorize(executor, actor, permission, orgUnitCode);
      if (decision.allowed) return;
      denials.push({ actorId: actor.id, permission, orgUnitCode });
      throw new ForbiddenError('access.denied', { permission, reason: decision.reason, orgUnitCode });
    },
    async scopeOf(executor, actor, permission) {
      if (actor.type === 'system') return { everywhere: true, orgUnitCodes: [] };
      const roots = [...rootsOf(actor, permission)];
      const everywhere = (await Promise.all(roots.map((root) => isDistrict(executor, root)))).some(Boolean);
      return { everywhere, orgUnitCodes: everywhere ? [] : roots };
    },
  };
  return policy;
}
