/**
 * The policy of work the platform does on its own behalf on the host, where no access policy is at
 * hand: the demo seed at first start and the staff import an operator runs from the command line. It
 * allows system actors (as the access module's policy does) and refuses every other actor, so a user
 * or machine actor slipped into such a path is stopped, never trusted.
 */
import type { Decision, Policy } from '../../platform/authorization.js';
import { ForbiddenError } from '../../platform/errors.js';

/**
 * Allows the system actor everything, anyone else nothing.
 * @example await importStaffRows(database, rows, { actor: SEED_ACTOR, policy: SYSTEM_ONLY_POLICY });
 */
export const SYSTEM_ONLY_POLICY: Policy = Object.freeze({
  async authorize(_executor, actor, permission, orgUnitCode): Promise<Decision> {
    const allowed = actor.type === 'system';
    return { allowed, permission, orgUnitCode, reason: allowed ? 'system_actor' : 'system_only', grants: [] };
  },
  async assertAllowed(executor, actor, permission, orgUnitCode): Promise<void> {
    const decision = await SYSTEM_ONLY_POLICY.authorize(executor, actor, permission, orgUnitCode);
    if (!decision.allowed)
      throw new ForbiddenError('access.denied', { permission, reason: decision.reason, orgUnitCode });
  },
  async scopeOf(_executor, actor) {
    return { everywhere: actor.type === 'system', orgUnitCodes: [] };
  },
} satisfies Policy);
