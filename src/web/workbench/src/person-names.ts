/**
 * Names for the person ids other APIs return (grants, sessions, audit): looked up once each through
 * the directory, as the reader may see them (masked where the directory masks them).
 */
import { useEffect, useState } from 'react';
import { apiFetch } from './api-client';
import type { PersonView } from './api-types';

const known = new Map<string, Promise<string | undefined>>();

function nameOf(personId: string): Promise<string | undefined> {
  let pending = known.get(personId);
  if (!pending) {
    pending = apiFetch<PersonView>(`/api/directory/v1/people/${personId}`).then(
      (person) => `${person.name} · ${person.staffNo}`,
      // Not visible to the reader (403) or gone (404): the id is all that can be shown.
      () => undefined,
    );
    known.set(personId, pending);
  }
  return pending;
}

/**
 * The display names of `personIds` as they arrive; an id without one is shown as itself.
 * @example const names = usePersonNames(grants.map((g) => g.grantee.personId)); names.get(id) ?? id
 */
export function usePersonNames(personIds: readonly string[]): ReadonlyMap<string, string> {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const wanted = [...new Set(personIds)].sort().join(',');

  useEffect(() => {
    let live = true;
    const ids = wanted === '' ? [] : wanted.split(',');
    Promise.all(ids.map(async (id) => [id, await nameOf(id)] as const)).then((entries) => {
      if (!live) return;
      setNames(new Map(entries.filter((entry): entry is readonly [string, string] => entry[1] !== undefined)));
    });
    return () => {
      live = false;
    };
  }, [wanted]);

  return names;
}
