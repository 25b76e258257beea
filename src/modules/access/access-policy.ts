/**
 * The platform's Policy (src/platform/authorization.ts), implemented on the access module's grants
 * and the directory's tree: may this actor do this here, and why. A decision costs three round trips
 * at most (the person with its posts and the unit's path in parallel, then the grants), whatever the
 * number of grants or posts, so services can ask on every request.
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor, Decision, DecisionGrant, PermissionScope, Policy } from '../../platform/authorization.js';
import type { Database, Executor } from '../../platform/db/database.js';
import { ForbiddenError } from '../../platform/errors.js';
import './access.messages.js';
import { coveringScopes, rootUnitCode, standingOf } from './actor-standing.js';
import type { HeldGrantRow } from './grant.repository.js';
import { isPlatformPermission } from './permission-catalogue.js';

/** Where a failed write of a denial's audit entry is reported (a pino logger fits). */
export interface DenialLogger {
  error(details: Record<string, unknown>, message: string): void;
}

export interface AccessPolicy extends Policy {
  /** Resolves when every denial recorded after its caller's transaction has been written. */
  settled(): Promise<void>;
}

/**
 * The access module's Policy. `database` writes the audit entry of a denial asked inside a caller's
 * transaction, in a transaction of its own once the caller's lets go, so the denial stays recorded
 * when the caller rolls back (as it will: it is about to throw).
 * @example
 * const policy = createAccessPolicy({ database });
 * await policy.assertAllowed(tx, { type: 'user', id: personId }, 'directory.manage', 'D03');
 */
export function createAccessPolicy(deps: { database: Database; logger?: DenialLogger }): AccessPolicy {
  return new GrantPolicy(deps.database, deps.logger);
}

/** The decision itself, for the module's own services (which record their own denials). */
export async function decide(
  executor: Executor,
  actor: Actor,
  permission: string,
  orgUnitCode: string | null,
): Promise<Decision> {
  const answer = (allowed: boolean, reason: string, grants: DecisionGrant[] = []): Decision => ({
    allowed,
    permission,
    orgUnitCode,
    reason,
    grants,
  });
  // The platform acting on its own behalf (seeds, workers, the operator's CLI) is never refused.
  if (actor.type === 'system') return answer(true, 'system_actor');
  if (!isPlatformPermission(permission)) return answer(false, 'unknown_permission');
  // No permission is granted to registered systems yet: their tokens carry scopes, not grants.
  if (actor.type === 'machine') return answer(false, 'machine_not_granted');
  const [standing, scopes] = await Promise.all([
    standingOf(executor, actor.id, { permission }),
    coveringScopes(executor, orgUnitCode),
  ]);
  if (!standing.active) return answer(false, 'actor_inactive');
  if (!scopes) return answer(false, 'unknown_org_unit');
  const covering = standing.grants.filter((grant) => scopes.includes(grant.scopeOrgUnitCode));
  if (covering.length > 0) return answer(true, 'granted', covering.map(decisionGrant));
  if (standing.grants.length > 0) return answer(false, 'out_of_scope', standing.grants.map(decisionGrant));
  return answer(false, 'no_grant');
}

/** Where the actor holds `permission`: everywhere when a grant covers the root. */
export async function scopeOfPermission(
  executor: Executor,
  actor: Actor,
  permission: string,
): Promise<PermissionScope> {
  const nowhere: PermissionScope = { everywhere: false, orgUnitCodes: [] };
  if (actor.type === 'system') return { everywhere: true, orgUnitCodes: [] };
  if (actor.type === 'machine' || !isPlatformPermission(permission)) return nowhere;
  const [standing, root] = await Promise.all([standingOf(executor, actor.id, { permission }), rootUnitCode(executor)]);
  const codes = [...new Set(standing.grants.map((grant) => grant.scopeOrgUnitCode))];
  if (root !== undefined && codes.includes(root)) return { everywhere: true, orgUnitCodes: [] };
  return { everywhere: false, orgUnitCodes: codes };
}

/**
 * The audit entry of a refused permission check.
 * @example await recordDenial(tx, actor, decision);
 */
export async function recordDenial(executor: Executor, actor: Actor, decision: Decision): Promise<void> {
  await recordAudit(executor, {
    actor: { type: actor.type, id: actor.id },
    action: 'access.permission.denied',
    ...(decision.orgUnitCode ? { target: { type: 'org_unit', id: decision.orgUnitCode } } : {}),
    outcome: 'denied',
    details: { permission: decision.permission, reason: decision.reason, orgUnitCode: decision.orgUnitCode },
  });
}

/** The error a refused check throws. */
export function deniedError(decision: Decision): ForbiddenError {
  return new ForbiddenError('access.denied', {
    permission: decision.permission,
    reason: decision.reason,
    orgUnitCode: decision.orgUnitCode,
  });
}

class GrantPolicy implements AccessPolicy {
  readonly #database: Database;
  readonly #logger: DenialLogger | undefined;
  readonly #pending = new Set<Promise<void>>();

  constructor(database: Database, logger?: DenialLogger) {
    this.#database = database;
    this.#logger = logger;
  }

  authorize(executor: Executor, actor: Actor, permission: string, orgUnitCode: string | null): Promise<Decision> {
    return decide(executor, actor, permission, orgUnitCode);
  }

  async assertAllowed(executor: Executor, actor: Actor, permission: string, orgUnitCode: string | null) {
    const decision = await decide(executor, actor, permission, orgUnitCode);
    if (decision.allowed) return;
    if (!executor.isTransaction) {
      await executor.transaction().execute((tx) => recordDenial(tx, actor, decision));
    } else {
      // Not awaited: on PGlite (one session) a second transaction can only begin once the caller's
      // ends, and on PostgreSQL the caller may hold the audit chain lock until then.
      const database = this.#database;
      const write = database
        .transaction((tx) => recordDenial(tx, actor, decision))
        .catch((error: unknown) => this.#reportLost(error, decision))
        .finally(() => this.#pending.delete(write));
      this.#pending.add(write);
    }
    throw deniedError(decision);
  }

  scopeOf(executor: Executor, actor: Actor, permission: string): Promise<PermissionScope> {
    return scopeOfPermission(executor, actor, permission);
  }

  #reportLost(error: unknown, decision: Decision): void {
    if (this.#logger) this.#logger.error({ err: error, decision }, 'denial audit entry not written');
    else process.emitWarning(`denial audit entry not written: ${String(error)}`, 'HuitongAccessWarning');
  }

  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }
}

function decisionGrant(grant: HeldGrantRow): DecisionGrant {
  return { grantId: grant.grantId, roleCode: grant.roleCode, scopeOrgUnitCode: grant.scopeOrgUnitCode, via: grant.via };
}
