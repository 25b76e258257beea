/**
 * Bearer tokens for downstream systems (a mail system, an office system): one per system, owned by
 * an org unit, which bounds what it sees and changes (the people whose primary post lies in that
 * unit's subtree). Made, listed and revoked by staff holding `provisioning.manage` over the owner
 * unit. A token is 256 random bits shown once; only its SHA-256 is stored, so a leaked table holds
 * nothing usable (a uniformly random 256-bit secret needs no slow hash, unlike a password).
 */
import { createHash, randomBytes } from 'node:crypto';
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor, Policy } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import { type FieldError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { getOrgUnit, orgSubtree } from '../directory/index.js';
import { SCIM_TOKEN_SCOPES, type ScimTokenScope } from './provisioning.tables.js';
import {
  insertScimToken,
  markTokenRevoked,
  type ScimToken,
  selectLiveTokenByHash,
  selectScimToken,
  selectScimTokens,
  touchToken,
} from './scim-token.repository.js';
import './provisioning.messages.js';

export type { ScimToken } from './scim-token.repository.js';

/** Recognisable in a leaked file or a secret scanner: `hts_` then 43 base64url characters. */
const TOKEN_PREFIX = 'hts_';
const TOKEN_PATTERN = /^hts_[A-Za-z0-9_-]{43}$/;

export interface NewScimToken {
  name: string;
  ownerOrgUnitCode: string;
  scopes: ScimTokenScope[];
}

/**
 * Makes a token; the returned `secret` is shown once and never again.
 * @throws ValidationError `provisioning.scim_token_invalid_input`; ForbiddenError from the policy
 * @example const { token, secret } = await createScimToken(tx, actor, { policy }, { name: '邮件系统', ownerOrgUnitCode: 'HT', scopes: ['read', 'write'] });
 */
export async function createScimToken(
  executor: Executor,
  actor: Actor,
  deps: { policy: Policy },
  input: NewScimToken,
  options: { requestId?: string } = {},
): Promise<{ token: ScimToken; secret: string }> {
  const name = input.name?.trim() ?? '';
  const scopes = [...new Set(input.scopes ?? [])];
  const errors: FieldError[] = [];
  if (name.length < 1 || name.length > 100) errors.push({ pointer: '/name', reason: 'length' });
  if (scopes.length === 0 || scopes.some((scope) => !SCIM_TOKEN_SCOPES.includes(scope))) {
    errors.push({ pointer: '/scopes', reason: 'one_of' });
  }
  const unit = await getOrgUnit(executor, input.ownerOrgUnitCode).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  if (!unit) errors.push({ pointer: '/ownerOrgUnitCode', reason: 'not_found' });
  if (errors.length > 0 || !unit) {
    throw new ValidationError('provisioning.scim_token_invalid_input', errors, { count: errors.length });
  }
  await deps.policy.assertAllowed(executor, actor, 'provisioning.manage', unit.code);
  const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = await insertScimToken(executor, {
    name,
    ownerOrgUnitCode: unit.code,
    tokenHash: hashToken(secret),
    scopes,
    createdBy: `${actor.type}:${actor.id}`,
  });
  await recordAudit(executor, {
    actor,
    action: 'provisioning.scim_token.create',
    target: { type: 'scim_token', id },
    outcome: 'success',
    ...(options.requestId ? { requestId: options.requestId } : {}),
    details: { tokenId: id, ownerOrgUnitCode: unit.code, scopes },
  });
  return { token: (await selectScimToken(executor, id))!, secret };
}

/**
 * The tokens the actor may manage: those owned by units where it holds `provisioning.manage`.
 * @example const tokens = await listScimTokens(db, actor, { policy });
 */
export async function listScimTokens(executor: Executor, actor: Actor, deps: { policy: Policy }): Promise<ScimToken[]> {
  const scope = await deps.policy.scopeOf(executor, actor, 'provisioning.manage');
  if (scope.everywhere) return selectScimTokens(executor);
  const codes = new Set<string>();
  for (const root of scope.orgUnitCodes) {
    for (const unit of await orgSubtree(executor, root)) codes.add(unit.code);
  }
  return selectScimTokens(executor, [...codes]);
}

/**
 * Revokes a token at once: its next request is refused. Revoking twice changes nothing.
 * @throws NotFoundError `provisioning.scim_token_not_found`; ForbiddenError from the policy
 * @example await revokeScimToken(tx, actor, { policy }, tokenId);
 */
export async function revokeScimToken(
  executor: Executor,
  actor: Actor,
  deps: { policy: Policy },
  tokenId: string,
  options: { requestId?: string } = {},
): Promise<ScimToken> {
  const token = await selectScimToken(executor, tokenId);
  if (!token) throw new NotFoundError('provisioning.scim_token_not_found', { tokenId });
  await deps.policy.assertAllowed(executor, actor, 'provisioning.manage', token.ownerOrgUnitCode);
  if (!token.revokedAt) {
    await markTokenRevoked(executor, tokenId);
    await recordAudit(executor, {
      actor,
      action: 'provisioning.scim_token.revoke',
      target: { type: 'scim_token', id: tokenId },
      outcome: 'success',
      ...(options.requestId ? { requestId: options.requestId } : {}),
      details: { tokenId, ownerOrgUnitCode: token.ownerOrgUnitCode },
    });
  }
  return (await selectScimToken(executor, tokenId))!;
}

/**
 * The live token a bearer secret names, or undefined (malformed, unknown or revoked).
 * @example const token = await tokenFromSecret(db, bearer);
 */
export async function tokenFromSecret(executor: Executor, secret: string): Promise<ScimToken | undefined> {
  if (!TOKEN_PATTERN.test(secret)) return undefined;
  const token = await selectLiveTokenByHash(executor, hashToken(secret));
  if (token) await touchToken(executor, token.id);
  return token;
}

/**
 * The org unit codes a token reaches: its owner unit and everything below. Empty when the owner unit
 * is gone from the directory.
 * @example const codes = await tokenUnitCodes(db, token);
 */
export async function tokenUnitCodes(
  executor: Executor,
  token: Pick<ScimToken, 'ownerOrgUnitCode'>,
): Promise<string[]> {
  try {
    return (await orgSubtree(executor, token.ownerOrgUnitCode)).map((unit) => unit.code);
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    throw error;
  }
}

/** The actor a token's writes are made as: a machine, named after the token. */
export function tokenActor(token: Pick<ScimToken, 'id'>): Actor {
  return { type: 'machine', id: `scim:${token.id}` };
}

function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
