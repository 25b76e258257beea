/**
 * Signing out of the platform signs out of every system: when a platform session ends (sign-out,
 * revocation by an administrator, a person leaving), the provider sessions of that person end, their
 * grants and tokens are revoked (unless `offline_access` was granted), and every system with a
 * back-channel logout URI is sent a logout token (OpenID Connect Back-Channel Logout 1.0 §2.5).
 * The person's sessions in every browser end, not only the one whose platform session ended: the
 * provider's session does not record which platform session it rode on.
 */

import type { Executor } from '../../../platform/db/database.js';
import type { EventDispatcher } from '../../../platform/events/dispatcher.js';
import { SESSION_ENDED_EVENT, type SessionEndedEvent } from '../session.js';
import { forgetAccessTokens } from './access-token.authenticator.js';
import { deleteGrant, deletePayload, selectSessionsOfAccount } from './oidc-payload.repository.js';
import type { OidcLogger, OpenIdProvider } from './openid-provider.js';

/** The subscriber's name: it keys its position in the event stream, so it never changes. */
export const SESSION_END_SUBSCRIBER = 'identity.oidc-session-end';

interface SessionAuthorization {
  sid?: string;
  grantId?: string;
  persistsLogout?: boolean;
}

/** A logout token to send once the ending has committed. */
export interface BackchannelNotice {
  clientId: string;
  sid: string;
}

/**
 * Subscribes the provider to `identity.session.ended`. Call before `events.start()`.
 * @example subscribeOidcSessionEnd(runtime.events, oidc);
 */
export function subscribeOidcSessionEnd(
  events: EventDispatcher,
  oidc: OpenIdProvider,
  logger: OidcLogger = console,
): void {
  events.subscribe(SESSION_END_SUBSCRIBER, { types: [SESSION_ENDED_EVENT] }, async (event, tx) => {
    const ended = event.payload as SessionEndedEvent;
    if (ended.subjectKind !== 'staff') return;
    const notices = await endOidcSessionsOf(tx, ended.subjectId);
    // Sent after the handler returns: the provider reads clients outside the delivery's transaction,
    // which must not wait on it (PGlite has one connection).
    oidc.afterwards(() => sendBackchannelLogouts(oidc, ended.subjectId, notices, logger));
  });
}

/**
 * Ends a person's provider sessions and revokes what hangs on them (not `offline_access` grants), in
 * the caller's transaction. Returns the back-channel logout notices to send afterwards.
 * @example const notices = await endOidcSessionsOf(tx, personId);
 */
export async function endOidcSessionsOf(executor: Executor, personId: string): Promise<BackchannelNotice[]> {
  const sessions = await selectSessionsOfAccount(executor, personId);
  const notices: BackchannelNotice[] = [];
  for (const session of sessions) {
    const authorizations = (session.payload.authorizations ?? {}) as Record<string, SessionAuthorization>;
    for (const [clientId, authorization] of Object.entries(authorizations)) {
      if (authorization.sid) notices.push({ clientId, sid: authorization.sid });
      if (authorization.grantId && !authorization.persistsLogout) {
        await deleteGrant(executor, authorization.grantId);
        forgetAccessTokens({ grantId: authorization.grantId });
      }
    }
    await deletePayload(executor, 'Session', session.id);
  }
  return notices;
}

/**
 * Sends a logout token to each system with a back-channel logout URI. A system that does not answer
 * is logged and not retried: the session is gone either way, and its tokens with it.
 * @example await sendBackchannelLogouts(oidc, personId, notices);
 */
export async function sendBackchannelLogouts(
  oidc: OpenIdProvider,
  personId: string,
  notices: readonly BackchannelNotice[],
  logger: OidcLogger = console,
): Promise<void> {
  await Promise.all(
    notices.map(async ({ clientId, sid }) => {
      try {
        const client = await oidc.provider.Client.find(clientId);
        if (client?.backchannelLogoutUri) await client.backchannelLogout(personId, sid);
      } catch (error) {
        logger.warn({ err: error, clientId }, 'back-channel logout failed');
      }
    }),
  );
}
