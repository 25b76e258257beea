/**
 * Who is calling: the one place a request gets its principal. The platform knows no module, so it
 * only defines the shape of a principal and runs the authenticators the modules hand it (a staff
 * session cookie, an OAuth access token, a public account's session) in order; the first that
 * recognises the request wins. A route then asks for a principal of the kinds it serves, and the
 * service checks what that principal may do.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UnauthenticatedError } from '../errors.js';

export type PrincipalKind = 'staff' | 'public' | 'client';

/**
 * An authenticated caller.
 * - `staff`: a civil servant signed in; `id` is the directory person id.
 * - `public`: a citizen or enterprise account; `id` is the public account id.
 * - `client`: a registered system with an OAuth access token (client credentials); `id` is the client id.
 */
export interface Principal {
  kind: PrincipalKind;
  id: string;
  /** The session behind a cookie, so it can be listed and revoked; absent for tokens. */
  sessionId?: string;
  /** OAuth scopes granted to a token; absent for sessions. */
  scopes?: readonly string[];
  /** How the principal proved itself, for the audit log (e.g. `session`, `access_token`). */
  via: string;
}

/** Recognises a request's credentials; null when they are not its kind, throws when they are but fail. */
export type Authenticator = (request: FastifyRequest) => Promise<Principal | null>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, or null for an anonymous request. Set before any route runs. */
    principal: Principal | null;
  }
}

/**
 * Runs the authenticators on every request, before routing, so every route sees `request.principal`.
 * @example registerAuthentication(app, [sessionAuthenticator(database)]);
 */
export function registerAuthentication(app: FastifyInstance, authenticators: readonly Authenticator[]): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    for (const authenticate of authenticators) {
      const principal = await authenticate(request);
      if (principal) {
        request.principal = principal;
        return;
      }
    }
  });
}

/**
 * The principal of a request that must be authenticated, of one of the given kinds.
 * @example const staff = requirePrincipal(request, ['staff']);
 */
export function requirePrincipal(request: FastifyRequest, kinds: readonly PrincipalKind[]): Principal {
  const principal = request.principal;
  if (!principal) throw new UnauthenticatedError('auth.unauthenticated');
  if (!kinds.includes(principal.kind)) {
    throw new UnauthenticatedError('auth.wrong_principal_kind', { expected: kinds.join('|') });
  }
  return principal;
}
