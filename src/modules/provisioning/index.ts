/**
 * The provisioning module's public face: mail addresses and mailboxes for the directory's people,
 * the SCIM 2.0 service provider at /scim/v2 with its per-system bearer tokens, and the REST API that
 * manages them. Other code imports provisioning from here only.
 */
export { MAIL_RULES, type MailRule, mailLocalPart, splitName } from './mail-address-rule.js';
export { activateMailbox, getMailbox, type Mailbox, type MailSettings } from './mailbox.service.js';
export { type SyncSettings, syncPerson, type UsernameLookup } from './person-sync.service.js';
export { provisioningRoutes } from './provisioning.routes.js';
export { MAILBOX_STATUSES, type MailboxStatus, SCIM_TOKEN_SCOPES, type ScimTokenScope } from './provisioning.tables.js';
export { PROVISIONING_SUBSCRIBER, subscribeProvisioning } from './provisioning-events.js';
export { SCIM_CONTENT_TYPE, type ScimRoutesDeps, scimRoutes } from './scim.routes.js';
export {
  createScimToken,
  listScimTokens,
  type NewScimToken,
  revokeScimToken,
  type ScimToken,
} from './scim-token.service.js';
