/** The roles, loaded once per page and shared by its panels and dialogs. */
import { apiFetch } from '../../api-client';
import type { RoleView } from '../../api-types';
import type { Locale } from '../../messages';

export function fetchRoles(signal?: AbortSignal): Promise<RoleView[]> {
  return apiFetch<{ items: RoleView[] }>('/api/access/v1/roles', { signal }).then((list) => list.items);
}

/** A role's name in the interface language. */
export function roleName(role: Pick<RoleView, 'nameZh' | 'nameEn'>, locale: Locale): string {
  return locale === 'en' ? role.nameEn : role.nameZh;
}
