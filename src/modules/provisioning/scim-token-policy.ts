/**
 * What a SCIM token may do in the directory, as a Policy the directory's services can ask: its
 * machine actor reads and manages people in its owner unit's subtree, and nothing else (no
 * platform-wide question, no other permission). The token was made by someone holding
 * `provisioning.manage` over that unit; this is the reach they handed the downstream system.
 */
import type { Actor, Decision, Policy } from '../../platform/authorization.js';
import { ForbiddenError } from '../../platform/errors.js';
import { type ScimToken, tokenActor } from './scim-token.service.js';

const GRANTED = new Set(['directory.read', 'directory.manage']);

/**
 * The policy for one request's token.
 * @example await createPerson(tx, input, { actor: tokenActor(context.token), policy: tokenPolicy(context) });
 */
export function tokenPolicy(context: {
  token: Pick<ScimToken, 'id' | 'ownerOrgUnitCode'>;
  unitCodes: readonly string[];
}): Policy {
  const actorId = tokenActor(context.token).id;
  const decide = (actor: Actor, permission: string, orgUnitCode: string | null): Decision => {
    const mine = actor.type === 'machine' && actor.id === actorId;
    const inScope = orgUnitCode !== null && context.unitCodes.includes(orgUnitCode);
    const allowed = mine && GRANTED.has(permission) && inScope;
    const reason = allowed ? 'granted' : !mine || !GRANTED.has(permission) ? 'machine_not_granted' : 'out_of_scope';
    return { allowed, permission, orgUnitCode, reason, grants: [] };
  };
  return {
    async authorize(_executor, actor, permission, orgUnitCode) {
      return decide(actor, permission, orgUnitCode);
    },
    async assertAllowed(_executor, actor, permission, orgUnitCode) {
      const decision = decide(actor, permission, orgUnitCode);
      if (!decision.allowed) {
        throw new ForbiddenError('provisioning.scim_out_of_scope', {
          orgUnitCode: orgUnitCode ?? '-',
          ownerOrgUnitCode: context.token.ownerOrgUnitCode,
        });
      }
    },
    async scopeOf(_executor, actor, permission) {
      const mine = actor.type === 'machine' && actor.id === actorId && GRANTED.has(permission);
      return { everywhere: false, orgUnitCodes: mine ? [context.token.ownerOrgUnitCode] : [] };
    },
  };
}
