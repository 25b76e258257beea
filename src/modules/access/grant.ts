/**
 * A grant: a role given to a person, or to a post (a title in a unit, held by whoever currently holds
 * it), over the subtree under one unit. Grants are never changed: they are revoked, and stay as history.
 */
import type { Actor } from '../../platform/authorization.js';
import type { GranteeKind } from './access.tables.js';

export type Grantee = { kind: 'person'; personId: string } | { kind: 'post'; orgUnitCode: string; title: string };

export interface Grant {
  id: string;
  roleCode: string;
  grantee: Grantee;
  /** The root of the subtree the grant covers. */
  scopeOrgUnitCode: string;
  grantedBy: Actor;
  grantedAt: Date;
  revokedAt: Date | null;
  revokedBy: Actor | null;
  revokeReason: string | null;
}

export interface GrantInput {
  roleCode: string;
  grantee: { kind: GranteeKind; personId?: string | undefined; orgUnitCode?: string | undefined; title?: string };
  scopeOrgUnitCode: string;
}

export interface GrantQuery {
  /** Grants to this person, directly or through the posts it currently holds. */
  personId?: string | undefined;
  roleCode?: string | undefined;
  /** Grants whose scope lies within the subtree under this unit. */
  scopeOrgUnitCode?: string | undefined;
  /** Revoked grants too (history); live ones only when absent. */
  includeRevoked?: boolean | undefined;
  /** 1 to 500. */
  limit: number;
  offset: number;
}

export interface GrantList {
  items: Grant[];
  total: number;
}

/** Payload of `access.grant.changed`: what a token cache or a provisioning worker needs to react. */
export interface GrantChangedEvent {
  grantId: string;
  change: 'created' | 'revoked';
  roleCode: string;
  application: string | null;
  granteeKind: GranteeKind;
  personId: string | null;
  postOrgUnitCode: string | null;
  postTitle: string | null;
  scopeOrgUnitCode: string;
}

export const GRANT_CHANGED_EVENT = 'access.grant.changed';

/** A UUID as PostgreSQL accepts it; anything else never reaches a query. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
