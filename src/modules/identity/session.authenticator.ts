/**
 * The session cookie as a way of proving who one is: the authenticator `buildApp` runs before every
 * route. A cookie that names no live session is simply not a principal (the request is anonymous),
 * so an expired cookie never turns a public page into an error.
 */
import type { Database } from '../../platform/db/database.js';
import type { Authenticator } from '../../platform/http/authentication.js';
import { cookieValue } from './session.cookie.js';
import { type Clock, SESSION_COOKIE } from './session.js';
import { sessionFromToken } from './session.service.js';

/**
 * Recognises the `huitong_session` cookie.
 * @example runtime.authenticators.push(sessionAuthenticator(runtime.database));
 */
export function sessionAuthenticator(database: Database, options: { clock?: Clock } = {}): Authenticator {
  return async (request) => {
    const token = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (!token) return null;
    const session = await sessionFromToken(database.kysely, token, options);
    if (!session) return null;
    return { kind: session.subjectKind, id: session.subjectId, sessionId: session.id, via: 'session' };
  };
}
