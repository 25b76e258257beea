/**
 * The services module's public face: the service catalogue (政务服务事项) — items as a national
 * implementation list carries them, versioned and published — its HTTP routes, the application form
 * description the portal renders, and the demo catalogue. Other code imports the module from here only.
 */
export { DEMO_ITEM_COUNT, demoItems, seedDemoServices } from './demo-services.js';
export {
  type Channels,
  DEFAULT_PAGE_LIMIT,
  type Fee,
  ITEM_CODE_PATTERN,
  ITEM_TYPE_NAMES,
  ITEM_TYPES,
  type ItemContent,
  type ItemFilter,
  type ItemPage,
  type ItemResult,
  type ItemSummary,
  type ItemType,
  type ItemVersion,
  type ItemVersionSummary,
  MAX_PAGE_LIMIT,
  type Material,
  SERVICES_MANAGE,
  type VersionStatus,
} from './item.js';
export { serviceItemRoutes } from './item.routes.js';
export {
  createDraft,
  createItem,
  getItemVersion,
  getPublishedItem,
  type ItemServiceDeps,
  listItemVersions,
  listPublishedDepartments,
  listPublishedItems,
  publishItemVersion,
  updateDraft,
  withdrawItem,
} from './item.service.js';
export { checkForm, describeForm, type FormField, type FormFieldKind } from './item-form.js';
