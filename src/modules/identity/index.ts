/**
 * The identity module's public face: the credential primitives (password hashing and policy, TOTP,
 * recovery codes), staff accounts, sign-in with throttling and lock-out, sessions and their cookie
 * authenticator, and the HTTP routes under /api/identity/v1. Other code imports identity from here only.
 */
export {
  ACCOUNT_MANAGE_PERMISSION,
  type AccountOverview,
  changePassword,
  createStaffAccount,
  getOwnAccount,
  resetPassword,
  type StaffAccountInput,
  USERNAME_PATTERN,
  unlockAccount,
} from './account.service.js';
export { identityCommand } from './identity.command.js';
export { type IdentityRoutesDeps, identityRoutes } from './identity-account.routes.js';
export { IDENTITY_SUBSCRIBER, subscribeIdentity } from './identity-events.js';
export { accessTokenAuthenticator } from './oidc/access-token.authenticator.js';
export type { RolesOf } from './oidc/oidc-account.js';
export { CLIENT_CHANGED_EVENT, type ClientChangedEvent, type RegisteredClient } from './oidc/oidc-client.js';
export { oidcClientRoutes } from './oidc/oidc-client.routes.js';
export {
  disableClient,
  enableClient,
  getClient,
  listClients,
  registerClient,
  rotateClientSecret,
  updateClient,
} from './oidc/oidc-client.service.js';
export { oidcInteractionRoutes } from './oidc/oidc-interaction.routes.js';
export { oidcKeysCommand } from './oidc/oidc-keys.command.js';
export type { InteractionPages } from './oidc/oidc-pages.js';
export { oidcProviderRoutes } from './oidc/oidc-provider.routes.js';
export { subscribeOidcSessionEnd } from './oidc/oidc-session-end.js';
export { listSigningKeys, rotateSigningKeys } from './oidc/oidc-signing-key.service.js';
export { OIDC_ROUTES, OpenIdProvider, type OpenIdProviderDeps } from './oidc/openid-provider.js';
export {
  DEFAULT_PASSWORD_HASH_PARAMS,
  hashPassword,
  KEYCLOAK_ARGON2ID_PARAMS,
  OWASP_ARGON2ID_PARAMS,
  type PasswordHashParams,
  type PasswordVerification,
  verifyAgainstDummy,
  verifyPassword,
} from './password-hashing.js';
export {
  checkPasswordPolicy,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  type PasswordContext,
  type PasswordWeakness,
} from './password-policy.js';
export {
  AGENT_ROLES,
  type AgentRole,
  type CitizenRegistration,
  type EnterpriseRegistration,
  PUBLIC_ACCOUNT_KINDS,
  type PublicAccount,
  type PublicAccountKind,
  type PublicAccountStatus,
  type RequestContext,
} from './public-account.js';
export { lastFourOnly, presentMyPublicAccount, presentPublicAccount } from './public-account.presenter.js';
export {
  PUBLIC_API_PREFIX,
  type PublicAccountRoutesDeps,
  publicAccountRoutes,
  publicRequestContext,
  refuseStaff,
} from './public-account.routes.js';
export {
  authenticatePublic,
  changePublicPassword,
  getMyAccount,
  type PasswordChange,
  type PublicAccountDeps,
  type PublicSignInInput,
  REGISTRATION_LIMIT,
  registerCitizen,
  registerEnterprise,
} from './public-account.service.js';
export {
  generateRecoveryCodes,
  matchRecoveryCode,
  type RecoveryCodeMatch,
  type RecoveryCodes,
} from './recovery-codes.js';
export { sessionAuthenticator } from './session.authenticator.js';
export { clearedSessionCookie, cookieValue, sessionCookie } from './session.cookie.js';
export {
  type Clock,
  type OpenedSession,
  SESSION_ABSOLUTE_TIMEOUT_MS,
  SESSION_COOKIE,
  SESSION_ENDED_EVENT,
  SESSION_IDLE_TIMEOUT_MS,
  type SessionEndedEvent,
  type SessionInfo,
  type SubjectKind,
} from './session.js';
export {
  endSessionByToken,
  endSessionsOfPerson,
  listSessions,
  type OpenSessionInput,
  openSession,
  revokeAllSessions,
  revokeSession,
  SESSION_MANAGE_PERMISSION,
  sessionFromToken,
} from './session.service.js';
export {
  authenticateStaff,
  authenticateStaffSecondFactor,
  PENDING_SIGN_IN_MINUTES,
  type SignInDeps,
  type StaffAuthentication,
  type StaffCredentials,
} from './sign-in.service.js';
export {
  LOCKOUT_DURATION_MS,
  LOCKOUT_FAILURES,
  THROTTLE_FREE_FAILURES,
  THROTTLE_MAX_DELAY_SECONDS,
  throttleDelaySeconds,
} from './sign-in-throttle.js';
export {
  generateTotpSecret,
  type TotpAlgorithm,
  type TotpOptions,
  type TotpUriInput,
  type TotpVerification,
  totpCode,
  totpUri,
  type VerifyTotpOptions,
  verifyTotp,
} from './totp.js';
export {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  disableTotp,
  type OwnerProof,
  RECOVERY_CODE_COUNT,
  regenerateRecoveryCodes,
  TOTP_ISSUER,
} from './totp-enrolment.service.js';
