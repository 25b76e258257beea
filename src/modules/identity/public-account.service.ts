/**
 * Public accounts: registering a citizen or an enterprise, signing in, changing the password and
 * reading one's own account. The rules, and why (docs/public-accounts.md has them for operators):
 *
 * - Registration checks every field before anything is written and lists every bad one: an identity
 *   number by `parseResidentId`'s precise reason, a credit code by `parseCreditCode`'s, the password by
 *   the staff password policy plus the identity values of the registrant (the last 6 characters and
 *   the date of birth of an identity number are the first passwords tried against a Chinese account).
 * - Registration must reveal that an identity number, credit code or mobile number is taken, or the
 *   holder could never learn why registering fails. It does not say which of them, and it is limited
 *   per client address (`REGISTRATION_LIMIT`), so it is no faster a lookup than the sign-in page.
 * - Sign-in answers every failure (unknown login, wrong password, disabled or locked account) with the
 *   one `identity.public_sign_in_failed`, spends the time of a password check on each, and throttles and
 *   locks by the staff accounts' policy (sign-in-throttle.ts). Unknown logins are throttled too, in
 *   memory, so that a 429 after a few failures does not tell that an account exists.
 * - Audit entries carry masked identity numbers, names and mobile numbers only; never a password.
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Database, Executor } from '../../platform/db/database.js';
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  ValidationError,
} from '../../platform/errors.js';
import { isValidCreditCode, parseCreditCode } from '../../platform/identifiers/credit-code.js';
import { maskName, maskPhone, maskResidentId } from '../../platform/identifiers/mask.js';
import { isValidResidentId, parseResidentId } from '../../platform/identifiers/resident-id.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password-hashing.js';
import { checkPasswordPolicy } from './password-policy.js';
import {
  AGENT_ROLES,
  type AgentRole,
  type CitizenRegistration,
  EMAIL_MAX_LENGTH,
  ENTERPRISE_NAME_MAX_LENGTH,
  type EnterpriseRegistration,
  PERSON_NAME_MAX_LENGTH,
  PUBLIC_EMAIL_PATTERN,
  PUBLIC_MOBILE_PATTERN,
  type PublicAccount,
  type PublicAccountKind,
  type RequestContext,
} from './public-account.js';
import { PUBLIC_FIELD_REASON_TEXT, type PublicFieldReason } from './public-account.messages.js';
import {
  countAndRecordRegistrationAttempt,
  insertPublicAccount,
  lockPublicAccountByLogin,
  lockPublicAccountCredentials,
  type PublicAccountColumns,
  type PublicAccountCredentials,
  publicAccountTaken,
  selectPublicAccount,
  updatePasswordHash,
  updateThrottle,
} from './public-account.repository.js';
import { type Clock, systemClock } from './session.js';
import { attemptVerdict, lockedUntilAfter, type ThrottleState, UnknownLoginThrottle } from './sign-in-throttle.js';

/**
 * Registrations a client address may attempt in a window. 20 an hour lets a service centre's help desk
 * (one address for the whole hall) register its visitors, and makes checking whether numbers are
 * registered slower than guessing them at the sign-in page.
 */
export const REGISTRATION_LIMIT = Object.freeze({ max: 20, windowMs: 60 * 60 * 1000 });

/** Unknown logins whose failures are remembered in memory; the oldest is forgotten first. */

export interface PublicAccountDeps {
  clock?: Clock;
  /** Overrides `REGISTRATION_LIMIT` (tests). */
  registrationLimit?: { max: number; windowMs: number };
}

export interface PublicSignInInput {
  /** Which kind of account to sign in to: a mobile number may hold one of each. */
  kind: PublicAccountKind;
  /** A resident identity number (citizens), a credit code (enterprises) or a mobile number (either). */
  login: string;
  password: string;
}

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

/**
 * Registers a citizen with their resident identity number.
 * @throws ValidationError `identity.public_account_invalid` listing every bad field; ConflictError
 *   `identity.public_account_exists`; RateLimitedError `identity.public_registration_throttled`
 * @example
 * const account = await registerCitizen(database, { residentId: '11010519491231002X', name: '王丽', mobile: '13800138000', password: 'Spring-rain-2025' }, { ip });
 */
export async function registerCitizen(
  database: Database,
  input: CitizenRegistration,
  context: RequestContext,
  deps: PublicAccountDeps = {},
): Promise<PublicAccount> {
  const errors: FieldError[] = [];
  const residentId = identityNumber(input.residentId, '/residentId', errors);
  const personName = requiredText(input.name, '/name', PERSON_NAME_MAX_LENGTH, errors);
  const mobile = mobileNumber(input.mobile, errors);
  const email = emailAddress(input.email, errors);
  checkNewPassword(input.password, '/password', { residentId, names: [personName], mobile }, errors);
  if (errors.length > 0) throw invalid('identity.public_account_invalid', errors);
  return register(database, context, deps, {
    kind: 'citizen',
    person_name: personName,
    resident_id: residentId,
    credit_code: null,
    enterprise_name: null,
    agent_role: null,
    mobile,
    email,
    password: input.password,
  });
}

/**
 * Registers an enterprise (or another organisation with a credit code) through its legal
 * representative or an agent.
 * @throws ValidationError `identity.public_account_invalid` listing every bad field; ConflictError
 *   `identity.public_account_exists`; RateLimitedError `identity.public_registration_throttled`
 * @example
 * await registerEnterprise(database, { creditCode: '91440300708461136T', enterpriseName: '汇通科技有限公司', agentRole: 'agent', agentName: '李明', agentResidentId: '11010519491231002X', mobile: '13800138000', password: 'Spring-rain-2025' }, { ip });
 */
export async function registerEnterprise(
  database: Database,
  input: EnterpriseRegistration,
  context: RequestContext,
  deps: PublicAccountDeps = {},
): Promise<PublicAccount> {
  const errors: FieldError[] = [];
  const creditCode = creditCodeOf(input.creditCode, errors);
  const enterpriseName = requiredText(input.enterpriseName, '/enterpriseName', ENTERPRISE_NAME_MAX_LENGTH, errors);
  const agentRole = agentRoleOf(input.agentRole, errors);
  const agentName = requiredText(input.agentName, '/agentName', PERSON_NAME_MAX_LENGTH, errors);
  const residentId = identityNumber(input.agentResidentId, '/agentResidentId', errors);
  const mobile = mobileNumber(input.mobile, errors);
  const email = emailAddress(input.email, errors);
  checkNewPassword(
    input.password,
    '/password',
    { residentId, creditCode, names: [agentName, enterpriseName], mobile },
    errors,
  );
  if (errors.length > 0 || !agentRole) throw invalid('identity.public_account_invalid', errors);
  return register(database, context, deps, {
    kind: 'enterprise',
    person_name: agentName,
    resident_id: residentId,
    credit_code: creditCode,
    enterprise_name: enterpriseName,
    agent_role: agentRole,
    mobile,
    email,
    password: input.password,
  });
}

/**
 * Checks a public sign-in: the login (identity number, credit code or mobile number) and password of an
 * active account of the given kind. Every failure is the same error, after the same work.
 * @throws UnauthenticatedError `identity.public_sign_in_failed`; RateLimitedError
 *   `identity.public_sign_in_throttled` (with the seconds to wait)
 * @example
 * const account = await authenticatePublic(database, { kind: 'citizen', login: '13800138000', password }, { ip });
 * const { token } = await openSession(database.kysely, { subjectKind: 'public', subjectId: account.id, ip, userAgent, secondFactor: false });
 */
export async function authenticatePublic(
  database: Database,
  input: PublicSignInInput,
  context: RequestContext,
  deps: PublicAccountDeps = {},
): Promise<PublicAccount> {
  const now = (deps.clock ?? systemClock)();
  const login = loginOf(input.kind, input.login);
  // The failure is recorded in the transaction and thrown after it commits, so that it counts.
  const outcome = await database.transaction(async (tx) => {
    const account = login.key ? await lockPublicAccountByLogin(tx, input.kind, login.key) : undefined;
    if (!account) return unknownLoginAttempt(tx, input, login.masked, context, now);
    const verdict = attemptVerdict(account, now);
    if (!verdict.allowed && verdict.reason === 'throttled') return { error: throttled(verdict.retryAfterSeconds) };
    const checked =
      verdict.allowed && account.status === 'active'
        ? await verifyPassword(account.passwordHash, input.password)
        : await verifyAgainstDummy(input.password);
    if (!checked.ok) {
      const reason = !verdict.allowed ? 'locked' : account.status !== 'active' ? 'disabled' : 'wrong_password';
      // A locked account stays as it is: its lock already runs, and counting on would only lengthen it.
      if (verdict.allowed) await updateThrottle(tx, account.id, failedAfter(account, now));
      await auditSignIn(tx, context, 'failure', { kind: input.kind, login: login.masked, reason }, account.id);
      return { error: signInFailed() };
    }
    await updateThrottle(tx, account.id, { failed_count: 0, last_failed_at: null, locked_until: null });
    // The stored hash was made with older parameters: replace it while the password is at hand.
    if (checked.needsRehash) await updatePasswordHash(tx, account.id, await hashPassword(input.password), undefined);
    await auditSignIn(tx, context, 'success', { kind: input.kind, login: login.masked }, account.id);
    return { account: withoutCredentials(account) };
  });
  if ('error' in outcome) throw outcome.error;
  return outcome.account;
}

/**
 * Changes the signed-in holder's password. The current password is checked as a sign-in is, throttle
 * included, so a session left open does not let anyone guess it at full speed.
 * @throws ValidationError `identity.public_password_change_invalid` (`/currentPassword` incorrect,
 *   `/newPassword` weak); RateLimitedError `identity.public_sign_in_throttled`; NotFoundError
 *   `identity.public_account_not_found`
 * @example await changePublicPassword(database, principal.id, { currentPassword, newPassword }, { ip });
 */
export async function changePublicPassword(
  database: Database,
  accountId: string,
  change: PasswordChange,
  context: RequestContext,
  deps: PublicAccountDeps = {},
): Promise<void> {
  const now = (deps.clock ?? systemClock)();
  const current = await getMyAccount(database.kysely, accountId);
  const errors: FieldError[] = [];
  checkNewPassword(
    change.newPassword,
    '/newPassword',
    {
      residentId: current.residentId,
      creditCode: current.creditCode ?? undefined,
      names: [current.personName, current.enterpriseName ?? ''],
      mobile: current.mobile,
    },
    errors,
  );
  if (change.newPassword === change.currentPassword && errors.length === 0) {
    errors.push(fieldError('/newPassword', 'same_as_current'));
  }
  const newHash = errors.length === 0 ? await hashPassword(change.newPassword) : undefined;
  const outcome = await database.transaction(async (tx) => {
    const account = await lockPublicAccountCredentials(tx, accountId);
    if (!account) return { error: new NotFoundError('identity.public_account_not_found', { accountId }) };
    const verdict = attemptVerdict(account, now);
    if (!verdict.allowed && verdict.reason === 'throttled') return { error: throttled(verdict.retryAfterSeconds) };
    const checked = verdict.allowed
      ? await verifyPassword(account.passwordHash, change.currentPassword)
      : await verifyAgainstDummy(change.currentPassword);
    if (!checked.ok) {
      if (verdict.allowed) await updateThrottle(tx, account.id, failedAfter(account, now));
      await recordAudit(tx, {
        actor: holderActor(account.id),
        action: 'identity.public_account.password_change',
        target: { type: 'public_account', id: account.id },
        outcome: 'failure',
        ...requestIdOf(context),
        details: { reason: verdict.allowed ? 'wrong_password' : 'locked' },
      });
      return { error: invalid('identity.public_password_change_invalid', [incorrect(), ...errors]) };
    }
    if (errors.length > 0 || !newHash) return { error: invalid('identity.public_password_change_invalid', errors) };
    await updatePasswordHash(tx, account.id, newHash, now);
    await updateThrottle(tx, account.id, { failed_count: 0, last_failed_at: null, locked_until: null });
    await recordAudit(tx, {
      actor: holderActor(account.id),
      action: 'identity.public_account.password_change',
      target: { type: 'public_account', id: account.id },
      outcome: 'success',
      ...requestIdOf(context),
      details: { kind: account.kind },
    });
    return { changed: true };
  });
  if ('error' in outcome) throw outcome.error;
}

/**
 * The signed-in holder's own account, whole (the presenter decides what to show).
 * @throws NotFoundError `identity.public_account_not_found`
 * @example const account = await getMyAccount(database.kysely, principal.id);
 */
export async function getMyAccount(executor: Executor, accountId: string): Promise<PublicAccount> {
  const account = UUID.test(accountId) ? await selectPublicAccount(executor, accountId) : undefined;
  if (!account) throw new NotFoundError('identity.public_account_not_found', { accountId });
  return account;
}

type NewAccount = Omit<PublicAccountColumns, 'password_hash' | 'password_changed_at'> & { password: string };

async function register(
  database: Database,
  context: RequestContext,
  deps: PublicAccountDeps,
  fields: NewAccount,
): Promise<PublicAccount> {
  const now = (deps.clock ?? systemClock)();
  const limit = deps.registrationLimit ?? REGISTRATION_LIMIT;
  // The attempt is counted in a transaction of its own: it must count even when the registration fails.
  const attempts = await database.transaction((tx) =>
    countAndRecordRegistrationAttempt(tx, context.ip ?? 'unknown', now, new Date(now.getTime() - limit.windowMs)),
  );
  if (attempts.count >= limit.max) {
    const oldest = attempts.oldest ?? now;
    const waitMs = oldest.getTime() + limit.windowMs - now.getTime();
    throw new RateLimitedError('identity.public_registration_throttled', Math.max(1, Math.ceil(waitMs / 1000)));
  }
  const { password, ...columns } = fields;
  const passwordHash = await hashPassword(password);
  const details = registrationDetails(columns);
  const outcome = await database
    .transaction(async (tx): Promise<{ exists: true } | { account: PublicAccount }> => {
      const keys = {
        mobile: columns.mobile,
        ...(columns.kind === 'citizen' ? { residentId: columns.resident_id } : {}),
        ...(columns.credit_code ? { creditCode: columns.credit_code } : {}),
      };
      if (await publicAccountTaken(tx, columns.kind, keys)) return { exists: true as const };
      const id = await insertPublicAccount(tx, { ...columns, password_hash: passwordHash, password_changed_at: now });
      await recordAudit(tx, {
        actor: { type: 'anonymous' },
        action: 'identity.public_account.register',
        target: { type: 'public_account', id },
        outcome: 'success',
        ...requestIdOf(context),
        details,
      });
      return { account: (await selectPublicAccount(tx, id))! };
    })
    .catch((error: unknown) => {
      // Two registrations of one number at once: the unique index decides, and the loser is told as any other.
      if ((error as { code?: unknown }).code === '23505') return { exists: true } as const;
      throw error;
    });
  if ('account' in outcome) return outcome.account;
  // Someone may be registering another person's number: worth a line in the audit log.
  await database.transaction((tx) =>
    recordAudit(tx, {
      actor: { type: 'anonymous' },
      action: 'identity.public_account.register',
      outcome: 'failure',
      ...requestIdOf(context),
      details: { ...details, reason: 'exists' },
    }),
  );
  throw new ConflictError('identity.public_account_exists', { kind: columns.kind });
}

/** What the audit log keeps of a registration: the kind, masked personal data, the credit code (public). */
function registrationDetails(columns: Omit<NewAccount, 'password'>): Record<string, unknown> {
  return {
    kind: columns.kind,
    residentId: maskResidentId(columns.resident_id),
    personName: maskName(columns.person_name),
    mobile: maskPhone(columns.mobile),
    ...(columns.credit_code ? { creditCode: columns.credit_code, agentRole: columns.agent_role } : {}),
  };
}

/** Unknown logins are throttled like real ones (sign-in-throttle.ts), per kind of account. */
const unknownLogins = new UnknownLoginThrottle();

async function unknownLoginAttempt(
  executor: Executor,
  input: PublicSignInInput,
  maskedLogin: string,
  context: RequestContext,
  now: Date,
): Promise<{ error: Error }> {
  const key = `public:${input.kind}\n${normalisedLogin(input.login)}`;
  const verdict = unknownLogins.verdict(key, now);
  if (!verdict.allowed && verdict.reason === 'throttled') return { error: throttled(verdict.retryAfterSeconds) };
  await verifyAgainstDummy(input.password);
  if (verdict.allowed) unknownLogins.recordFailure(key, now);
  await auditSignIn(executor, context, 'failure', { kind: input.kind, login: maskedLogin, reason: 'unknown_login' });
  return { error: signInFailed() };
}

function failedAfter(state: ThrottleState, now: Date) {
  const failedCount = state.failedCount + 1;
  return { failed_count: failedCount, last_failed_at: now, locked_until: lockedUntilAfter(failedCount, now) };
}

async function auditSignIn(
  executor: Executor,
  context: RequestContext,
  outcome: 'success' | 'failure',
  details: Record<string, unknown>,
  accountId?: string,
): Promise<void> {
  await recordAudit(executor, {
    actor: accountId && outcome === 'success' ? holderActor(accountId) : { type: 'anonymous' },
    action: 'identity.public_account.sign_in',
    ...(accountId ? { target: { type: 'public_account', id: accountId } } : {}),
    outcome,
    ...requestIdOf(context),
    details: { ...details, ip: context.ip },
  });
}

/**
 * The audit actor of a public account acting on its own account. The platform's actor types are
 * staff-shaped (`user` is a directory person), so the id carries the `public:` prefix: an auditor
 * never mistakes a citizen for a civil servant.
 */
function holderActor(accountId: string) {
  return { type: 'user' as const, id: `public:${accountId}` };
}

function requestIdOf(context: RequestContext): { requestId?: string } {
  return context.requestId ? { requestId: context.requestId } : {};
}

function signInFailed(): UnauthenticatedError {
  return new UnauthenticatedError('identity.public_sign_in_failed');
}

function throttled(retryAfterSeconds: number): RateLimitedError {
  return new RateLimitedError('identity.public_sign_in_throttled', retryAfterSeconds);
}

/** What a login names, by its shape: a mobile number for either kind, else the kind's own identifier. */
function loginOf(
  kind: PublicAccountKind,
  text: string,
): { key: { mobile?: string; residentId?: string; creditCode?: string } | undefined; masked: string } {
  const login = normalisedLogin(text);
  const mobile = login.replace(/^(?:\+86|0086)/, '');
  if (PUBLIC_MOBILE_PATTERN.test(mobile)) return { key: { mobile }, masked: maskPhone(mobile) };
  if (kind === 'citizen' && isValidResidentId(login)) {
    return { key: { residentId: login }, masked: maskResidentId(login) };
  }
  // A credit code names an organisation, public on its licence: it may stand in the audit log.
  if (kind === 'enterprise' && isValidCreditCode(login)) return { key: { creditCode: login }, masked: login };
  // Something that is no login at all may still be personal data mistyped: keep none of it.
  return { key: undefined, masked: maskResidentId(login) };
}

function normalisedLogin(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s\-()]/g, '')
    .toUpperCase();
}

function identityNumber(text: string | undefined, pointer: string, errors: FieldError[]): string {
  if (!text?.trim()) {
    errors.push(fieldError(pointer, 'required'));
    return '';
  }
  try {
    return parseResidentId(text, { pointer }).value;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    errors.push(...error.fields);
    return '';
  }
}

function creditCodeOf(text: string | undefined, errors: FieldError[]): string {
  if (!text?.trim()) {
    errors.push(fieldError('/creditCode', 'required'));
    return '';
  }
  try {
    return parseCreditCode(text, { pointer: '/creditCode' }).value;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    errors.push(...error.fields);
    return '';
  }
}

function requiredText(text: string | undefined, pointer: string, maxLength: number, errors: FieldError[]): string {
  const value = (text ?? '').normalize('NFC').trim().replace(/\s+/g, ' ');
  if (value === '') errors.push(fieldError(pointer, 'required'));
  else if ([...value].length > maxLength) errors.push(fieldError(pointer, 'too_long'));
  return value;
}

function agentRoleOf(text: string | undefined, errors: FieldError[]): AgentRole | undefined {
  if (!text) {
    errors.push(fieldError('/agentRole', 'required'));
    return undefined;
  }
  if ((AGENT_ROLES as readonly string[]).includes(text)) return text as AgentRole;
  errors.push(fieldError('/agentRole', 'one_of'));
  return undefined;
}

function mobileNumber(text: string | undefined, errors: FieldError[]): string {
  const value = (text ?? '')
    .normalize('NFKC')
    .replace(/[\s\-()]/g, '')
    .replace(/^(?:\+86|0086)/, '');
  if (value === '') errors.push(fieldError('/mobile', 'required'));
  else if (!PUBLIC_MOBILE_PATTERN.test(value)) errors.push(fieldError('/mobile', 'mobile_format'));
  return value;
}

function emailAddress(text: string | null | undefined, errors: FieldError[]): string | null {
  const value = (text ?? '').normalize('NFKC').trim().toLowerCase();
  if (value === '') return null;
  if (value.length > EMAIL_MAX_LENGTH || !PUBLIC_EMAIL_PATTERN.test(value)) {
    errors.push(fieldError('/email', 'email_format'));
  }
  return value;
}

/**
 * The staff password policy, with the registrant's identity values as context. The policy knows one
 * name and a mobile; the identity number's tell-tale parts (its last 6 characters, the date of birth),
 * the credit code and the organisation's name are checked here, and every identity finding is told in
 * the public accounts' words (the policy's speaks of staff numbers).
 */
function checkNewPassword(
  password: string | undefined,
  pointer: string,
  identity: { residentId: string; creditCode?: string | undefined; names: string[]; mobile: string },
  errors: FieldError[],
): void {
  const plain = password ?? '';
  if (plain === '') {
    errors.push(fieldError(pointer, 'required'));
    return;
  }
  const [name, ...otherNames] = identity.names;
  let found: FieldError[] = [];
  try {
    checkPasswordPolicy(plain, { ...(name ? { name } : {}), mobile: identity.mobile });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    found = error.fields.map((field) => ({ ...field, pointer }));
  }
  const identityFound =
    found.some((field) => field.reason === 'contains_identity') ||
    containsIdentityParts(plain, { ...identity, names: otherNames });
  for (const field of found) if (field.reason !== 'contains_identity') errors.push(field);
  if (identityFound) errors.push(fieldError(pointer, 'password_contains_identity', 'contains_identity'));
}

function containsIdentityParts(
  password: string,
  identity: { residentId: string; creditCode?: string | undefined; names: string[] },
): boolean {
  const text = password
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-_.·・]/g, '');
  const parts: string[] = identity.names.filter((name) => [...name].length >= 2).map((name) => name.toUpperCase());
  if (identity.residentId) parts.push(identity.residentId.slice(-6), identity.residentId.slice(6, 14));
  if (identity.creditCode) parts.push(identity.creditCode.slice(-6), identity.creditCode.slice(8, 17));
  return parts.some((part) => text.includes(part));
}

function fieldError(pointer: string, textKey: PublicFieldReason, reason: string = textKey): FieldError {
  return { pointer, reason, message: PUBLIC_FIELD_REASON_TEXT[textKey].en };
}

function incorrect(): FieldError {
  return fieldError('/currentPassword', 'incorrect');
}

function invalid(code: string, errors: FieldError[]): ValidationError {
  return new ValidationError(code, errors, { count: errors.length });
}

function withoutCredentials(account: PublicAccountCredentials): PublicAccount {
  const { passwordHash: _hash, failedCount: _count, lastFailedAt: _last, lockedUntil: _until, ...rest } = account;
  return rest;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
