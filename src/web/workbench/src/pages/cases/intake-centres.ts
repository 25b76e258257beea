/**
 * The service centres where the signed-in clerk may take in applications: every centre, each asked of
 * the access API's decision for the reader themself (`cases.intake` there), so a grant over a town or
 * the whole district counts exactly as the server counts it.
 */
import { apiFetch } from '../../api-client';
import type { DecisionView, OrgUnit } from '../../api-types';

export async function intakeCentres(personId: string, centres: OrgUnit[], signal: AbortSignal): Promise<OrgUnit[]> {
  const allowed = await Promise.all(
    centres.map(async (centre) => {
      const decision = await apiFetch<DecisionView>('/api/access/v1/decisions', {
        query: { personId, permission: 'cases.intake', orgUnit: centre.code },
        signal,
      });
      return decision.allowed;
    }),
  );
  return centres.filter((_, index) => allowed[index]);
}
