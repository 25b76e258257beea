/**
 * Published service items for the portal's page tests. The pages (src/web/portal) may reach the
 * services module through its face only, so its test content (item.fixtures.ts) comes to their
 * tests through here.
 */
import { createItem, type ItemContent, publishItemVersion } from '../../src/modules/services/index.js';
import { makeItemContent } from '../../src/modules/services/item.fixtures.js';
import { SYSTEM_ACTOR } from '../../src/platform/authorization.js';
import type { TestPlatform } from './runtime.js';

export { itemCode } from '../../src/modules/services/item.fixtures.js';

/**
 * Creates and publishes (as version 1) an item of the services module's test content, with what the
 * test is about overridden. Its department must exist (test/support/org-units.ts).
 * @example await publishTestItem(platform, itemCode(1), { channels: { online: true, anyCentre: true, centreCodes: [] } });
 */
export async function publishTestItem(
  platform: TestPlatform,
  code: string,
  overrides: Partial<ItemContent> = {},
): Promise<void> {
  const db = platform.runtime.database.kysely;
  const catalogue = { policy: platform.runtime.policy };
  await createItem(db, SYSTEM_ACTOR, { code, ...makeItemContent(overrides) }, catalogue);
  await publishItemVersion(db, SYSTEM_ACTOR, code, 1, catalogue);
}
