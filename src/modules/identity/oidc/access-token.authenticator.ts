/**
 * Bearer access tokens (RFC 6750) issued by the platform's OpenID Provider, for the platform's own
 * APIs: a system calling with client credentials, or a system acting for a signed-in person. Tokens
 * are opaque, so recognising one is one primary-key lookup; a revoked, expired or unknown token is
 * refused with 401 (`identity.token_invalid`; the app's error handler adds `WWW-Authenticate: Bearer`,
 * RFC 6750 §3).
 */
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import { UnauthenticatedError } from '../../../platform/errors.js';
import type { Authenticator, Principal } from '../../../platform/http/authentication.js';
import './oidc.messages.js';

/** The provider's own endpoints check their tokens themselves, in OAuth's error format. */
const PROVIDER_PATHS = /^\/oidc\//;
const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/-]+=*)[ \t]*$/i;
/**
 * The provider's opaque tokens: 43 URL-safe characters (its nanoid). Other bearer tokens (a SCIM
 * token, `hts_…`) belong to other authenticators or routes: they are not refused here.
 */
const OPAQUE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The authenticator for `runtime.authenticators`.
 * @example runtime.authenticators.push(accessTokenAuthenticator({ database }));
 */
export function accessTokenAuthenticator(deps: { database: Database }): Authenticator {
  return async (request: FastifyRequest): Promise<Principal | null> => {
    const header = request.headers.authorization;
    if (!header || !/^bearer\b/i.test(header) || PROVIDER_PATHS.test(request.url)) return null;
    const value = BEARER.exec(header)?.[1];
    if (value && !OPAQUE_TOKEN.test(value)) return null;
    const token = value ? await findLiveToken(deps.database, value) : undefined;
    if (!token) throw new UnauthenticatedError('identity.token_invalid');
    const scopes = typeof token.payload.scope === 'string' ? token.payload.scope.split(' ').filter(Boolean) : [];
    if (token.model === 'ClientCredentials') {
      return { kind: 'client', id: String(token.payload.clientId), scopes, via: 'access_token' };
    }
    return { kind: 'staff', id: String(token.payload.accountId), scopes, via: 'access_token' };
  };
}

async function findLiveToken(
  database: Database,
  value: string,
): Promise<{ model: string; payload: Record<string, unknown> } | undefined> {
  const { rows } = await sql<{ model: string; payload: Record<string, unknown> }>`
    select model, payload from identity.oidc_payload
    where model in ('AccessToken', 'ClientCredentials') and id = ${value}
      and (expires_at is null or expires_at > now())`.execute(database.kysely);
  const row = rows[0];
  if (!row) return undefined;
  // A token of a person needs the person; one without is malformed and counts as unknown.
  if (row.model === 'AccessToken' && typeof row.payload.accountId !== 'string') return undefined;
  return row;
}
