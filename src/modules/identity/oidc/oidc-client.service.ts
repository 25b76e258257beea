/**
 * Registering and managing the systems that sign in through the platform. Every call checks
 * `identity.client.manage` over the owning department first; every change is audited (never the
 * secret) and records `identity.client.changed` in the same transaction. Bad input changes nothing:
 * every field is checked and every failing one reported before anything is written.
 */

import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { recordAudit } from '../../../platform/audit/audit-log.js';
import type { Actor, Policy } from '../../../platform/authorization.js';
import type { Executor } from '../../../platform/db/database.js';
import { inTransaction } from '../../../platform/db/database.js';
import { type FieldError, NotFoundError, ValidationError } from '../../../platform/errors.js';
import { recordEvent } from '../../../platform/events/outbox.js';
import type { SecretBox } from '../../../platform/secrets/secret-box.js';
import { getOrgUnit, orgSubtree } from '../../directory/index.js';
import { forgetAccessTokens } from './access-token.authenticator.js';
import './oidc.messages.js';
import {
  CLIENT_CHANGED_EVENT,
  CLIENT_GRANT_TYPES,
  CLIENT_ID_PATTERN,
  CLIENT_MANAGE_PERMISSION,
  CLIENT_SCOPES,
  type ClientChange,
  type ClientChangedEvent,
  type ClientInput,
  type ClientPatch,
  type ClientWithSecret,
  MAX_URI_LENGTH,
  MAX_URIS,
  type RegisteredClient,
} from './oidc-client.js';
import {
  type ClientColumns,
  type ClientRow,
  insertClient,
  selectClient,
  selectClients,
  updateClientColumns,
} from './oidc-client.repository.js';

export interface ClientServiceDeps {
  policy: Policy;
  secrets: SecretBox;
}

export interface ClientList {
  items: RegisteredClient[];
  total: number;
}

/** 256 random bits: a client secret is a password no person has to remember. */
const SECRET_BYTES = 32;
const MAX_NAME_LENGTH = 100;
const MAX_PAGE = 500;

/**
 * The sealing context of a client's secret: a sealed secret copied to another client does not open.
 * @example secretContext('oa-system') // 'identity.oidc.client:oa-system'
 */
export function secretContext(clientId: string): string {
  return `identity.oidc.client:${clientId}`;
}

/**
 * Registers a system and returns it with its secret, shown this once.
 * @throws ValidationError `identity.client_invalid` (one entry per bad field; `/clientId` `taken` when registered already); ForbiddenError `access.denied`
 * @example const { client, clientSecret } = await registerClient(db, actor, { clientId: 'oa', nameZh: '协同办公', nameEn: 'Office automation', ownerOrgUnitCode: 'D01', grantTypes: ['authorization_code'], scopes: ['openid', 'profile'], redirectUris: ['https://oa.example.gov.cn/cb'] }, deps);
 */
export async function registerClient(
  executor: Executor,
  actor: Actor,
  input: ClientInput,
  deps: ClientServiceDeps,
): Promise<ClientWithSecret> {
  const fields = normalise(input);
  return inTransaction(executor, async (tx) => {
    await deps.policy.assertAllowed(tx, actor, CLIENT_MANAGE_PERMISSION, fields.ownerOrgUnitCode || null);
    const errors = checkClientId(input.clientId);
    errors.push(...(await checkFields(tx, fields)));
    if (errors.length === 0 && (await selectClient(tx, input.clientId))) {
      errors.push({ pointer: '/clientId', reason: 'taken' });
    }
    if (errors.length > 0) throw invalid(errors);
    const clientSecret = randomBytes(SECRET_BYTES).toString('base64url');
    await insertClient(tx, {
      client_id: input.clientId,
      ...columnsOf(fields),
      secret_sealed: deps.secrets.seal(clientSecret, secretContext(input.clientId)),
      enabled: true,
    });
    await recordChange(tx, actor, input.clientId, 'created', Object.keys(fields));
    return { client: await mustGet(tx, input.clientId), clientSecret };
  });
}

/**
 * Changes a system's registration; fields left out stay. Moving it to another department needs the
 * permission in both.
 * @throws NotFoundError `identity.client_not_found`; ValidationError `identity.client_invalid`; ForbiddenError `access.denied`
 * @example await updateClient(db, actor, 'oa', { redirectUris: ['https://oa.example.gov.cn/callback'] }, deps);
 */
export async function updateClient(
  executor: Executor,
  actor: Actor,
  clientId: string,
  patch: ClientPatch,
  deps: ClientServiceDeps,
): Promise<RegisteredClient> {
  return inTransaction(executor, async (tx) => {
    const current = await lockedClient(tx, actor, clientId, deps.policy);
    const wanted = normalise({ ...current, ...definedOf(patch) });
    if (wanted.ownerOrgUnitCode !== current.ownerOrgUnitCode) {
      await deps.policy.assertAllowed(tx, actor, CLIENT_MANAGE_PERMISSION, wanted.ownerOrgUnitCode || null);
    }
    const errors = await checkFields(tx, wanted);
    if (errors.length > 0) throw invalid(errors);
    const changed = (Object.keys(wanted) as Array<keyof typeof wanted>).filter(
      (field) => JSON.stringify(wanted[field]) !== JSON.stringify(current[field]),
    );
    if (changed.length === 0) return publicOf(current);
    await updateClientColumns(tx, clientId, columnsOf(wanted));
    await recordChange(tx, actor, clientId, 'updated', changed);
    return mustGet(tx, clientId);
  });
}

/**
 * Turns a system off: it can no longer sign anyone in or get tokens, and every token it holds stops
 * working at once. Disabling a disabled system changes nothing.
 * @throws NotFoundError `identity.client_not_found`; ForbiddenError `access.denied`
 * @example await disableClient(db, actor, 'oa', deps);
 */
export async function disableClient(
  executor: Executor,
  actor: Actor,
  clientId: string,
  deps: ClientServiceDeps,
): Promise<RegisteredClient> {
  return setEnabled(executor, actor, clientId, false, deps);
}

/**
 * Turns a disabled system back on. Its old tokens stay revoked.
 * @throws NotFoundError `identity.client_not_found`; ForbiddenError `access.denied`
 * @example await enableClient(db, actor, 'oa', deps);
 */
export async function enableClient(
  executor: Executor,
  actor: Actor,
  clientId: string,
  deps: ClientServiceDeps,
): Promise<RegisteredClient> {
  return setEnabled(executor, actor, clientId, true, deps);
}

/**
 * Gives a system a new secret, shown this once; the old one stops working at once.
 * @throws NotFoundError `identity.client_not_found`; ForbiddenError `access.denied`
 * @example const { clientSecret } = await rotateClientSecret(db, actor, 'oa', deps);
 */
export async function rotateClientSecret(
  executor: Executor,
  actor: Actor,
  clientId: string,
  deps: ClientServiceDeps,
): Promise<ClientWithSecret> {
  return inTransaction(executor, async (tx) => {
    await lockedClient(tx, actor, clientId, deps.policy);
    const clientSecret = randomBytes(SECRET_BYTES).toString('base64url');
    await updateClientColumns(tx, clientId, {
      secret_sealed: deps.secrets.seal(clientSecret, secretContext(clientId)),
    });
    await recordChange(tx, actor, clientId, 'secret_rotated', ['secret']);
    return { client: await mustGet(tx, clientId), clientSecret };
  });
}

/**
 * One system, without its secret.
 * @throws NotFoundError `identity.client_not_found`; ForbiddenError `access.denied`
 * @example const client = await getClient(db, actor, 'oa', deps);
 */
export async function getClient(
  executor: Executor,
  actor: Actor,
  clientId: string,
  deps: Pick<ClientServiceDeps, 'policy'>,
): Promise<RegisteredClient> {
  const row = CLIENT_ID_PATTERN.test(clientId) ? await selectClient(executor, clientId) : undefined;
  if (!row) throw new NotFoundError('identity.client_not_found', { clientId });
  await deps.policy.assertAllowed(executor, actor, CLIENT_MANAGE_PERMISSION, row.ownerOrgUnitCode);
  return publicOf(row);
}

/**
 * The systems of the departments where the actor manages systems, by client id.
 * @example const { items, total } = await listClients(db, actor, { limit: 50, offset: 0 }, deps);
 */
export async function listClients(
  executor: Executor,
  actor: Actor,
  page: { limit: number; offset: number },
  deps: Pick<ClientServiceDeps, 'policy'>,
): Promise<ClientList> {
  const errors: FieldError[] = [];
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_PAGE) {
    errors.push({ pointer: '/limit', reason: 'range' });
  }
  if (!Number.isInteger(page.offset) || page.offset < 0) errors.push({ pointer: '/offset', reason: 'range' });
  if (errors.length > 0) throw invalid(errors);
  const scope = await deps.policy.scopeOf(executor, actor, CLIENT_MANAGE_PERMISSION);
  let ownerOrgUnitCodes: string[] | undefined;
  if (!scope.everywhere) {
    const units = await Promise.all(scope.orgUnitCodes.map((code) => orgSubtree(executor, code)));
    ownerOrgUnitCodes = [...new Set(units.flat().map((unit) => unit.code))];
  }
  const { items, total } = await selectClients(executor, { ownerOrgUnitCodes }, page);
  return { items: items.map(publicOf), total };
}

type NormalisedClient = Omit<Required<ClientPatch>, 'backchannelLogoutUri'> & { backchannelLogoutUri: string | null };

function normalise(input: ClientPatch): NormalisedClient {
  return {
    nameZh: input.nameZh?.trim() ?? '',
    nameEn: input.nameEn?.trim() ?? '',
    ownerOrgUnitCode: input.ownerOrgUnitCode?.trim() ?? '',
    redirectUris: input.redirectUris ?? [],
    postLogoutRedirectUris: input.postLogoutRedirectUris ?? [],
    backchannelLogoutUri: input.backchannelLogoutUri?.trim() || null,
    grantTypes: input.grantTypes ?? [],
    scopes: input.scopes ?? [],
    firstParty: input.firstParty ?? false,
  };
}

function columnsOf(fields: NormalisedClient): Omit<ClientColumns, 'client_id' | 'secret_sealed' | 'enabled'> {
  return {
    name_zh: fields.nameZh,
    name_en: fields.nameEn,
    owner_org_unit_code: fields.ownerOrgUnitCode,
    redirect_uris: fields.redirectUris,
    post_logout_redirect_uris: fields.postLogoutRedirectUris,
    backchannel_logout_uri: fields.backchannelLogoutUri,
    grant_types: fields.grantTypes,
    scopes: fields.scopes,
    first_party: fields.firstParty,
  };
}

function checkClientId(clientId: unknown): FieldError[] {
  return typeof clientId === 'string' && CLIENT_ID_PATTERN.test(clientId)
    ? []
    : [{ pointer: '/clientId', reason: 'pattern' }];
}

async function checkFields(executor: Executor, fields: NormalisedClient): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  for (const name of ['nameZh', 'nameEn'] as const) {
    const length = [...fields[name]].length;
    if (length === 0) errors.push({ pointer: `/${name}`, reason: 'required' });
    else if (length > MAX_NAME_LENGTH) errors.push({ pointer: `/${name}`, reason: 'too_long' });
  }
  if (!fields.ownerOrgUnitCode) errors.push({ pointer: '/ownerOrgUnitCode', reason: 'required' });
  else if (!(await unitExists(executor, fields.ownerOrgUnitCode))) {
    errors.push({ pointer: '/ownerOrgUnitCode', reason: 'not_found' });
  }
  const grants = fields.grantTypes;
  if (grants.length === 0) errors.push({ pointer: '/grantTypes', reason: 'required' });
  grants.forEach((grant, index) => {
    if (!(CLIENT_GRANT_TYPES as readonly string[]).includes(grant)) {
      errors.push({ pointer: `/grantTypes/${index}`, reason: 'one_of' });
    } else if (grants.indexOf(grant) !== index) errors.push({ pointer: `/grantTypes/${index}`, reason: 'duplicate' });
  });
  const signsIn = grants.includes('authorization_code');
  // A refresh token is only ever issued with an authorization code.
  if (grants.includes('refresh_token') && !signsIn)
    errors.push({ pointer: '/grantTypes', reason: 'refresh_needs_code' });
  fields.scopes.forEach((scope, index) => {
    if (!CLIENT_SCOPES.includes(scope)) errors.push({ pointer: `/scopes/${index}`, reason: 'one_of' });
    else if (fields.scopes.indexOf(scope) !== index) errors.push({ pointer: `/scopes/${index}`, reason: 'duplicate' });
  });
  if (signsIn && !fields.scopes.includes('openid')) errors.push({ pointer: '/scopes', reason: 'openid_required' });
  if (signsIn && fields.redirectUris.length === 0) errors.push({ pointer: '/redirectUris', reason: 'required' });
  for (const name of ['redirectUris', 'postLogoutRedirectUris'] as const) {
    if (!signsIn && fields[name].length > 0) errors.push({ pointer: `/${name}`, reason: 'needs_authorization_code' });
    if (fields[name].length > MAX_URIS) errors.push({ pointer: `/${name}`, reason: 'too_many' });
    fields[name].forEach((uri, index) => {
      const reason = uriProblem(uri);
      if (reason) errors.push({ pointer: `/${name}/${index}`, reason });
    });
  }
  if (fields.backchannelLogoutUri !== null) {
    const reason = signsIn ? uriProblem(fields.backchannelLogoutUri) : 'needs_authorization_code';
    if (reason) errors.push({ pointer: '/backchannelLogoutUri', reason });
  }
  return errors;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why a redirect or logout URI is refused, or null when it is fine: absolute, https (plain http only to
 * this machine, for development), no fragment (RFC 6749 §3.1.2), no credentials in it.
 */
function uriProblem(uri: unknown): string | null {
  if (typeof uri !== 'string' || uri.length === 0) return 'required';
  if (uri.length > MAX_URI_LENGTH) return 'too_long';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'not_a_url';
  }
  if (uri.includes('#')) return 'fragment';
  if (url.username || url.password) return 'credentials';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') return LOOPBACK_HOSTS.has(url.hostname) ? null : 'https_required';
  return 'scheme';
}

async function unitExists(executor: Executor, code: string): Promise<boolean> {
  try {
    await getOrgUnit(executor, code);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}

async function setEnabled(
  executor: Executor,
  actor: Actor,
  clientId: string,
  enabled: boolean,
  deps: ClientServiceDeps,
): Promise<RegisteredClient> {
  const change = inTransaction(executor, async (tx) => {
    const current = await lockedClient(tx, actor, clientId, deps.policy);
    if (current.enabled === enabled) return publicOf(current);
    await updateClientColumns(tx, clientId, { enabled });
    // Tokens are looked up on every use: removing them is what makes a disabled system's tokens stop working.
    if (!enabled) await sql`delete from identity.oidc_payload where payload->>'clientId' = ${clientId}`.execute(tx);
    await recordChange(tx, actor, clientId, enabled ? 'enabled' : 'disabled', ['enabled']);
    return mustGet(tx, clientId);
  });
  const client = await change;
  // The authenticator remembers live tokens for a moment: a disabled system's go at once here.
  if (!enabled) forgetAccessTokens({ clientId });
  return client;
}

async function lockedClient(executor: Executor, actor: Actor, clientId: string, policy: Policy): Promise<ClientRow> {
  const row = CLIENT_ID_PATTERN.test(clientId) ? await selectClient(executor, clientId, true) : undefined;
  if (!row) throw new NotFoundError('identity.client_not_found', { clientId });
  await policy.assertAllowed(executor, actor, CLIENT_MANAGE_PERMISSION, row.ownerOrgUnitCode);
  return row;
}

async function mustGet(executor: Executor, clientId: string): Promise<RegisteredClient> {
  return publicOf((await selectClient(executor, clientId))!);
}

async function recordChange(
  executor: Executor,
  actor: Actor,
  clientId: string,
  change: ClientChange,
  fields: string[],
): Promise<void> {
  const payload: ClientChangedEvent = { clientId, change, fields };
  await recordEvent(executor, {
    aggregateType: 'identity.client',
    aggregateId: clientId,
    type: CLIENT_CHANGED_EVENT,
    payload,
  });
  await recordAudit(executor, {
    actor,
    action: AUDIT_ACTIONS[change],
    target: { type: 'oidc_client', id: clientId },
    outcome: 'success',
    details: { clientId, fields },
  });
}

const AUDIT_ACTIONS: Record<ClientChange, string> = {
  created: 'identity.client.create',
  updated: 'identity.client.update',
  disabled: 'identity.client.disable',
  enabled: 'identity.client.enable',
  secret_rotated: 'identity.client.rotate_secret',
};

function publicOf(row: ClientRow): RegisteredClient {
  const { secretSealed: _secret, ...client } = row;
  return client;
}

/** Only the fields a patch sets: an absent field must not overwrite the current value with undefined. */
function definedOf(patch: ClientPatch): ClientPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}

function invalid(errors: FieldError[]): ValidationError {
  return new ValidationError('identity.client_invalid', errors, { count: errors.length });
}
