/**
 * People as SCIM Users (RFC 7643 §4.1, with the enterprise extension §4.3 and Huitong's own
 * directory extension), ETags, and the attributes / excludedAttributes projection (RFC 7644 §3.9).
 */
import { createHash } from 'node:crypto';
import type { ReplicaRow } from './person-replica.repository.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const HUITONG_USER_SCHEMA = 'urn:huitong:scim:schemas:extension:directory:1.0:User';
export const USER_EXTENSIONS = [ENTERPRISE_USER_SCHEMA, HUITONG_USER_SCHEMA] as const;

export type ScimResource = Record<string, unknown> & {
  id: string;
  meta: { resourceType: string; created: string; lastModified: string; version: string; location: string };
};

/**
 * A person as a SCIM User, its `meta.version` a weak ETag over everything else it shows.
 * @example presentUser(row, 'https://huitong.example.gov.cn/scim/v2');
 */
export function presentUser(row: ReplicaRow, scimBaseUrl: string): ScimResource {
  const body: Record<string, unknown> = {
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, HUITONG_USER_SCHEMA],
    id: row.personId,
    ...(row.externalId ? { externalId: row.externalId } : {}),
    userName: row.userName,
    name: { formatted: row.name, familyName: row.familyName, givenName: row.givenName },
    displayName: row.name,
    ...(row.title ? { title: row.title } : {}),
    active: row.status === 'active',
    ...(row.mailAddress ? { emails: [{ value: row.mailAddress, type: 'work', primary: true }] } : {}),
    ...(row.mobile ? { phoneNumbers: [{ value: row.mobile, type: 'mobile' }] } : {}),
    [ENTERPRISE_USER_SCHEMA]: {
      employeeNumber: row.staffNo,
      ...(row.organization ? { organization: row.organization } : {}),
      ...(row.primaryOrgUnitName ? { department: row.primaryOrgUnitName } : {}),
    },
    [HUITONG_USER_SCHEMA]: {
      ...(row.primaryOrgUnitCode ? { orgUnitCode: row.primaryOrgUnitCode } : {}),
      ...(row.title ? { title: row.title } : {}),
      status: row.status,
      ...(row.mailStatus ? { mailboxStatus: row.mailStatus } : {}),
    },
  };
  return withMeta(body, 'User', row.personId, row.createdAt, row.lastModified, scimBaseUrl);
}

/**
 * Adds `meta`. The version is a weak ETag (RFC 7232 §2.3): the given change counter, or else a digest
 * of the rest of the resource, so that any change anyone makes, here or in the directory, changes it.
 * @example withMeta(body, 'Group', id, createdAt, updatedAt, base, 3);
 */
export function withMeta(
  body: Record<string, unknown>,
  resourceType: 'User' | 'Group',
  id: string,
  created: Date,
  lastModified: Date,
  scimBaseUrl: string,
  changeCounter?: number,
): ScimResource {
  const digest =
    changeCounter === undefined
      ? createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 22)
      : String(changeCounter);
  return {
    ...body,
    id,
    meta: {
      resourceType,
      created: created.toISOString(),
      lastModified: lastModified.toISOString(),
      version: `W/"${digest}"`,
      location: `${scimBaseUrl}/${resourceType}s/${id}`,
    },
  };
}

/**
 * Keeps only the asked-for attributes, or drops the excluded ones (RFC 7644 §3.9); `id` and
 * `schemas` are always returned. Paths are case-insensitive and may name a sub-attribute
 * (`name.givenName`) or an extension's attribute by its URN.
 * @example projectAttributes(user, ['userName', 'emails'], []);
 */
export function projectAttributes(
  resource: Record<string, unknown>,
  attributes: readonly string[],
  excluded: readonly string[],
  coreSchema: string,
): Record<string, unknown> {
  const split = (path: string) => splitPath(path, coreSchema, Object.keys(resource));
  if (attributes.length > 0) {
    const kept: Record<string, unknown> = { schemas: resource.schemas, id: resource.id };
    for (const path of attributes.map(split)) {
      const [top, sub] = path;
      const key = Object.keys(resource).find((k) => k.toLowerCase() === top);
      if (!key) continue;
      const value = resource[key];
      if (sub === undefined || typeof value !== 'object' || value === null || Array.isArray(value)) {
        kept[key] = value;
      } else {
        const subKey = Object.keys(value).find((k) => k.toLowerCase() === sub);
        if (subKey)
          kept[key] = { ...((kept[key] as object) ?? {}), [subKey]: (value as Record<string, unknown>)[subKey] };
      }
    }
    return kept;
  }
  const result = structuredClone(resource);
  for (const [top, sub] of excluded.map(split)) {
    const key = Object.keys(result).find((k) => k.toLowerCase() === top);
    if (!key || key === 'id' || key === 'schemas') continue;
    const value = result[key];
    if (sub === undefined) delete result[key];
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const subKey = Object.keys(value).find((k) => k.toLowerCase() === sub);
      if (subKey) delete (value as Record<string, unknown>)[subKey];
    }
  }
  return result;
}

/** `[top, sub]`, lower-cased: `name.givenName` → ['name', 'givenname']; an extension URN is one top key. */
function splitPath(path: string, coreSchema: string, keys: readonly string[]): [string, string | undefined] {
  let lower = path.trim().toLowerCase();
  if (lower.startsWith(`${coreSchema.toLowerCase()}:`)) lower = lower.slice(coreSchema.length + 1);
  const urn = keys.find((key) => key.startsWith('urn:') && lower.startsWith(`${key.toLowerCase()}:`));
  if (urn) return [urn.toLowerCase(), lower.slice(urn.length + 1)];
  if (keys.some((key) => key.toLowerCase() === lower)) return [lower, undefined];
  const [top = '', sub] = lower.split('.');
  return [top, sub];
}
