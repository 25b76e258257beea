/** Stored tokens and mailboxes → the REST API's shapes. A token's hash never leaves the module. */
import type { Mailbox } from './mailbox.repository.js';
import type { MailboxView, ScimTokenView } from './provisioning.schema.js';
import type { ScimToken } from './scim-token.repository.js';

export function presentScimToken(token: ScimToken): ScimTokenView {
  return {
    id: token.id,
    name: token.name,
    ownerOrgUnitCode: token.ownerOrgUnitCode,
    scopes: token.scopes,
    createdBy: token.createdBy,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
  };
}

export function presentMailbox(mailbox: Mailbox): MailboxView {
  return {
    personId: mailbox.personId,
    address: mailbox.address,
    status: mailbox.status,
    activatedAt: mailbox.activatedAt?.toISOString() ?? null,
    updatedAt: mailbox.updatedAt.toISOString(),
  };
}
