/**
 * The organisation tree as the workbench loads it: a level at a time (a district has hundreds of
 * units), from the public org-unit API.
 */
import { apiFetch } from './api-client';
import type { OrgUnit, Page } from './api-types';
import type { Locale } from './messages';

/** The API's page limit: no unit has more direct children than this. */
const CHILDREN_LIMIT = 500;

/** The root of the tree: the district (a platform normally has one). */
export async function fetchRootUnits(signal?: AbortSignal): Promise<OrgUnit[]> {
  const page = await apiFetch<Page<OrgUnit>>('/api/directory/v1/org-units', {
    query: { kind: 'district', status: 'active', limit: CHILDREN_LIMIT },
    signal,
  });
  return page.items.filter((unit) => unit.parentCode === null);
}

/** The active units directly below `parentCode`, in their sort order. */
export async function fetchChildUnits(parentCode: string, signal?: AbortSignal): Promise<OrgUnit[]> {
  const page = await apiFetch<Page<OrgUnit>>('/api/directory/v1/org-units', {
    query: { parent: parentCode, status: 'active', limit: CHILDREN_LIMIT },
    signal,
  });
  return page.items;
}

/** A unit's name in the interface language. */
export function unitName(unit: Pick<OrgUnit, 'nameZh' | 'nameEn'>, locale: Locale): string {
  return locale === 'en' ? unit.nameEn : unit.nameZh;
}
