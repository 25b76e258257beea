/**
 * Bearer access tokens (RFC 6750) issued by the platform's OpenID Provider, for the platform's own
 * APIs: a system calling with client credentials, or a system acting for a signed-in person. Tokens
 * are opaque, so recognising one is one primary-key lookup; a revoked, expired or unknown token is
 * refused with 401 (`identity.token_invalid`; the app's error handler adds `WWW-Authenticate: Bearer`,
 * RFC 6750 §3).
 *
 * A live token is remembered in the process for at most two seconds, never past its expiry, so a
 * system calling many times a second costs one lookup per token every two seconds. Only live tokens
 * are remembered. A token revoked through this process's provider (adapter.destroy, consume,
 * revokeByGrantId), a disabled client and a signed-out grant are forgotten at once; a token removed
 * any other way (another process, SQL by hand) is refused at most two seconds later (docs/identity.md).
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
/** How long a live token is taken without asking the database again. */
export const TOKEN_CACHE_MS = 2000;
const MAX_CACHED_TOKENS = 10_000;

interface LiveToken {
  model: string;
  payload: Record<string, unknown>;
  /** Epoch ms after which the token is asked about again: the cache bound or its expiry, the earlier. */
  until: number;
}

const liveTokens = new Map<string, LiveToken>();
/** Counts forgets: a lookup that overlapped one does not remember what it read. */
let forgets = 0;

/**
 * Forgets remembered tokens at once: by token id, by grant, or every token of a client.
 * @example forgetAccessTokens({ grantId }); // the provider revoked a grant
 */
export function forgetAccessTokens(which: { id?: string; grantId?: string; clientId?: string }): void {
  forgets += 1;
  if (which.id !== undefined) liveTokens.delete(which.id);
  if (which.grantId === undefined && which.clientId === undefined) return;
  for (const [id, token] of liveTokens) {
    if (
      (which.grantId !== undefined && token.payload.grantId === which.grantId) ||
      (which.clientId !== undefined && token.payload.clientId === which.clientId)
    ) {
      liveTokens.delete(id);
    }
  }
}

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

async function findLiveToken(database: Database, value: string): Promise<LiveToken | undefined> {
  const now = Date.now();
  const cached = liveTokens.get(value);
  if (cached && cached.until > now) return cached;
  liveTokens.delete(value);
  const forgetsBefore = forgets;
  const { rows } = await sql<{ model: string; payload: Record<string, unknown>; expires_at: Date | string | null }>`
    select model, payload, expires_at from identity.oidc_payload
    where model in ('AccessToken', 'ClientCredentials') and id = ${value}
      and (expires_at is null or expires_at > now())`.execute(database.kysely);
  const row = rows[0];
  if (!row) return undefined;
  // A token of a person needs the person; one without is malformed and counts as unknown.
  if (row.model === 'AccessToken' && typeof row.payload.accountId !== 'string') return undefined;
  const expiresAt = row.expires_at === null ? Number.POSITIVE_INFINITY : new Date(row.expires_at).getTime();
  const token: LiveToken = { model: row.model, payload: row.payload, until: Math.min(now + TOKEN_CACHE_MS, expiresAt) };
  if (liveTokens.size >= MAX_CACHED_TOKENS) liveTokens.clear();
  // Read while a revocation ran: the row may have been read before it was removed.
  if (forgetsBefore === forgets) liveTokens.set(value, token);
  return token;
}
