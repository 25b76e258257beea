/**
 * Names of the departments and service centres cases mention by code (D07, C01): loaded once per
 * page, two small lists (a district has some fifty departments and 1 + 23 centres).
 */
import { apiFetch } from '../../api-client';
import type { OrgUnit, Page } from '../../api-types';
import { useLocale } from '../../locale-context';
import { unitName } from '../../org-units';
import { useLoad } from '../../use-load';

/** The API's page limit, above the number of departments or centres any district has. */
const UNITS_LIMIT = 500;

export interface UnitNames {
  centres: OrgUnit[];
  departments: OrgUnit[];
  /**
   * The unit's name in the reader's language with its code, or the code alone while unknown; the
   * statistics' and overview's centre '' (online applications) as the channel it stands for.
   */
  nameOf(code: string | null): string;
}

async function unitsOfKind(kind: 'service_centre' | 'department', signal: AbortSignal): Promise<OrgUnit[]> {
  const page = await apiFetch<Page<OrgUnit>>('/api/directory/v1/org-units', {
    query: { kind, status: 'active', limit: UNITS_LIMIT },
    signal,
  });
  return page.items;
}

/** One value while loading, so a page's effects that depend on the lists do not run on every render. */
const NONE_YET: [OrgUnit[], OrgUnit[]] = [[], []];

/** @example const units = useUnitNames(); units.nameOf('C01') // '汇通街道社区事务受理服务中心 (C01)' */
export function useUnitNames(): UnitNames {
  const { locale, t } = useLocale();
  const loaded = useLoad(
    (signal) => Promise.all([unitsOfKind('service_centre', signal), unitsOfKind('department', signal)]),
    [],
  );
  const [centres, departments] = loaded.data ?? NONE_YET;
  const byCode = new Map([...centres, ...departments].map((unit) => [unit.code, unit]));
  return {
    centres,
    departments,
    nameOf(code) {
      if (code === null) return '—';
      if (code === '') return t('cases.channel.online');
      const unit = byCode.get(code);
      return unit ? `${unitName(unit, locale)} (${code})` : code;
    },
  };
}
