/**
 * Explaining a decision: why a person may or may not do something somewhere, with the grants that
 * decided it, for the person itself and for those who hold `access.explain` (security administrator
 * and auditor).
 */
import type { Decision, Policy } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import { type FieldError, ValidationError } from '../../platform/errors.js';
import { ORG_UNIT_CODE_PATTERN } from '../directory/index.js';
import './access.messages.js';
import { inTransaction } from '../../platform/db/database.js';
import { decide, deniedError, recordDenial } from './access-policy.js';
import type { AccessRequest } from './access-request.js';
import { coveringScopes } from './actor-standing.js';
import { UUID_PATTERN } from './grant.js';

export interface DecisionQuery {
  personId: string;
  permission: string;
  /** The unit asked about; absent or null for a platform-wide permission. */
  orgUnitCode?: string | null | undefined;
}

/**
 * The decision for `personId`, explained. One's own decisions are always explained; anyone else's
 * needs `access.explain` over the whole district.
 * @throws ValidationError `access.decision_query_invalid`; ForbiddenError `access.denied`
 * @example const decision = await explainDecision(db, { actor }, policy, { personId, permission: 'directory.manage', orgUnitCode: 'D03' });
 */
export async function explainDecision(
  executor: Executor,
  request: AccessRequest,
  policy: Pick<Policy, 'authorize'>,
  query: DecisionQuery,
): Promise<Decision> {
  const { actor } = request;
  const orgUnitCode = query.orgUnitCode ?? null;
  const errors: FieldError[] = [];
  if (!UUID_PATTERN.test(query.personId)) errors.push({ pointer: '/personId', reason: 'format' });
  if (orgUnitCode !== null && !ORG_UNIT_CODE_PATTERN.test(orgUnitCode)) {
    errors.push({ pointer: '/orgUnit', reason: 'format' });
  } else if (orgUnitCode !== null && !(await coveringScopes(executor, orgUnitCode))) {
    errors.push({ pointer: '/orgUnit', reason: 'not_found' });
  }
  if (errors.length > 0) throw new ValidationError('access.decision_query_invalid', errors, { count: errors.length });
  const self = actor.type === 'user' && actor.id === query.personId.toLowerCase();
  if (!self) {
    const may = await decide(executor, actor, 'access.explain', null);
    if (!may.allowed) {
      await inTransaction(executor, (tx) => recordDenial(tx, actor, may));
      throw deniedError(may);
    }
  }
  return policy.authorize(executor, { type: 'user', id: query.personId.toLowerCase() }, query.permission, orgUnitCode);
}
