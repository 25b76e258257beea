/**
 * How the access module's commands run: in one transaction, with the asking actor and the request id
 * quoted in the audit log; a refused attempt (forbidden, or a duty conflict) is itself recorded, with
 * outcome `denied`, once the command's own transaction has rolled back.
 */

import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/database.js';
import { ConflictError, type DomainError, ForbiddenError } from '../../platform/errors.js';

/** Who asks, and the request to quote in the audit log. */
export interface AccessRequest {
  actor: Actor;
  requestId?: string | undefined;
}

/**
 * Runs a command in one transaction; when it is refused (forbidden, or a duty conflict), records the
 * attempt with outcome `denied` once the command's transaction has rolled back. A caller that passes
 * its own transaction gets the record in it, and keeps it only if it commits.
 */
export async function audited<T>(
  executor: Executor,
  request: AccessRequest,
  action: string,
  attempted: Record<string, unknown>,
  work: (tx: Executor) => Promise<T>,
): Promise<T> {
  try {
    return await inTransaction(executor, work);
  } catch (error) {
    if (isRefusal(error)) {
      const { permission, reason } = error.params;
      // Through JSON: an absent field of the attempt (undefined) is left out rather than refused.
      const details = JSON.parse(JSON.stringify({ ...attempted, refusal: error.code, permission, reason }));
      await inTransaction(executor, (tx) =>
        recordAudit(tx, {
          actor: request.actor,
          action,
          outcome: 'denied',
          requestId: request.requestId,
          details,
        }),
      );
    }
    throw error;
  }
}

function isRefusal(error: unknown): error is DomainError {
  return (
    error instanceof ForbiddenError || (error instanceof ConflictError && error.code === 'access.separation_of_duties')
  );
}
