/**
 * SCIM Users over the directory's people (RFC 7644 §3): list with filters, sorting and paging,
 * read, create, replace, patch and delete (a deleted user has left; nobody is ever erased). A
 * token reaches only the people whose primary post lies in its owner unit's subtree, and writes as
 * the machine actor `scim:<token id>` through the directory's own services, so each change leaves
 * the directory's history, audit entry and event; the SCIM read model and mailbox follow in the
 * same transaction.
 */
import type { Database, Executor } from '../../platform/db/database.js';
import { ConflictError, type DomainError, NotFoundError } from '../../platform/errors.js';
import { assignPost, createPerson, endPost, getPerson, type PersonPatch, updatePerson } from '../directory/index.js';
import { joinName } from './mail-address-rule.js';
import {
  REPLICA_SQL,
  type ReplicaRow,
  selectReplica,
  selectReplicaByUserName,
  selectReplicas,
  updateExternalId,
} from './person-replica.repository.js';
import { type SyncSettings, syncPerson } from './person-sync.service.js';
import { ScimError } from './scim-error.js';
import { type AttributeSql, compileFilter, normalisePath, parseFilter } from './scim-filter.js';
import { applyPatch, attributeOf, type PatchOperation } from './scim-patch.js';
import { type ScimToken, tokenActor } from './scim-token.service.js';
import { tokenPolicy } from './scim-token-policy.js';
import {
  ENTERPRISE_USER_SCHEMA,
  HUITONG_USER_SCHEMA,
  presentUser,
  type ScimResource,
  USER_EXTENSIONS,
  USER_SCHEMA,
} from './scim-user.presenter.js';

/** Who is asking and where the answers point: resolved once per request by the SCIM plugin. */
export interface ScimContext {
  token: ScimToken;
  /** The org unit codes of the token's subtree. */
  unitCodes: readonly string[];
  /** `…/scim/v2`, for `meta.location`. */
  scimBaseUrl: string;
}

export interface ListQuery {
  filter?: string | undefined;
  /** 1-based (RFC 7644 §3.4.2.4); below 1 reads as 1. */
  startIndex: number;
  count: number;
  sortBy?: string | undefined;
  sortOrder?: 'ascending' | 'descending' | undefined;
}

export interface ListResult {
  resources: ScimResource[];
  totalResults: number;
  startIndex: number;
}

const ENTERPRISE = ENTERPRISE_USER_SCHEMA.toLowerCase();
const HUITONG = HUITONG_USER_SCHEMA.toLowerCase();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The attributes a filter or sortBy may name, by their lower-cased path. */
const USER_ATTRIBUTES: Readonly<Record<string, AttributeSql>> = {
  id: { expression: REPLICA_SQL.personId, type: 'string', caseExact: true },
  username: { expression: REPLICA_SQL.userName, type: 'string', storedLowerCase: true },
  externalid: { expression: REPLICA_SQL.externalId, type: 'string', caseExact: true },
  displayname: { expression: REPLICA_SQL.name, type: 'string' },
  'name.formatted': { expression: REPLICA_SQL.name, type: 'string' },
  'name.familyname': { expression: REPLICA_SQL.familyName, type: 'string' },
  'name.givenname': { expression: REPLICA_SQL.givenName, type: 'string' },
  title: { expression: REPLICA_SQL.title, type: 'string' },
  active: { expression: REPLICA_SQL.active, type: 'boolean' },
  emails: { expression: REPLICA_SQL.mailAddress, type: 'string', storedLowerCase: true },
  'emails.value': { expression: REPLICA_SQL.mailAddress, type: 'string', storedLowerCase: true },
  'emails.type': { expression: REPLICA_SQL.mailType, type: 'string' },
  'emails.primary': { expression: REPLICA_SQL.mailPrimary, type: 'boolean' },
  'phonenumbers.type': { expression: REPLICA_SQL.mobileType, type: 'string' },
  'phonenumbers.value': { expression: REPLICA_SQL.mobile, type: 'string', caseExact: true },
  phonenumbers: { expression: REPLICA_SQL.mobile, type: 'string', caseExact: true },
  'meta.created': { expression: REPLICA_SQL.created, type: 'datetime' },
  'meta.lastmodified': { expression: REPLICA_SQL.lastModified, type: 'datetime' },
  [`${ENTERPRISE}:employeenumber`]: { expression: REPLICA_SQL.staffNo, type: 'string' },
  [`${ENTERPRISE}:department`]: { expression: REPLICA_SQL.department, type: 'string' },
  [`${ENTERPRISE}:organization`]: { expression: REPLICA_SQL.organization, type: 'string' },
  [`${HUITONG}:orgunitcode`]: { expression: REPLICA_SQL.orgUnitCode, type: 'string', caseExact: true },
};

/**
 * A page of the token's users matching the filter.
 * @throws ScimError 400 invalidFilter
 * @example await listUsers(db, context, { filter: 'userName eq "ht000001"', startIndex: 1, count: 100 });
 */
export async function listUsers(executor: Executor, context: ScimContext, query: ListQuery): Promise<ListResult> {
  const where = query.filter ? compileFilter(parseFilter(query.filter, USER_SCHEMA), USER_ATTRIBUTES) : undefined;
  const sortBy = query.sortBy ? USER_ATTRIBUTES[normalisePath(query.sortBy, USER_SCHEMA)] : undefined;
  if (query.sortBy && !sortBy) {
    throw new ScimError(400, 'provisioning.scim_value_invalid', 'invalidValue', { fields: 'sortBy' });
  }
  const startIndex = Math.max(1, query.startIndex);
  const { rows, total } = await selectReplicas(executor, {
    orgUnitCodes: context.unitCodes,
    where,
    sortBy: sortBy?.expression,
    descending: query.sortOrder === 'descending',
    offset: startIndex - 1,
    limit: Math.max(0, query.count),
  });
  return {
    resources: rows.map((row) => presentUser(row, context.scimBaseUrl)),
    totalResults: total,
    startIndex,
  };
}

/**
 * One of the token's users.
 * @throws ScimError 404
 * @example const user = await getUser(db, context, id);
 */
export async function getUser(executor: Executor, context: ScimContext, id: string): Promise<ScimResource> {
  return presentUser(await visibleRow(executor, context, id), context.scimBaseUrl);
}

/**
 * Creates a person from a SCIM User, with a primary post (Huitong extension `orgUnitCode`, default
 * the token's owner unit, and `title`, or the core `title`).
 * @throws ScimError 400 invalidValue / invalidSyntax, 403 out of scope, 409 uniqueness
 * @example const user = await createUser(database, context, { sync }, body);
 */
export async function createUser(
  database: Database,
  context: ScimContext,
  deps: { sync: SyncSettings },
  body: unknown,
): Promise<ScimResource> {
  const input = readUser(body, undefined);
  const orgUnitCode = input.orgUnitCode ?? context.token.ownerOrgUnitCode;
  const missing = [
    ...(input.staffNo ? [] : ['userName']),
    ...(input.name ? [] : ['name']),
    ...(input.title ? [] : [`${HUITONG_USER_SCHEMA}:title`]),
  ];
  if (missing.length > 0) throw invalidValue(missing);
  assertInScope(context, orgUnitCode);
  const acting = actingFor(context);
  return database.transaction(async (tx) => {
    if (await selectReplicaByUserName(tx, input.userName ?? input.staffNo!)) throw uniqueness('userName');
    const person = await createPerson(
      tx,
      {
        staffNo: input.staffNo!,
        name: input.name!,
        mobile: input.mobile ?? null,
        status: input.active === false ? 'suspended' : 'active',
        firstPost: { orgUnitCode, title: input.title! },
      },
      acting,
    ).catch(translateDirectoryError);
    await syncPerson(tx, person.id, deps.sync, acting.actor);
    if (input.externalId) await updateExternalId(tx, person.id, input.externalId);
    return presentUser((await selectReplica(tx, person.id))!, context.scimBaseUrl);
  });
}

/**
 * Replaces a user's writable attributes (PUT). `userName` and `employeeNumber` are the staff number
 * and cannot change (mutability); `emails` are the platform's mailbox and are ignored, as is any
 * read-only attribute (RFC 7644 §3.5.1).
 * @throws ScimError 404, 412, 400, 409
 * @example await replaceUser(database, context, { sync }, id, body, request.headers['if-match']);
 */
export async function replaceUser(
  database: Database,
  context: ScimContext,
  deps: { sync: SyncSettings },
  id: string,
  body: unknown,
  ifMatch: string | undefined,
): Promise<ScimResource> {
  return writeUser(database, context, deps, id, ifMatch, () => body);
}

/**
 * Applies a PatchOp (RFC 7644 §3.5.2) and stores the result as a replacement would be. `active`
 * false suspends the person (and their mailbox), true makes them active again.
 * @throws ScimError 404, 412, 400 (invalidSyntax, invalidPath, noTarget, invalidValue, mutability)
 * @example await patchUser(database, context, { sync }, id, { Operations: [{ op: 'replace', path: 'active', value: false }] }, undefined);
 */
export async function patchUser(
  database: Database,
  context: ScimContext,
  deps: { sync: SyncSettings },
  id: string,
  body: unknown,
  ifMatch: string | undefined,
): Promise<ScimResource> {
  const operations = readPatchOperations(body);
  return writeUser(database, context, deps, id, ifMatch, (current) =>
    applyPatch(current, operations, USER_SCHEMA, USER_EXTENSIONS),
  );
}

/**
 * Deletes a user: the person leaves (every post ends today), so they drop out of every token's view
 * and their mailbox is removed; the directory keeps them.
 * @throws ScimError 404, 412
 * @example await deleteUser(database, context, { sync }, id, undefined);
 */
export async function deleteUser(
  database: Database,
  context: ScimContext,
  deps: { sync: SyncSettings },
  id: string,
  ifMatch: string | undefined,
): Promise<void> {
  await database.transaction(async (tx) => {
    const acting = actingFor(context);
    await lockedCurrent(tx, context, deps, id, ifMatch);
    await updatePerson(tx, id, { status: 'left' }, acting).catch(translateDirectoryError);
    await syncPerson(tx, id, deps.sync, acting.actor);
  });
}

/**
 * The one path of PUT and PATCH: lock, check the version, work out the desired resource, and turn
 * the differences into directory changes.
 */
async function writeUser(
  database: Database,
  context: ScimContext,
  deps: { sync: SyncSettings },
  id: string,
  ifMatch: string | undefined,
  desire: (current: ScimResource) => unknown,
): Promise<ScimResource> {
  return database.transaction(async (tx) => {
    const acting = actingFor(context);
    const current = await lockedCurrent(tx, context, deps, id, ifMatch);
    const row = (await selectReplica(tx, id))!;
    const input = readUser(desire(current), row);

    const patch: PersonPatch = {};
    if (input.name && input.name !== row.name) patch.name = input.name;
    if (input.mobile !== undefined && input.mobile !== row.mobile) patch.mobile = input.mobile;
    if (input.active !== undefined && input.active !== (row.status === 'active')) {
      patch.status = input.active ? 'active' : 'suspended';
    }
    if (Object.keys(patch).length > 0) await updatePerson(tx, id, patch, acting).catch(translateDirectoryError);

    const orgUnitCode = input.orgUnitCode ?? row.primaryOrgUnitCode;
    const title = input.title ?? row.title;
    if (orgUnitCode && title && (orgUnitCode !== row.primaryOrgUnitCode || title !== row.title)) {
      assertInScope(context, orgUnitCode);
      const former = (await getPerson(tx, id)).posts.find((post) => post.isPrimary);
      await assignPost(tx, id, { orgUnitCode, title, isPrimary: true }, acting).catch(translateDirectoryError);
      if (former) await endPost(tx, former.id, {}, acting);
    }
    if ((input.externalId ?? null) !== row.externalId) await updateExternalId(tx, id, input.externalId ?? null);
    await syncPerson(tx, id, deps.sync, acting.actor);
    const updated = await selectReplica(tx, id);
    // A move out of the token's subtree would be refused above, so the person is still visible.
    return presentUser(updated!, context.scimBaseUrl);
  });
}

/** The user as the token sees it now, under the person's row lock, after checking If-Match. */
async function lockedCurrent(
  executor: Executor,
  context: ScimContext,
  deps: { sync: SyncSettings },
  id: string,
  ifMatch: string | undefined,
): Promise<ScimResource> {
  if (!UUID.test(id)) throw notFound(id);
  // Refresh first: the replica may not have caught up with a change made elsewhere yet, and the
  // version must be compared with the person as they are.
  await syncPerson(executor, id, deps.sync, tokenActor(context.token));
  const row = await selectReplica(executor, id, context.unitCodes, { lock: true });
  if (!row) throw notFound(id);
  const current = presentUser(row, context.scimBaseUrl);
  if (ifMatch && !versionMatches(ifMatch, current.meta.version)) {
    throw new ScimError(412, 'provisioning.scim_version_mismatch');
  }
  return current;
}

async function visibleRow(executor: Executor, context: ScimContext, id: string): Promise<ReplicaRow> {
  if (!UUID.test(id)) throw notFound(id);
  const row = await selectReplica(executor, id, context.unitCodes);
  if (!row) throw notFound(id);
  return row;
}

/**
 * Whether an If-Match / If-None-Match header names this version: `*`, or one of a list of
 * entity tags, compared weakly (RFC 7232 §2.3.2).
 * @example versionMatches('W/"abc", W/"def"', 'W/"def"'); // true
 */
export function versionMatches(header: string, version: string): boolean {
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(version));
}

interface UserInput {
  userName?: string | undefined;
  staffNo?: string | undefined;
  name?: string | undefined;
  mobile?: string | null | undefined;
  active?: boolean | undefined;
  externalId?: string | undefined;
  orgUnitCode?: string | undefined;
  title?: string | undefined;
}

/**
 * Reads the attributes Huitong keeps from a User document; every attribute of the wrong type is
 * listed in one invalidValue error. With `current`, userName may stay as it is shown (an account
 * username) without being read as a staff number.
 */
function readUser(body: unknown, current: ReplicaRow | undefined): UserInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ScimError(400, 'provisioning.scim_syntax_invalid', 'invalidSyntax', { reason: 'not an object' });
  }
  const bad: string[] = [];
  const text = (value: unknown, field: string): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      bad.push(field);
      return undefined;
    }
    return value.trim() === '' ? undefined : value.trim();
  };
  const enterprise = attributeOf(body, ENTERPRISE_USER_SCHEMA);
  const huitong = attributeOf(body, HUITONG_USER_SCHEMA);
  const name = attributeOf(body, 'name');
  const userName = text(attributeOf(body, 'userName'), 'userName');
  const employeeNumber = text(attributeOf(enterprise, 'employeeNumber'), `${ENTERPRISE_USER_SCHEMA}:employeeNumber`);

  // userName is the staff number in lower case (or the person's account username, shown read-only):
  // neither it nor employeeNumber changes once the person exists.
  if (current && userName && userName.toLowerCase() !== current.userName) throw mutability('userName');
  if (current && employeeNumber && employeeNumber.toUpperCase() !== current.staffNo) {
    throw mutability('employeeNumber');
  }
  let staffNo = employeeNumber?.toUpperCase();
  if (userName && !current) {
    const fromUserName = userName.toUpperCase();
    if (staffNo && staffNo !== fromUserName) bad.push('userName');
    staffNo ??= fromUserName;
  }
  if (staffNo && !/^[A-Z0-9]{4,20}$/.test(staffNo)) bad.push(employeeNumber ? 'employeeNumber' : 'userName');

  const formatted = text(attributeOf(name, 'formatted'), 'name.formatted');
  const familyName = text(attributeOf(name, 'familyName'), 'name.familyName');
  const givenName = text(attributeOf(name, 'givenName'), 'name.givenName');
  const displayName = text(attributeOf(body, 'displayName'), 'displayName');
  const joined =
    familyName || givenName ? joinName({ familyName: familyName ?? '', givenName: givenName ?? '' }) : undefined;
  // The part the client changed wins: a PATCH of name.givenName leaves a stale formatted behind.
  const candidates = [formatted, joined, displayName].filter((value): value is string => value !== undefined);
  const changedName = current ? candidates.find((value) => value !== current.name) : undefined;

  const phones = attributeOf(body, 'phoneNumbers');
  let mobile: string | null | undefined;
  if (phones === null || (Array.isArray(phones) && phones.length === 0)) mobile = null;
  else if (Array.isArray(phones)) {
    const chosen = phones.find((phone) => attributeOf(phone, 'type') === 'mobile') ?? phones[0];
    mobile = text(attributeOf(chosen, 'value'), 'phoneNumbers.value') ?? null;
  } else if (phones !== undefined) bad.push('phoneNumbers');
  else if (current) mobile = null;

  const activeValue = attributeOf(body, 'active');
  let active: boolean | undefined;
  if (typeof activeValue === 'boolean') active = activeValue;
  // Microsoft Entra ID sends booleans as strings ("False").
  else if (typeof activeValue === 'string' && /^(true|false)$/i.test(activeValue)) {
    active = activeValue.toLowerCase() === 'true';
  } else if (activeValue !== undefined && activeValue !== null) bad.push('active');

  const externalId = text(attributeOf(body, 'externalId'), 'externalId');
  if (externalId && externalId.length > 200) bad.push('externalId');
  const orgUnitCode = text(attributeOf(huitong, 'orgUnitCode'), `${HUITONG_USER_SCHEMA}:orgUnitCode`);
  const title =
    text(attributeOf(huitong, 'title'), `${HUITONG_USER_SCHEMA}:title`) ?? text(attributeOf(body, 'title'), 'title');
  if (bad.length > 0) throw invalidValue(bad);
  return {
    userName,
    staffNo,
    name: current ? (changedName ?? current.name) : candidates[0],
    mobile,
    active,
    externalId,
    orgUnitCode,
    title,
  };
}

/**
 * The operations of a PatchOp message.
 * @throws ScimError 400 invalidSyntax
 */
export function readPatchOperations(body: unknown): PatchOperation[] {
  const operations = attributeOf(body, 'Operations');
  const schemas = attributeOf(body, 'schemas');
  const valid =
    Array.isArray(operations) &&
    operations.length > 0 &&
    operations.every((op) => typeof op === 'object' && op !== null && typeof attributeOf(op, 'op') === 'string') &&
    (schemas === undefined ||
      (Array.isArray(schemas) && schemas.includes('urn:ietf:params:scim:api:messages:2.0:PatchOp')));
  if (!valid) throw new ScimError(400, 'provisioning.scim_syntax_invalid', 'invalidSyntax', { reason: 'PatchOp' });
  return operations.map((op) => ({
    op: attributeOf(op, 'op') as string,
    path: attributeOf(op, 'path') as string | undefined,
    value: attributeOf(op, 'value'),
  }));
}

/** The token's machine actor, with the policy that bounds it to the token's subtree. */
function actingFor(context: ScimContext) {
  return { actor: tokenActor(context.token), policy: tokenPolicy(context) };
}

function assertInScope(context: ScimContext, orgUnitCode: string): void {
  if (!context.unitCodes.includes(orgUnitCode)) {
    throw new ScimError(403, 'provisioning.scim_out_of_scope', undefined, {
      orgUnitCode,
      ownerOrgUnitCode: context.token.ownerOrgUnitCode,
    });
  }
}

/** The directory's errors, in SCIM's words: a taken staff number or mobile is a uniqueness conflict. */
function translateDirectoryError(error: DomainError): never {
  if (error instanceof NotFoundError && error.code === 'directory.org_unit_not_found') {
    throw invalidValue([`${HUITONG_USER_SCHEMA}:orgUnitCode`]);
  }
  if (error instanceof ConflictError) throw new ScimError(409, error.code, undefined, error.params);
  throw error;
}

function invalidValue(fields: string[]): ScimError {
  return new ScimError(400, 'provisioning.scim_value_invalid', 'invalidValue', { fields: fields.join(', ') });
}

function uniqueness(attribute: string): ScimError {
  return new ScimError(409, 'provisioning.scim_uniqueness', 'uniqueness', { attribute });
}

function mutability(attribute: string): ScimError {
  return new ScimError(400, 'provisioning.scim_mutability', 'mutability', { attribute });
}

function notFound(id: string): ScimError {
  return new ScimError(404, 'provisioning.scim_user_not_found', undefined, { id });
}
