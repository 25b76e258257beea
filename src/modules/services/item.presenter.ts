/** Domain objects → API shapes of the service catalogue API. */
import type { ItemPage, ItemVersion, ItemVersionSummary } from './item.js';
import type { ItemVersionView } from './item.schema.js';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function presentItemPage(page: ItemPage) {
  return {
    items: page.items.map((item) => ({ ...item, publishedAt: item.publishedAt.toISOString() })),
    total: page.total,
    limit: page.limit,
    offset: page.offset,
  };
}

export function presentItemVersion(version: ItemVersion): ItemVersionView {
  return {
    ...version,
    publishedAt: iso(version.publishedAt),
    withdrawnAt: iso(version.withdrawnAt),
    createdAt: version.createdAt.toISOString(),
    updatedAt: version.updatedAt.toISOString(),
  };
}

export function presentVersionSummary(version: ItemVersionSummary) {
  return {
    version: version.version,
    status: version.status,
    publishedAt: iso(version.publishedAt),
    withdrawnAt: iso(version.withdrawnAt),
    updatedAt: version.updatedAt.toISOString(),
  };
}
