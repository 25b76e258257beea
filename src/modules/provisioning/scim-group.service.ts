/**
 * SCIM Groups (RFC 7643 §4.2): groups of people kept by this module for downstream systems (mailing
 * lists, office-system roles). A group belongs to the owner unit of the token that made it; a token
 * sees the groups of its subtree, and within them only the members it can see, and it can add only
 * people it can see. Every change is audited; deleting a group deletes it (it is this module's own
 * data, unlike a person).
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Database, Executor } from '../../platform/db/database.js';
import { selectPeopleInUnits } from './person-replica.repository.js';
import { ScimError } from './scim-error.js';
import { type AttributeSql, compileFilter, normalisePath, parseFilter } from './scim-filter.js';
import {
  deleteGroup as deleteGroupRow,
  GROUP_SQL,
  type GroupMember,
  type GroupRow,
  groupNameTaken,
  insertGroup,
  replaceMembers,
  selectGroup,
  selectGroups,
  selectMembers,
  updateGroup,
} from './scim-group.repository.js';
import { applyPatch, attributeOf } from './scim-patch.js';
import { tokenActor } from './scim-token.service.js';
import { type ScimResource, withMeta } from './scim-user.presenter.js';
import {
  type ListQuery,
  type ListResult,
  readPatchOperations,
  type ScimContext,
  versionMatches,
} from './scim-user.service.js';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const GROUP_ATTRIBUTES: Readonly<Record<string, AttributeSql>> = {
  id: { expression: GROUP_SQL.id, type: 'string', caseExact: true },
  displayname: { expression: GROUP_SQL.displayName, type: 'string' },
  externalid: { expression: GROUP_SQL.externalId, type: 'string', caseExact: true },
  'meta.created': { expression: GROUP_SQL.created, type: 'datetime' },
  'meta.lastmodified': { expression: GROUP_SQL.lastModified, type: 'datetime' },
};

/**
 * A page of the token's groups matching the filter.
 * @throws ScimError 400 invalidFilter
 * @example await listGroups(db, context, { filter: 'displayName eq "办公室"', startIndex: 1, count: 100 });
 */
export async function listGroups(executor: Executor, context: ScimContext, query: ListQuery): Promise<ListResult> {
  const where = query.filter ? compileFilter(parseFilter(query.filter, GROUP_SCHEMA), GROUP_ATTRIBUTES) : undefined;
  const sortBy = query.sortBy ? GROUP_ATTRIBUTES[normalisePath(query.sortBy, GROUP_SCHEMA)] : undefined;
  if (query.sortBy && !sortBy) {
    throw new ScimError(400, 'provisioning.scim_value_invalid', 'invalidValue', { fields: 'sortBy' });
  }
  const startIndex = Math.max(1, query.startIndex);
  const { rows, total } = await selectGroups(executor, {
    ownerOrgUnitCodes: context.unitCodes,
    where,
    sortBy: sortBy?.expression,
    descending: query.sortOrder === 'descending',
    offset: startIndex - 1,
    limit: Math.max(0, query.count),
  });
  const members = await selectMembers(
    executor,
    rows.map((row) => row.id),
    context.unitCodes,
  );
  return {
    resources: rows.map((row) => presentGroup(row, members.get(row.id) ?? [], context.scimBaseUrl)),
    totalResults: total,
    startIndex,
  };
}

/**
 * One of the token's groups.
 * @throws ScimError 404
 * @example const group = await getGroup(db, context, id);
 */
export async function getGroup(executor: Executor, context: ScimContext, id: string): Promise<ScimResource> {
  const row = await visibleGroup(executor, context, id);
  const members = await selectMembers(executor, [id], context.unitCodes);
  return presentGroup(row, members.get(id) ?? [], context.scimBaseUrl);
}

/**
 * Creates a group under the token's owner unit.
 * @throws ScimError 400 invalidValue / invalidSyntax, 409 uniqueness
 * @example await createGroup(database, context, { displayName: '办公室', members: [{ value: personId }] });
 */
export async function createGroup(database: Database, context: ScimContext, body: unknown): Promise<ScimResource> {
  const input = readGroup(body);
  return database.transaction(async (tx) => {
    await checkMembers(tx, context, input.memberIds);
    if (await groupNameTaken(tx, input.displayName)) throw uniqueness();
    const id = await insertGroup(tx, {
      displayName: input.displayName,
      externalId: input.externalId,
      ownerOrgUnitCode: context.token.ownerOrgUnitCode,
    });
    await replaceMembers(tx, id, input.memberIds, []);
    await audit(tx, context, 'provisioning.group.create', id, { memberCount: input.memberIds.length });
    return getGroup(tx, context, id);
  });
}

/**
 * Replaces a group's name, external id and the members the token can see (PUT).
 * @throws ScimError 404, 412, 400, 409
 * @example await replaceGroup(database, context, id, body, undefined);
 */
export async function replaceGroup(
  database: Database,
  context: ScimContext,
  id: string,
  body: unknown,
  ifMatch: string | undefined,
): Promise<ScimResource> {
  return writeGroup(database, context, id, ifMatch, () => body);
}

/**
 * Applies a PatchOp: `add` / `remove` members (`members[value eq "…"]`), replace the name.
 * @throws ScimError 404, 412, 400
 * @example await patchGroup(database, context, id, { Operations: [{ op: 'add', path: 'members', value: [{ value: personId }] }] }, undefined);
 */
export async function patchGroup(
  database: Database,
  context: ScimContext,
  id: string,
  body: unknown,
  ifMatch: string | undefined,
): Promise<ScimResource> {
  const operations = readPatchOperations(body);
  return writeGroup(database, context, id, ifMatch, (current) => applyPatch(current, operations, GROUP_SCHEMA, []));
}

/**
 * Deletes a group and its memberships.
 * @throws ScimError 404, 412
 * @example await deleteGroup(database, context, id, undefined);
 */
export async function deleteGroup(
  database: Database,
  context: ScimContext,
  id: string,
  ifMatch: string | undefined,
): Promise<void> {
  await database.transaction(async (tx) => {
    await lockedGroup(tx, context, id, ifMatch);
    await deleteGroupRow(tx, id);
    await audit(tx, context, 'provisioning.group.delete', id, {});
  });
}

async function writeGroup(
  database: Database,
  context: ScimContext,
  id: string,
  ifMatch: string | undefined,
  desire: (current: ScimResource) => unknown,
): Promise<ScimResource> {
  return database.transaction(async (tx) => {
    const current = await lockedGroup(tx, context, id, ifMatch);
    const input = readGroup(desire(current));
    await checkMembers(tx, context, input.memberIds);
    if (await groupNameTaken(tx, input.displayName, id)) throw uniqueness();
    const before = ((current.members as Array<{ value: string }> | undefined) ?? []).map((member) => member.value);
    await updateGroup(tx, id, { displayName: input.displayName, externalId: input.externalId });
    await replaceMembers(tx, id, input.memberIds, before);
    await audit(tx, context, 'provisioning.group.update', id, {
      added: input.memberIds.filter((member) => !before.includes(member)),
      removed: before.filter((member) => !input.memberIds.includes(member)),
    });
    return getGroup(tx, context, id);
  });
}

async function lockedGroup(
  executor: Executor,
  context: ScimContext,
  id: string,
  ifMatch: string | undefined,
): Promise<ScimResource> {
  if (!UUID.test(id)) throw notFound(id);
  const row = await selectGroup(executor, id, context.unitCodes, { lock: true });
  if (!row) throw notFound(id);
  const members = await selectMembers(executor, [id], context.unitCodes);
  const current = presentGroup(row, members.get(id) ?? [], context.scimBaseUrl);
  if (ifMatch && !versionMatches(ifMatch, current.meta.version)) {
    throw new ScimError(412, 'provisioning.scim_version_mismatch');
  }
  return current;
}

async function visibleGroup(executor: Executor, context: ScimContext, id: string): Promise<GroupRow> {
  if (!UUID.test(id)) throw notFound(id);
  const row = await selectGroup(executor, id, context.unitCodes);
  if (!row) throw notFound(id);
  return row;
}

function presentGroup(row: GroupRow, members: GroupMember[], scimBaseUrl: string): ScimResource {
  const body = {
    schemas: [GROUP_SCHEMA],
    id: row.id,
    displayName: row.displayName,
    ...(row.externalId ? { externalId: row.externalId } : {}),
    members: members.map((member) => ({
      value: member.personId,
      display: member.name,
      type: 'User',
      $ref: `${scimBaseUrl}/Users/${member.personId}`,
    })),
  };
  return withMeta(body, 'Group', row.id, row.createdAt, row.updatedAt, scimBaseUrl, row.version);
}

function readGroup(body: unknown): { displayName: string; externalId: string | null; memberIds: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ScimError(400, 'provisioning.scim_syntax_invalid', 'invalidSyntax', { reason: 'not an object' });
  }
  const bad: string[] = [];
  const displayName = attributeOf(body, 'displayName');
  if (typeof displayName !== 'string' || displayName.trim() === '' || displayName.length > 200) bad.push('displayName');
  const externalId = attributeOf(body, 'externalId');
  if (externalId !== undefined && externalId !== null && typeof externalId !== 'string') bad.push('externalId');
  const members = attributeOf(body, 'members') ?? [];
  const memberIds: string[] = [];
  if (!Array.isArray(members)) bad.push('members');
  else {
    for (const member of members) {
      const value = attributeOf(member, 'value');
      if (typeof value !== 'string' || !UUID.test(value)) bad.push('members.value');
      else if (!memberIds.includes(value.toLowerCase())) memberIds.push(value.toLowerCase());
    }
  }
  if (bad.length > 0) {
    throw new ScimError(400, 'provisioning.scim_value_invalid', 'invalidValue', {
      fields: [...new Set(bad)].join(', '),
    });
  }
  return {
    displayName: (displayName as string).trim(),
    externalId: typeof externalId === 'string' && externalId !== '' ? externalId : null,
    memberIds,
  };
}

/** Every member must be a person the token can see. */
async function checkMembers(executor: Executor, context: ScimContext, personIds: readonly string[]): Promise<void> {
  const visible = await selectPeopleInUnits(executor, personIds, context.unitCodes);
  if (visible.length !== personIds.length) {
    throw new ScimError(400, 'provisioning.scim_value_invalid', 'invalidValue', { fields: 'members.value' });
  }
}

async function audit(
  executor: Executor,
  context: ScimContext,
  action: string,
  groupId: string,
  details: Record<string, unknown>,
): Promise<void> {
  await recordAudit(executor, {
    actor: tokenActor(context.token),
    action,
    target: { type: 'scim_group', id: groupId },
    outcome: 'success',
    details: { groupId, ...details },
  });
}

function uniqueness(): ScimError {
  return new ScimError(409, 'provisioning.scim_uniqueness', 'uniqueness', { attribute: 'displayName' });
}

function notFound(id: string): ScimError {
  return new ScimError(404, 'provisioning.scim_group_not_found', undefined, { id });
}
