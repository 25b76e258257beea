/**
 * How long the provider's artefacts live, in seconds, in one place (docs/oidc.md lists them).
 * - Access tokens are opaque and checked against the database on every use, so revoking one takes
 *   effect at once; ten minutes bounds what a leaked token is worth (Keycloak's default is five).
 * - The provider session matches the platform session's absolute limit (12 hours, session.ts), and
 *   grants and refresh tokens end with it unless `offline_access` was granted.
 * - A retired signing key stays published as long as anything it signed can still be presented: an
 *   ID token (1 hour) or an ID token used as `id_token_hint` at logout (a whole session).
 */
export const ACCESS_TOKEN_TTL_S = 10 * 60;
export const CLIENT_CREDENTIALS_TTL_S = 10 * 60;
export const AUTHORIZATION_CODE_TTL_S = 60;
export const ID_TOKEN_TTL_S = 60 * 60;
export const SESSION_TTL_S = 12 * 60 * 60;
export const REFRESH_TOKEN_TTL_S = SESSION_TTL_S;
export const OFFLINE_REFRESH_TOKEN_TTL_S = 14 * 24 * 60 * 60;
export const GRANT_TTL_S = OFFLINE_REFRESH_TOKEN_TTL_S;
export const INTERACTION_TTL_S = 60 * 60;

/** How long a new key is published before it signs: relying parties that cached the JWKS see it first. */
export const KEY_PUBLISH_LEAD_MS = 10 * 60 * 1000;
/** How long a retired key stays published after its successor took over. */
export const KEY_RETIREMENT_MS = (SESSION_TTL_S + ID_TOKEN_TTL_S) * 1000;
