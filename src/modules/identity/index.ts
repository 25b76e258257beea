/**
 * The identity module's public face. So far the credential primitives of staff sign-in: password
 * hashing and policy, TOTP and recovery codes. Accounts, sign-in pages and the OpenID Provider build on
 * these and will be exported from here.
 */
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
  generateRecoveryCodes,
  matchRecoveryCode,
  type RecoveryCodeMatch,
  type RecoveryCodes,
} from './recovery-codes.js';
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
