/** Stored grants and decisions → the API's shapes: ids and codes, never personal data. */
import type { Decision } from '../../platform/authorization.js';
import { type Locale, translate } from '../../platform/i18n/messages.js';
import type { DecisionView } from './decision.schema.js';
import type { Grant } from './grant.js';
import type { GrantView } from './grant.schema.js';

export function presentGrant(grant: Grant): GrantView {
  return {
    id: grant.id,
    roleCode: grant.roleCode,
    grantee: grant.grantee,
    scopeOrgUnitCode: grant.scopeOrgUnitCode,
    grantedBy: grant.grantedBy,
    grantedAt: grant.grantedAt.toISOString(),
    revokedAt: grant.revokedAt?.toISOString() ?? null,
    revokedBy: grant.revokedBy,
    revokeReason: grant.revokeReason,
  };
}

export function presentDecision(decision: Decision, locale: Locale): DecisionView {
  return {
    allowed: decision.allowed,
    permission: decision.permission,
    orgUnitCode: decision.orgUnitCode,
    reason: decision.reason,
    explanation: translate(`access.reason.${decision.reason}`, locale),
    grants: decision.grants,
  };
}
