/** Paging of the supervision lists, checked as every list of the platform checks it. */
import type { FieldError } from '../../platform/errors.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/**
 * The page asked for, with its bad fields added to `errors`.
 * @example const page = pageOf({ limit: 50 }, errors); // { limit: 50, offset: 0 }
 */
export function pageOf(
  query: { limit?: number | undefined; offset?: number | undefined },
  errors: FieldError[],
): { limit: number; offset: number } {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const offset = query.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) errors.push({ pointer: '/limit', reason: 'range' });
  if (!Number.isInteger(offset) || offset < 0) errors.push({ pointer: '/offset', reason: 'range' });
  return { limit, offset };
}
