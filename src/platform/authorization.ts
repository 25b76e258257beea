/**
 * The shape of "who may do what, where": the platform defines it, the `access` module implements it,
 * and every module's services are handed one `Policy` and ask it before they act. Keeping the
 * interface here lets the directory and identity check permissions without importing `access`
 * (which itself reads the directory's tree and posts).
 */
import type { Executor } from './db/database.js';

/**
 * Who acts. A signed-in civil servant is a `user` (id: directory person id); a registered system with
 * client credentials is a `machine` (id: its client id); the platform itself (seeds, workers, CLI
 * run by the operator on the host) is `system`, and is explicit: an in-process call without an
 * actor is a bug.
 */
export interface Actor {
  type: 'user' | 'system' | 'machine';
  id: string;
}

/** The platform acting on its own behalf (migrations, seeds, event handlers, host CLI). */
export const SYSTEM_ACTOR: Actor = Object.freeze({ type: 'system', id: 'huitong' });

/** One grant that took part in a decision, for the explanation. */
export interface DecisionGrant {
  grantId: string;
  roleCode: string;
  /** The root of the subtree the grant covers. */
  scopeOrgUnitCode: string;
  /** How the actor holds it: directly, or through a post it holds. */
  via: 'person' | 'post';
}

/** The answer to "may this actor do this here", with why. */
export interface Decision {
  allowed: boolean;
  permission: string;
  /** The org unit asked about; null for platform-wide permissions. */
  orgUnitCode: string | null;
  /**
   * A stable reason code: `system_actor`, `granted`, `no_grant`, `out_of_scope`, `actor_inactive`,
   * `unknown_permission`, …; the messages catalogue explains each in zh and en.
   */
  reason: string;
  /** The grants that allowed it (when allowed) or that exist but cover other units (when out of scope). */
  grants: DecisionGrant[];
}

/** Where an actor holds a permission: everywhere, or in the subtrees under these units. */
export interface PermissionScope {
  everywhere: boolean;
  /** Roots of the subtrees, when not everywhere; empty means nowhere. */
  orgUnitCodes: string[];
}

export interface Policy {
  /** Decides, and explains, whether `actor` holds `permission` over `orgUnitCode` (null: platform-wide). */
  authorize(executor: Executor, actor: Actor, permission: string, orgUnitCode: string | null): Promise<Decision>;
  /** Throws ForbiddenError (`access.denied`, with the permission and the reason) unless allowed. */
  assertAllowed(executor: Executor, actor: Actor, permission: string, orgUnitCode: string | null): Promise<void>;
  /** Where the actor holds `permission`, so lists can be filtered to what it may see. */
  scopeOf(executor: Executor, actor: Actor, permission: string): Promise<PermissionScope>;
}
