/**
 * Registering and managing exchange members, and who may publish under which standard. A member is
 * registered as an OIDC client (client credentials) and a member row in one transaction; disabling
 * one disables the other. Every call checks `exchange.manage` (changes) or `exchange.read` (reads)
 * over the owning unit first; every change is audited in its transaction, never with contact
 * details; bad input changes nothing and every bad field is reported at once.
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor, Policy } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import { type FieldError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { maskEmail, maskName, maskPhone } from '../../platform/identifiers/mask.js';
import type { SecretBox } from '../../platform/secrets/secret-box.js';
import { getOrgUnit, orgSubtree } from '../directory/index.js';
import { disableClient, enableClient, registerClient, rotateClientSecret, updateClient } from '../identity/index.js';
import { afterConfigChange } from './config-cache.js';
import './exchange-members.messages.js';
import {
  type Contact,
  type ContactInput,
  EXCHANGE_MANAGE_PERMISSION,
  EXCHANGE_READ_PERMISSION,
  EXCHANGE_SCOPE,
  MAX_CONTACTS,
  MAX_NAME_LENGTH,
  MEMBER_ID_PATTERN,
  MEMBER_STATUSES,
  type Member,
  type MemberDetail,
  type MemberInput,
  type MemberPatch,
  type MemberWithSecret,
  ZONE_RESTRICTED_CLASSIFICATIONS,
  ZONES,
  type Zone,
} from './member.js';
import {
  deletePublisher,
  insertMember,
  insertPublisher,
  type PublisherRow,
  type StandardRef,
  selectMayPublish,
  selectMember,
  selectMembers,
  selectPublishers,
  selectStandardRef,
  updateMemberColumns,
} from './member.repository.js';
import { selectLiveSubscriptionsByClassification, updateSubscriptionStatus } from './subscription.repository.js';

export type { Member, Zone } from './member.js';

export interface MemberServiceDeps {
  policy: Policy;
  secrets: SecretBox;
}

/** A member as a reader sees it: contacts masked unless the reader manages the owner unit. */
export interface ReadableMember extends MemberDetail {
  contactsMasked: boolean;
}

export interface MemberList {
  items: ReadableMember[];
  total: number;
}

export interface MemberQuery {
  limit: number;
  offset: number;
  status?: string | undefined;
  zone?: string | undefined;
}

const MAX_PAGE = 500;
const MAX_CONTACT_NAME = 50;
const MAX_PHONE = 30;
const MAX_EMAIL = 254;
const PHONE_PATTERN = /^\+?[0-9][0-9 ()-]{2,29}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ZONE_REVOKE_REASON = '成员转入外部区域 Member moved to the external zone';

/**
 * Registers a system as an exchange member: an OIDC client with grant type client_credentials and
 * scope `exchange`, and the member row, in one transaction. The client secret is returned this once.
 * The actor needs `exchange.manage` and `identity.client.manage` over the owner unit.
 * @throws ValidationError `exchange.member_invalid` (every bad field; `/id` `taken`); ForbiddenError `access.denied`
 * @example const { member, clientSecret } = await registerMember(db, actor, { id: 'gaj-rkxt', nameZh: '公安人口系统', nameEn: 'Police population system', ownerOrgUnitCode: 'D01', zone: 'internal' }, deps);
 */
export async function registerMember(
  executor: Executor,
  actor: Actor,
  input: MemberInput,
  deps: MemberServiceDeps,
): Promise<MemberWithSecret> {
  const change = inTransaction(executor, async (tx) => {
    const fields = normalise(input);
    const errors: FieldError[] = [];
    if (typeof input.id !== 'string' || !MEMBER_ID_PATTERN.test(input.id)) {
      errors.push({ pointer: '/id', reason: 'pattern' });
    }
    const unitKnown = fields.ownerOrgUnitCode !== '' && (await unitExists(tx, fields.ownerOrgUnitCode));
    if (unitKnown) await deps.policy.assertAllowed(tx, actor, EXCHANGE_MANAGE_PERMISSION, fields.ownerOrgUnitCode);
    if (!fields.ownerOrgUnitCode) errors.push({ pointer: '/ownerOrgUnitCode', reason: 'required' });
    else if (!unitKnown) errors.push({ pointer: '/ownerOrgUnitCode', reason: 'not_found' });
    errors.push(...checkFields(fields));
    if (errors.length === 0 && (await selectMember(tx, input.id))) errors.push({ pointer: '/id', reason: 'taken' });
    if (errors.length > 0) throw invalid(errors);
    const { clientSecret } = await asMemberErrors(() =>
      registerClient(
        tx,
        actor,
        {
          clientId: input.id,
          nameZh: fields.nameZh,
          nameEn: fields.nameEn,
          ownerOrgUnitCode: fields.ownerOrgUnitCode,
          grantTypes: ['client_credentials'],
          scopes: [EXCHANGE_SCOPE],
        },
        deps,
      ),
    );
    await insertMember(tx, {
      id: input.id,
      name_zh: fields.nameZh,
      name_en: fields.nameEn,
      owner_org_unit_code: fields.ownerOrgUnitCode,
      zone: fields.zone as Zone,
      status: 'enabled',
      contacts: fields.contacts,
    });
    await audit(tx, actor, 'exchange.member.register', input.id, {
      memberId: input.id,
      ownerOrgUnitCode: fields.ownerOrgUnitCode,
      zone: fields.zone,
      contactCount: fields.contacts.length,
    });
    return { member: (await selectMember(tx, input.id))!, clientSecret };
  });
  return afterConfigChange(change);
}

/**
 * One member. Contacts are masked unless the actor manages the owner unit.
 * @throws NotFoundError `exchange.member_not_found`; ForbiddenError `access.denied`
 * @example const member = await getMember(db, actor, 'gaj-rkxt', deps);
 */
export async function getMember(
  executor: Executor,
  actor: Actor,
  memberId: string,
  deps: Pick<MemberServiceDeps, 'policy'>,
): Promise<ReadableMember> {
  const member = await findMember(executor, memberId);
  await deps.policy.assertAllowed(executor, actor, EXCHANGE_READ_PERMISSION, member.ownerOrgUnitCode);
  const manages = await deps.policy.authorize(executor, actor, EXCHANGE_MANAGE_PERMISSION, member.ownerOrgUnitCode);
  return readable(member, manages.allowed);
}

/**
 * The members owned by the units (and units below) where the actor holds `exchange.read`, by id.
 * @throws ValidationError `exchange.member_query_invalid`
 * @example const { items, total } = await listMembers(db, actor, { limit: 50, offset: 0 }, deps);
 */
export async function listMembers(
  executor: Executor,
  actor: Actor,
  query: MemberQuery,
  deps: Pick<MemberServiceDeps, 'policy'>,
): Promise<MemberList> {
  const errors: FieldError[] = [];
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE) {
    errors.push({ pointer: '/limit', reason: 'range' });
  }
  if (!Number.isInteger(query.offset) || query.offset < 0) errors.push({ pointer: '/offset', reason: 'range' });
  if (query.status !== undefined && !(MEMBER_STATUSES as readonly string[]).includes(query.status)) {
    errors.push({ pointer: '/status', reason: 'one_of' });
  }
  if (query.zone !== undefined && !(ZONES as readonly string[]).includes(query.zone)) {
    errors.push({ pointer: '/zone', reason: 'one_of' });
  }
  if (errors.length > 0) throw new ValidationError('exchange.member_query_invalid', errors, { count: errors.length });
  const readUnits = await unitsOf(executor, actor, EXCHANGE_READ_PERMISSION, deps.policy);
  const manageUnits = await unitsOf(executor, actor, EXCHANGE_MANAGE_PERMISSION, deps.policy);
  const { items, total } = await selectMembers(
    executor,
    { ownerOrgUnitCodes: readUnits, status: query.status, zone: query.zone },
    query,
  );
  return {
    items: items.map((member) => readable(member, !manageUnits || manageUnits.includes(member.ownerOrgUnitCode))),
    total,
  };
}

/**
 * Changes a member's names, zone or contacts; absent fields stay. Names go to its OIDC client too.
 * Moving a member to the external zone revokes its pending and approved subscriptions to sensitive
 * and classified standards in the same transaction.
 * @throws NotFoundError `exchange.member_not_found`; ValidationError `exchange.member_invalid`; ForbiddenError `access.denied`
 * @example await updateMember(db, actor, 'gaj-rkxt', { zone: 'internal', contacts: [{ name: '王芳', phone: '13812345678' }] }, deps);
 */
export async function updateMember(
  executor: Executor,
  actor: Actor,
  memberId: string,
  patch: MemberPatch,
  deps: MemberServiceDeps,
): Promise<ReadableMember> {
  const change = inTransaction(executor, async (tx) => {
    const current = await lockedMember(tx, actor, memberId, deps.policy);
    const wanted = normalise({
      ...current,
      ...Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)),
    });
    const errors = checkFields(wanted);
    if (errors.length > 0) throw invalid(errors);
    const changed = (['nameZh', 'nameEn', 'zone', 'contacts'] as const).filter(
      (field) => JSON.stringify(wanted[field]) !== JSON.stringify(current[field]),
    );
    if (changed.length === 0) return readable(current, true);
    if (changed.includes('nameZh') || changed.includes('nameEn')) {
      await withClient(() =>
        asMemberErrors(() => updateClient(tx, actor, memberId, { nameZh: wanted.nameZh, nameEn: wanted.nameEn }, deps)),
      );
    }
    await updateMemberColumns(tx, memberId, {
      name_zh: wanted.nameZh,
      name_en: wanted.nameEn,
      zone: wanted.zone as Zone,
      contacts: wanted.contacts,
    });
    await audit(tx, actor, 'exchange.member.update', memberId, { memberId, fields: changed });
    if (current.zone === 'internal' && wanted.zone === 'external') {
      const restricted = await selectLiveSubscriptionsByClassification(tx, memberId, [
        ...ZONE_RESTRICTED_CLASSIFICATIONS,
      ]);
      for (const subscription of restricted) {
        await updateSubscriptionStatus(tx, subscription.id, {
          status: 'revoked',
          reason: ZONE_REVOKE_REASON,
          decidedBy: decidedBy(actor),
        });
        await recordAudit(tx, {
          actor,
          action: 'exchange.subscription.revoke',
          target: { type: 'exchange_subscription', id: subscription.id },
          outcome: 'success',
          details: { memberId, standardCode: subscription.standardCode, from: subscription.status, cause: 'zone' },
        });
      }
    }
    return readable((await selectMember(tx, memberId))!, true);
  });
  return afterConfigChange(change);
}

/**
 * Turns a member off: its OIDC client is disabled too, so its tokens stop working at once, and it
 * is no longer routed to. Disabling a disabled member changes nothing.
 * @throws NotFoundError `exchange.member_not_found`; ForbiddenError `access.denied`
 * @example await disableMember(db, actor, 'gaj-rkxt', deps);
 */
export async function disableMember(
  executor: Executor,
  actor: Actor,
  memberId: string,
  deps: MemberServiceDeps,
): Promise<ReadableMember> {
  return setStatus(executor, actor, memberId, 'disabled', deps);
}

/**
 * Turns a disabled member back on, with its OIDC client; tokens from before stay revoked.
 * @throws NotFoundError `exchange.member_not_found`; ForbiddenError `access.denied`
 * @example await enableMember(db, actor, 'gaj-rkxt', deps);
 */
export async function enableMember(
  executor: Executor,
  actor: Actor,
  memberId: string,
  deps: MemberServiceDeps,
): Promise<ReadableMember> {
  return setStatus(executor, actor, memberId, 'enabled', deps);
}

/**
 * Gives the member's client a new secret, shown this once; the old one stops working at once.
 * @throws NotFoundError `exchange.member_not_found`; ForbiddenError `access.denied`
 * @example const { clientSecret } = await rotateMemberSecret(db, actor, 'gaj-rkxt', deps);
 */
export async function rotateMemberSecret(
  executor: Executor,
  actor: Actor,
  memberId: string,
  deps: MemberServiceDeps,
): Promise<MemberWithSecret> {
  return inTransaction(executor, async (tx) => {
    const current = await lockedMember(tx, actor, memberId, deps.policy);
    const { clientSecret } = await rotateClientSecret(tx, actor, memberId, deps);
    await audit(tx, actor, 'exchange.member.rotate_secret', memberId, { memberId });
    return { member: current, clientSecret };
  });
}

/**
 * The member a client id belongs to, whatever its status; undefined when the client is no member.
 * No permission check: the caller has authenticated the client.
 * @example const member = await memberOfClient(db, principal.id);
 */
export async function memberOfClient(executor: Executor, clientId: string): Promise<Member | undefined> {
  if (!MEMBER_ID_PATTERN.test(clientId)) return undefined;
  const detail = await selectMember(executor, clientId);
  if (!detail) return undefined;
  const { contacts: _contacts, createdAt: _created, updatedAt: _updated, ...member } = detail;
  return member;
}

/**
 * Whether the member is enabled and holds the right to publish under the standard.
 * @example if (!(await mayPublish(tx, member.id, 'population-basic'))) throw new ForbiddenError(...);
 */
export async function mayPublish(executor: Executor, memberId: string, standardCode: string): Promise<boolean> {
  return selectMayPublish(executor, memberId, standardCode);
}

/**
 * Lets a member publish under a standard; the actor needs `exchange.manage` over the standard's
 * owner unit. Granting a right already held changes nothing (`created: false`).
 * @throws NotFoundError `exchange.publisher_standard_not_found`; ValidationError `exchange.publisher_invalid` (`/memberId`); ForbiddenError `access.denied`
 * @example await grantPublisher(db, actor, 'population-basic', 'gaj-rkxt', deps);
 */
export async function grantPublisher(
  executor: Executor,
  actor: Actor,
  standardCode: string,
  memberId: string,
  deps: Pick<MemberServiceDeps, 'policy'>,
): Promise<{ publisher: PublisherRow; created: boolean }> {
  const change = inTransaction(executor, async (tx) => {
    const standard = await ownedStandard(tx, actor, standardCode, EXCHANGE_MANAGE_PERMISSION, deps.policy);
    const member =
      typeof memberId === 'string' && MEMBER_ID_PATTERN.test(memberId) ? await selectMember(tx, memberId) : undefined;
    if (!member) {
      throw new ValidationError('exchange.publisher_invalid', [{ pointer: '/memberId', reason: 'not_found' }], {
        count: 1,
      });
    }
    const created = await insertPublisher(tx, standard.code, member.id, decidedBy(actor));
    if (created) {
      await recordAudit(tx, {
        actor,
        action: 'exchange.publisher.grant',
        target: { type: 'exchange_standard', id: standard.code },
        outcome: 'success',
        details: { standardCode: standard.code, memberId: member.id },
      });
    }
    const publisher = (await selectPublishers(tx, standard.code)).find((row) => row.memberId === member.id)!;
    return { publisher, created };
  });
  return afterConfigChange(change);
}

/**
 * Takes a member's right to publish under a standard away.
 * @throws NotFoundError `exchange.publisher_standard_not_found` | `exchange.publisher_not_found`; ForbiddenError `access.denied`
 * @example await revokePublisher(db, actor, 'population-basic', 'gaj-rkxt', deps);
 */
export async function revokePublisher(
  executor: Executor,
  actor: Actor,
  standardCode: string,
  memberId: string,
  deps: Pick<MemberServiceDeps, 'policy'>,
): Promise<void> {
  await afterConfigChange(
    inTransaction(executor, async (tx) => {
      const standard = await ownedStandard(tx, actor, standardCode, EXCHANGE_MANAGE_PERMISSION, deps.policy);
      if (!(await deletePublisher(tx, standard.code, memberId))) {
        throw new NotFoundError('exchange.publisher_not_found', { standardCode: standard.code, memberId });
      }
      await recordAudit(tx, {
        actor,
        action: 'exchange.publisher.revoke',
        target: { type: 'exchange_standard', id: standard.code },
        outcome: 'success',
        details: { standardCode: standard.code, memberId },
      });
    }),
  );
}

/**
 * The members that may publish under a standard, by member id; the actor needs `exchange.read` over
 * the standard's owner unit.
 * @throws NotFoundError `exchange.publisher_standard_not_found`; ForbiddenError `access.denied`
 * @example const publishers = await listPublishers(db, actor, 'population-basic', deps);
 */
export async function listPublishers(
  executor: Executor,
  actor: Actor,
  standardCode: string,
  deps: Pick<MemberServiceDeps, 'policy'>,
): Promise<PublisherRow[]> {
  const standard = await ownedStandard(executor, actor, standardCode, EXCHANGE_READ_PERMISSION, deps.policy);
  return selectPublishers(executor, standard.code);
}

/**
 * The units (with those below) where the actor holds `permission`; undefined when everywhere.
 * Shared with the subscription and catalogue services.
 */
export async function unitsOf(
  executor: Executor,
  actor: Actor,
  permission: string,
  policy: Policy,
): Promise<string[] | undefined> {
  const scope = await policy.scopeOf(executor, actor, permission);
  if (scope.everywhere) return undefined;
  const units = await Promise.all(scope.orgUnitCodes.map((code) => orgSubtree(executor, code)));
  return [...new Set(units.flat().map((unit) => unit.code))];
}

/** A member by id; NotFoundError before any permission check, as for every other kind of record. */
export async function findMember(executor: Executor, memberId: string, lock = false): Promise<MemberDetail> {
  const member = MEMBER_ID_PATTERN.test(memberId) ? await selectMember(executor, memberId, lock) : undefined;
  if (!member) throw new NotFoundError('exchange.member_not_found', { memberId });
  return member;
}

/** A standard by code, after checking `permission` over its owner unit. */
export async function ownedStandard(
  executor: Executor,
  actor: Actor,
  standardCode: string,
  permission: string,
  policy: Policy,
): Promise<StandardRef> {
  const standard = typeof standardCode === 'string' ? await selectStandardRef(executor, standardCode) : undefined;
  if (!standard) throw new NotFoundError('exchange.publisher_standard_not_found', { standardCode });
  await policy.assertAllowed(executor, actor, permission, standard.ownerOrgUnitCode);
  return standard;
}

/** Who decided, as kept on subscription and publication rows: `user:<id>`, `machine:<id>`, `system:huitong`. */
export function decidedBy(actor: Actor): string {
  return `${actor.type}:${actor.id}`;
}

interface NormalisedMember {
  nameZh: string;
  nameEn: string;
  ownerOrgUnitCode: string;
  zone: string;
  contacts: Contact[];
  contactsInput: unknown;
}

function normalise(input: Partial<MemberInput> & { contacts?: unknown }): NormalisedMember {
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  const contacts = Array.isArray(input.contacts) ? (input.contacts as ContactInput[]) : [];
  return {
    nameZh: text(input.nameZh),
    nameEn: text(input.nameEn),
    ownerOrgUnitCode: text(input.ownerOrgUnitCode),
    zone: text(input.zone),
    contacts: contacts.map((contact) => ({
      name: text(contact?.name),
      phone: text(contact?.phone) || null,
      email: text(contact?.email) || null,
    })),
    contactsInput: input.contacts,
  };
}

function checkFields(fields: NormalisedMember): FieldError[] {
  const errors: FieldError[] = [];
  for (const name of ['nameZh', 'nameEn'] as const) {
    const length = [...fields[name]].length;
    if (length === 0) errors.push({ pointer: `/${name}`, reason: 'required' });
    else if (length > MAX_NAME_LENGTH) errors.push({ pointer: `/${name}`, reason: 'too_long' });
  }
  if (!fields.zone) errors.push({ pointer: '/zone', reason: 'required' });
  else if (!(ZONES as readonly string[]).includes(fields.zone)) errors.push({ pointer: '/zone', reason: 'one_of' });
  if (fields.contactsInput !== undefined && !Array.isArray(fields.contactsInput)) {
    errors.push({ pointer: '/contacts', reason: 'type' });
  }
  if (fields.contacts.length > MAX_CONTACTS) errors.push({ pointer: '/contacts', reason: 'too_many' });
  fields.contacts.forEach((contact, index) => {
    const at = `/contacts/${index}`;
    if (!contact.name) errors.push({ pointer: `${at}/name`, reason: 'required' });
    else if ([...contact.name].length > MAX_CONTACT_NAME) errors.push({ pointer: `${at}/name`, reason: 'too_long' });
    if (contact.phone !== null && (contact.phone.length > MAX_PHONE || !PHONE_PATTERN.test(contact.phone))) {
      errors.push({ pointer: `${at}/phone`, reason: 'pattern' });
    }
    if (contact.email !== null && (contact.email.length > MAX_EMAIL || !EMAIL_PATTERN.test(contact.email))) {
      errors.push({ pointer: `${at}/email`, reason: 'pattern' });
    }
  });
  return errors;
}

async function setStatus(
  executor: Executor,
  actor: Actor,
  memberId: string,
  status: 'enabled' | 'disabled',
  deps: MemberServiceDeps,
): Promise<ReadableMember> {
  const change = inTransaction(executor, async (tx) => {
    const current = await lockedMember(tx, actor, memberId, deps.policy);
    if (current.status === status) return readable(current, true);
    await withClient(() =>
      status === 'disabled' ? disableClient(tx, actor, memberId, deps) : enableClient(tx, actor, memberId, deps),
    );
    await updateMemberColumns(tx, memberId, { status });
    await audit(tx, actor, status === 'disabled' ? 'exchange.member.disable' : 'exchange.member.enable', memberId, {
      memberId,
    });
    return readable((await selectMember(tx, memberId))!, true);
  });
  return afterConfigChange(change);
}

async function lockedMember(executor: Executor, actor: Actor, memberId: string, policy: Policy): Promise<MemberDetail> {
  const member = await findMember(executor, memberId, true);
  await policy.assertAllowed(executor, actor, EXCHANGE_MANAGE_PERMISSION, member.ownerOrgUnitCode);
  return member;
}

/**
 * Runs a change on the member's OIDC client. A member row without a client (made by hand, or by
 * another part's tests) has no credentials to change: the member change alone is what counts then.
 */
async function withClient(change: () => Promise<unknown>): Promise<void> {
  try {
    await change();
  } catch (error) {
    if (error instanceof NotFoundError && error.code === 'identity.client_not_found') return;
    throw error;
  }
}

/** Identity's field errors, in the member's terms: the client id is the member id. */
async function asMemberErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ValidationError && error.code === 'identity.client_invalid') {
      throw invalid(
        error.fields.map((field) => (field.pointer === '/clientId' ? { ...field, pointer: '/id' } : field)),
      );
    }
    throw error;
  }
}

function readable(member: MemberDetail, manages: boolean): ReadableMember {
  if (manages) return { ...member, contactsMasked: false };
  return {
    ...member,
    contacts: member.contacts.map((contact) => ({
      name: maskName(contact.name),
      phone: contact.phone === null ? null : maskPhone(contact.phone),
      email: contact.email === null ? null : maskEmail(contact.email),
    })),
    contactsMasked: true,
  };
}

async function unitExists(executor: Executor, code: string): Promise<boolean> {
  try {
    await getOrgUnit(executor, code);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}

async function audit(
  executor: Executor,
  actor: Actor,
  action: string,
  memberId: string,
  details: Record<string, unknown>,
): Promise<void> {
  await recordAudit(executor, {
    actor,
    action,
    target: { type: 'exchange_member', id: memberId },
    outcome: 'success',
    details,
  });
}

function invalid(errors: FieldError[]): ValidationError {
  return new ValidationError('exchange.member_invalid', errors, { count: errors.length });
}
